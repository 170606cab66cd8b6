import { StateUnavailableError } from '@pactbot/core';

/** Runs a Redis operation; any failure becomes a `StateUnavailableError` naming the operation. */
export async function guarded<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof StateUnavailableError) throw error;
    throw new StateUnavailableError(
      `Redis ${operation} failed: ${(error as Error)?.message ?? String(error)}`,
      { cause: error },
    );
  }
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
