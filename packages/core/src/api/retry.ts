import { PactApiError, PactNetworkError, PactTimeoutError } from './errors.js';

/**
 * What a request does to Pact's state, which decides when repeating it is safe.
 * - `read`: GET; repeat on any transient failure.
 * - `update`: PUT and DELETE; idempotent, repeat on any transient failure.
 * - `create`: a POST that creates something (a message, an attachment, a channel); repeat only where
 *   Pact cannot have accepted it: 429, 502, 503, or a connection that was never made.
 */
export type RequestEffect = 'read' | 'update' | 'create';

/** How the client retries failed calls. */
export interface RetryOptions {
  /** Attempts per call, the first included. Default 5; 1 disables retries. */
  maxAttempts?: number | undefined;
  /** Total time a call may take across attempts and waits, in ms. Default 60 000. */
  deadlineMs?: number | undefined;
  /** First backoff delay, in ms; it doubles with each attempt. Default 300. */
  baseDelayMs?: number | undefined;
  /** Longest backoff delay, in ms (a longer `Retry-After` is still honoured). Default 20 000. */
  maxDelayMs?: number | undefined;
}

/** {@link RetryOptions} with every default filled in. */
export type RetryPolicy = Required<{ [K in keyof RetryOptions]: NonNullable<RetryOptions[K]> }>;

/** Fills in the defaults of {@link RetryOptions}. */
export function retryPolicy(options: RetryOptions | undefined): RetryPolicy {
  return {
    maxAttempts: Math.max(1, Math.floor(options?.maxAttempts ?? 5)),
    deadlineMs: options?.deadlineMs ?? 60_000,
    baseDelayMs: options?.baseDelayMs ?? 300,
    maxDelayMs: options?.maxDelayMs ?? 20_000,
  };
}

/** Statuses where Pact surely did not act on the request. */
const NOT_ACCEPTED_STATUSES = new Set([429, 502, 503]);

/** Whether repeating a request that failed with `error` is safe and worthwhile. */
export function isRetryable(error: unknown, effect: RequestEffect, replayable = true): boolean {
  if (error instanceof PactNetworkError && !error.requestSent) return true;
  if (!replayable) return false;
  if (error instanceof PactApiError) {
    if (NOT_ACCEPTED_STATUSES.has(error.status)) return true;
    return effect !== 'create' && error.status >= 500;
  }
  if (error instanceof PactNetworkError || error instanceof PactTimeoutError)
    return effect !== 'create';
  return false;
}

/**
 * How long to wait before attempt `attempt + 1`: Pact's `Retry-After` when it gave one, otherwise
 * exponential backoff with equal jitter (half fixed, half random), so a crowd of bots spreads out.
 */
export function retryDelayMs(
  error: unknown,
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  if (error instanceof PactApiError && error.retryAfterSeconds !== undefined) {
    return error.retryAfterSeconds * 1000 + Math.floor(random() * 250);
  }
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(ceiling / 2 + (random() * ceiling) / 2);
}
