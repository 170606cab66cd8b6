import type { Fault } from '../faults.js';
import type { ApiError } from './api-error.js';
import type { Route } from './router.js';

/** A fault that answers (all but a reset connection). */
export type AnsweringFault = Exclude<Fault, { kind: 'connection-reset' }>;

/**
 * What sets Pact's two APIs apart for the handler that answers them: their routes, their error
 * bodies, and where the token may come from.
 */
export interface ApiDialect {
  /** How messages name the API: `Pact's API v1`. */
  readonly name: string;
  readonly routes: readonly Route[];
  /** Whether the token may also come in the body (v2), so that the body is read before it is checked. */
  readonly tokenInBody: boolean;
  /** The answer to a missing or wrong token. */
  tokenError(problem: 'missing' | 'wrong'): ApiError;
  /** The JSON of an error answer. */
  errorBody(error: ApiError): unknown;
  /** What a fault answers. */
  faultError(fault: AnsweringFault): ApiError;
}
