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
