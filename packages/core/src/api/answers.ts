/**
 * Readers of successful answers. A 2xx answer is only a success when it carries what its endpoint
 * promises: a send without its job id, a lookup without `exists`, or an HTML page from a proxy in
 * front of Pact must fail the call, never resolve it with `{}`. A reader throws
 * {@link AnswerShapeError}; the executor turns it into a `PactApiError` with the call's facts.
 */

/** A 2xx answer lacked what its endpoint promises. Never leaves the client as it is. */
export class AnswerShapeError extends Error {
  override name = 'AnswerShapeError';
}

/** Turns a parsed 2xx body into what the call resolves with, or throws {@link AnswerShapeError}. */
export type AnswerReader<T> = (body: unknown) => T;

/** A record, when `value` is a plain JSON object. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * A few words about what arrived instead, for the error message: its kind and field names, never
 * its values, which may hold a webhook URL's secret (the body itself stays on the error).
 */
function received(body: unknown): string {
  if (body === undefined || body === '') return 'an empty body';
  if (typeof body === 'string') return 'text that is not JSON';
  if (Array.isArray(body)) return 'a JSON list';
  const record = asRecord(body);
  if (!record) return `JSON ${body === null ? 'null' : typeof body}`;
  const keys = Object.keys(record);
  return keys.length === 0
    ? 'an empty JSON object'
    : `a JSON object with ${keys.slice(0, 8).join(', ')}${keys.length > 8 ? ', …' : ''}`;
}

/** Fails the call: `endpoint`'s answer has no `what`. */
export function missing(endpoint: string, what: string, body: unknown): never {
  throw new AnswerShapeError(`the answer to ${endpoint} has no ${what}; got ${received(body)}`);
}

/** The answer as a JSON object, or a failure naming the endpoint. */
export function objectAnswer(endpoint: string, body: unknown): Record<string, unknown> {
  return asRecord(body) ?? missing(endpoint, 'JSON object', body);
}

/** The v1 `data` object of an answer (`{"status": "ok", "data": {...}}`), or a failure. */
export function dataAnswer(endpoint: string, body: unknown): Record<string, unknown> {
  return asRecord(objectAnswer(endpoint, body).data) ?? missing(endpoint, 'data object', body);
}

/** For endpoints that promise nothing: accepts an empty body or a JSON object, refuses anything else. */
export function noAnswer(endpoint: string): AnswerReader<void> {
  return (body) => {
    if (body !== undefined && !asRecord(body)) missing(endpoint, 'JSON object', body);
  };
}

/** Pact writes ids as numbers, and sometimes as strings of digits: read both as numbers. */
export function asId(value: unknown): number | null {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
  if (typeof value === 'string' && /^\d+$/.test(value) && Number(value) > 0) return Number(value);
  return null;
}
