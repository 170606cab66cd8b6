import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect } from 'vitest';
import { Sandbox, type SandboxOptions, type WebhookEvent } from '../src/index.js';

const open: Array<{ close(): Promise<void> | void }> = [];

afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

/** Closes `item` after the test. */
export function closeAfterTest<T extends { close(): Promise<void> | void }>(item: T): T {
  open.push(item);
  return item;
}

/** A sandbox on a free port, closed after the test; acks come at once unless told otherwise. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  return closeAfterTest(
    await Sandbox.start({
      redeliveryIntervalMs: 20,
      ...options,
      delivery: { sentMs: 0, deliveredMs: 0, readMs: 0, ...options.delivery },
    }),
  );
}

/** An answer of the API. */
export interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/** Options of {@link call}. */
export interface CallOptions {
  json?: unknown;
  form?: string;
  multipart?: FormData;
  /** The token to send in the header; `null` sends none. Default: the sandbox's. */
  token?: string | null;
}

/** Calls the sandbox's API. */
export async function call(
  sandbox: Sandbox,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Answer> {
  const headers: Record<string, string> = {};
  const token = options.token === undefined ? sandbox.token : options.token;
  if (token !== null) headers['x-private-api-token'] = token;
  let body: RequestInit['body'];
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.form !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = options.form;
  } else if (options.multipart) body = options.multipart;
  const response = await fetch(`${sandbox.apiUrl}${path}`, { method, headers, body });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

/** A webhook as a receiver got it. */
export interface Received {
  body: Record<string, unknown>;
  at: number;
  contentType: string | undefined;
}

/**
 * A webhook receiver on 127.0.0.1: records every webhook and answers with the scripted statuses
 * (the last one repeats; 200 when none are scripted). `next()` waits for webhooks as they come.
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  url = '';
  #statuses: number[] = [];
  #waiters: Array<{ test: (r: Received[]) => boolean; resolve: () => void }> = [];
  readonly #server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      this.received.push({
        body: JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>,
        at: Date.now(),
        contentType: req.headers['content-type'],
      });
      const status =
        this.#statuses.length > 1 ? this.#statuses.shift()! : (this.#statuses[0] ?? 200);
      res.writeHead(status, { 'content-type': 'application/json' }).end('{"ok":true}');
      this.#waiters = this.#waiters.filter((w) =>
        w.test(this.received) ? (w.resolve(), false) : true,
      );
    });
  });

  /** Starts listening; answers with `statuses` in turn. */
  async start(...statuses: number[]): Promise<this> {
    this.#statuses = statuses;
    this.#server.listen(0, '127.0.0.1');
    await once(this.#server, 'listening');
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/pact`;
    return closeAfterTest(this);
  }

  /** Resolves once the webhooks received satisfy `test`. */
  until(test: (received: Received[]) => boolean): Promise<void> {
    if (test(this.received)) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ test, resolve }));
  }

  /** Resolves once `count` webhooks came. */
  count(count: number): Promise<void> {
    return this.until((received) => received.length >= count);
  }

  /** `type/event` of every webhook received, in order. */
  labels(): string[] {
    return this.received.map((r) => `${String(r.body.type)}/${String(r.body.event)}`);
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    this.#server.close();
    return once(this.#server, 'close').then(() => undefined);
  }
}

/**
 * Expects `actual` to have the shape of a reference example: every field the example has, with a
 * value of the same kind (a null in the example admits any value), recursively; arrays by their
 * first item. Fields the example lacks are allowed.
 */
export function expectShapeOf(actual: unknown, reference: unknown, path = 'answer'): void {
  if (reference === null) return;
  if (Array.isArray(reference)) {
    expect(Array.isArray(actual), `${path} should be an array`).toBe(true);
    const [first] = reference as unknown[];
    const [mine] = actual as unknown[];
    if (first !== undefined && mine !== undefined) expectShapeOf(mine, first, `${path}[0]`);
    return;
  }
  if (typeof reference === 'object') {
    expect(actual !== null && typeof actual === 'object', `${path} should be an object`).toBe(true);
    for (const [key, value] of Object.entries(reference)) {
      expect(actual as object, `${path} should have ${key}`).toHaveProperty([key]);
      expectShapeOf((actual as Record<string, unknown>)[key], value, `${path}.${key}`);
    }
    return;
  }
  expect(typeof actual, `${path} should be a ${typeof reference}`).toBe(typeof reference);
}

/** Resolves with the first webhook attempt (from now on) that satisfies `test`. */
export function nextWebhook(
  sandbox: Sandbox,
  test: (event: WebhookEvent) => boolean,
): Promise<WebhookEvent> {
  return new Promise((resolve) => {
    const listener = (event: WebhookEvent) => {
      if (!test(event)) return;
      sandbox.events.off('webhook', listener);
      resolve(event);
    };
    sandbox.events.on('webhook', listener);
  });
}

/** Whether a webhook attempt delivered ack `level` of a message. */
export function isAck(event: WebhookEvent, level: number): boolean {
  return (
    event.label === 'message/ack' &&
    event.outcome === 'delivered' &&
    (event.body.data as { ack: number }).ack === level
  );
}
