/**
 * The coordination state or a session store could not be reached (Redis down, a timeout). An
 * update that fails with it is left to Pact's redelivery: its claim is given back and the webhook
 * is answered 503. Implementations throw it (or any error with `stateFailure: true`).
 */
export class StateUnavailableError extends Error {
  override name = 'StateUnavailableError';
  /** Marks the error as a state failure, across package copies. */
  readonly stateFailure = true;
}

/** Whether an error is a failure of the coordination state or a session store. */
export function isStateFailure(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { stateFailure?: unknown }).stateFailure === true
  );
}
