import { StateUnavailableError } from '@pactbot/core';

/** Runs a Redis operation; any failure becomes a `StateUnavailableError` naming the operation. */
export function guarded<T>(operation: string, run: () => Promise<T>): Promise<T> {
  // Not `async`: every update makes a few of these, and the operation's own promise, with one
  // rejection handler, is all it needs — no extra promise and await per command.
  let running: Promise<T>;
  try {
    running = run();
  } catch (error) {
    return Promise.reject(unavailable(operation, error));
  }
  return running.catch((error: unknown) => {
    throw unavailable(operation, error);
  });
}

function unavailable(operation: string, error: unknown): StateUnavailableError {
  if (error instanceof StateUnavailableError) return error;
  return new StateUnavailableError(
    `Redis ${operation} failed: ${(error as Error)?.message ?? String(error)}`,
    { cause: error },
  );
}

/**
 * Runs a write that must not be given up on a blip: through a short outage of Redis (a restart, a
 * failover, a dropped connection) it is tried again with backoff, for up to `boundMs`; only past
 * that does it fail, as a `StateUnavailableError`. For idempotent writes only — the last writes
 * of an update (its session, its completion), where giving up means running the update again and
 * repeating what it already sent.
 */
export async function persistent<T>(
  operation: string,
  boundMs: number,
  run: () => Promise<T>,
  isFinal: (error: unknown) => boolean = () => false,
): Promise<T> {
  const giveUpAt = Date.now() + boundMs;
  for (let delayMs = 25; ; delayMs = Math.min(delayMs * 2, 1000)) {
    try {
      return await guarded(operation, run);
    } catch (error) {
      if (isFinal(error) || Date.now() + delayMs > giveUpAt) throw error;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

/**
 * A session write was refused because the conversation's lock passed to a newer handler: this
 * handler's lock expired (it stalled past its lease), and the session now belongs to the next one.
 */
export class SessionConflictError extends Error {
  override name = 'SessionConflictError';
  /** The session key. */
  readonly key: string;

  constructor(key: string, token: number) {
    super(
      `session ${key} was not written: its conversation lock (token ${token}) passed to a newer handler`,
    );
    this.key = key;
  }
}
