import type { DeliveryTiming } from './emulator.js';
import { applyFaults, NO_FAULTS, type Faults } from './faults.js';
import { httpUrl } from './util/http-url.js';
import { show } from './util/show.js';

/** Options of `Sandbox.start`. Every one has a default. */
export interface SandboxOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number | undefined;
  /** Address to listen on. Default `127.0.0.1`: only this machine reaches the sandbox. */
  host?: string | undefined;
  /** The API token bots must send. Default `sandbox-token`. */
  token?: string | undefined;
  /** The id of the company customers write to. Default 1. */
  companyId?: number | undefined;
  /** The company's name. Default `Sandbox`. */
  companyName?: string | undefined;
  /**
   * Which of Pact's APIs the sandbox's bot speaks: the envelope of the webhooks it gets
   * (v1 `{type, event, data}` or v2 `{event, type, object}`), `botOptions.apiVersion`, and what the
   * page shows. Both APIs are served either way (`/p1` and `/api/p2`). Default 1.
   */
  apiVersion?: 1 | 2 | undefined;
  /**
   * Where to post the company's webhooks while no bot is connected in-process: on v1 its
   * `webhook_url`, on v2 an active company webhook.
   */
  webhookUrl?: string | undefined;
  /** Wait between attempts to deliver a webhook, in ms. Default 250 (Pact waits 60 s). */
  redeliveryIntervalMs?: number | undefined;
  /**
   * Attempts per webhook, the first included. Default as Pact: 10 for v1 webhooks, 6 (the first
   * and 5 retries) for v2 ones.
   */
  maxDeliveryAttempts?: number | undefined;
  /**
   * Enforce Pact's per-endpoint rate limits of API v2 (sends and write-first 5/s and 30/min,
   * uploads 5/s and 30/min, conversation reads 10/min, message and template reads 20/min),
   * answering 429 with "Please wait for N seconds". Default true: a bot on its default rate budget
   * never meets them, and one without a budget should see what Pact would do. `startTestBot` turns
   * them off unless asked, as it turns off the bot's own budget, so tests never wait.
   */
  rateLimits?: boolean | undefined;
  /** How long a webhook receiver may take to answer, in ms. Default 10 000. */
  webhookTimeoutMs?: number | undefined;
  /** When sent messages are sent, delivered and read, in ms after the send. Default 100, 400, 1200. */
  delivery?: Partial<DeliveryTiming> | undefined;
  /** Faults from the start; change them later with `sandbox.setFaults()` or on the page. */
  faults?: Partial<Faults> | undefined;
  /** Largest upload, in bytes. Default 25 MiB. */
  maxUploadBytes?: number | undefined;
  /** Lines of API calls and webhooks the page's log keeps. Default 300. */
  logSize?: number | undefined;
}

/** {@link SandboxOptions} checked, with defaults filled in. */
export interface ResolvedOptions {
  port: number;
  host: string;
  token: string;
  companyId: number;
  companyName: string;
  apiVersion: 1 | 2;
  webhookUrl: string | undefined;
  redeliveryIntervalMs: number;
  maxDeliveryAttempts: { 1: number; 2: number };
  rateLimits: boolean;
  webhookTimeoutMs: number;
  delivery: DeliveryTiming;
  faults: Faults;
  maxUploadBytes: number;
  logSize: number;
}

function integer(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new TypeError(`${name} must be a whole number from ${min} to ${max}, got ${show(value)}`);
  }
  return value;
}

function text(name: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new TypeError(`${name} must be a non-empty string, got ${show(value)}`);
  }
  return value;
}

function webhookUrl(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (!httpUrl(value)) {
    throw new TypeError(`webhookUrl must be an http or https URL, got ${show(value)}`);
  }
  return value as string;
}

function apiVersion(value: unknown): 1 | 2 {
  if (value === undefined) return 1;
  if (value !== 1 && value !== 2)
    throw new TypeError(`apiVersion must be 1 or 2, got ${show(value)}`);
  return value;
}

function flag(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean')
    throw new TypeError(`${name} must be true or false, got ${show(value)}`);
  return value;
}

/** Checks options and fills in defaults; a bad option throws a TypeError naming it. */
export function resolveOptions(options: SandboxOptions = {}): ResolvedOptions {
  if (options === null || typeof options !== 'object') {
    throw new TypeError(`Sandbox.start() takes an options object, got ${show(options)}`);
  }
  const delivery = options.delivery ?? {};
  const sentMs = integer('delivery.sentMs', delivery.sentMs, 100, 0, 600_000);
  const deliveredMs = integer('delivery.deliveredMs', delivery.deliveredMs, 400, 0, 600_000);
  const readMs =
    delivery.readMs === false
      ? false
      : integer('delivery.readMs', delivery.readMs, 1200, 0, 600_000);
  return {
    port: integer('port', options.port, 0, 0, 65_535),
    host: text('host', options.host, '127.0.0.1'),
    token: text('token', options.token, 'sandbox-token'),
    companyId: integer('companyId', options.companyId, 1, 1, Number.MAX_SAFE_INTEGER),
    companyName: text('companyName', options.companyName, 'Sandbox'),
    apiVersion: apiVersion(options.apiVersion),
    webhookUrl: webhookUrl(options.webhookUrl),
    redeliveryIntervalMs: integer(
      'redeliveryIntervalMs',
      options.redeliveryIntervalMs,
      250,
      0,
      600_000,
    ),
    maxDeliveryAttempts: {
      1: integer('maxDeliveryAttempts', options.maxDeliveryAttempts, 10, 1, 100),
      2: integer('maxDeliveryAttempts', options.maxDeliveryAttempts, 6, 1, 100),
    },
    rateLimits: flag('rateLimits', options.rateLimits, true),
    webhookTimeoutMs: integer('webhookTimeoutMs', options.webhookTimeoutMs, 10_000, 1, 600_000),
    delivery: { sentMs, deliveredMs, readMs },
    faults: applyFaults(NO_FAULTS, options.faults ?? {}),
    maxUploadBytes: integer('maxUploadBytes', options.maxUploadBytes, 25 * 1024 * 1024, 1, 2 ** 31),
    logSize: integer('logSize', options.logSize, 300, 0, 100_000),
  };
}
