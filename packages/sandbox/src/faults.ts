import type { DeliveryFailure } from './store/records.js';
import { show } from './util/show.js';

/**
 * Trouble the sandbox can make, so a bot can be watched on a bad day. Shares are fractions of
 * API calls (or of sent messages), from 0 (never) to 1 (always); each call draws independently.
 */
export interface Faults {
  /** Share of API calls answered 429 Too Many Requests, with `Retry-After`. */
  rateLimited: number;
  /** Share of API calls answered 500, 502 or 503. */
  serverErrors: number;
  /** Share of API calls whose connection is reset before any answer. */
  connectionResets: number;
  /** Milliseconds added before every API answer. */
  latencyMs: number;
  /** Seconds the 429 answers ask to wait, in `Retry-After`. */
  retryAfterSeconds: number;
  /** Share of sent messages that are NOT DELIVERED (the `job`/`executed` webhook says so). */
  undelivered: number;
}

/** A calm day: no faults. */
export const NO_FAULTS: Readonly<Faults> = {
  rateLimited: 0,
  serverErrors: 0,
  connectionResets: 0,
  latencyMs: 0,
  retryAfterSeconds: 1,
  undelivered: 0,
};

const RULES: Record<keyof Faults, { max: number; what: string }> = {
  rateLimited: { max: 1, what: 'a share of API calls from 0 to 1' },
  serverErrors: { max: 1, what: 'a share of API calls from 0 to 1' },
  connectionResets: { max: 1, what: 'a share of API calls from 0 to 1' },
  latencyMs: { max: 60_000, what: 'milliseconds from 0 to 60000' },
  retryAfterSeconds: { max: 3600, what: 'seconds from 0 to 3600' },
  undelivered: { max: 1, what: 'a share of sent messages from 0 to 1' },
};

/** Checks a change of faults (any subset of the settings) and applies it to `current`. */
export function applyFaults(current: Readonly<Faults>, change: unknown): Faults {
  if (change === null || typeof change !== 'object' || Array.isArray(change)) {
    throw new TypeError(
      `faults must be an object such as { rateLimited: 0.2 }, got ${show(change)}`,
    );
  }
  const next: Faults = { ...current };
  for (const [key, value] of Object.entries(change)) {
    if (!(key in RULES)) {
      throw new TypeError(
        `faults has no setting ${JSON.stringify(key)}; the settings are ${Object.keys(RULES).join(', ')}`,
      );
    }
    if (value === undefined) continue;
    const rule = RULES[key as keyof Faults];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > rule.max) {
      throw new TypeError(`faults.${key} must be ${rule.what}, got ${show(value)}`);
    }
    next[key as keyof Faults] = value;
  }
  return next;
}

/** What a fault does to one API call. */
export type Fault =
  | { kind: 'connection-reset' }
  | { kind: 'rate-limited'; status: 429; retryAfterSeconds: number }
  | { kind: 'server-error'; status: 500 | 502 | 503 };

const SERVER_ERRORS = [500, 502, 503] as const;

/** Draws the fault, if any, that strikes one API call. */
export function drawFault(
  faults: Readonly<Faults>,
  random: () => number = Math.random,
): Fault | undefined {
  if (faults.connectionResets > 0 && random() < faults.connectionResets) {
    return { kind: 'connection-reset' };
  }
  if (faults.rateLimited > 0 && random() < faults.rateLimited) {
    return { kind: 'rate-limited', status: 429, retryAfterSeconds: faults.retryAfterSeconds };
  }
  if (faults.serverErrors > 0 && random() < faults.serverErrors) {
    const status = SERVER_ERRORS[Math.floor(random() * SERVER_ERRORS.length)] ?? 503;
    return { kind: 'server-error', status };
  }
  return undefined;
}

/** The failure the `undelivered` fault makes: WhatsApp's "Message undeliverable" (131026). */
export function faultFailure(): DeliveryFailure {
  return {
    reason: 'the sandbox made this delivery fail (the "undelivered" fault)',
    errors: [
      {
        code: 131026,
        error_data: {
          details:
            'Message Undeliverable. (The sandbox made this delivery fail: the "undelivered" fault.)',
        },
        message: 'Message undeliverable',
        title: 'Message undeliverable',
      },
    ],
  };
}
