/** An answer of `{"status": "errored", "message": …}` with an HTTP status, thrown by route handlers. */
export class ApiError extends Error {
  override name = 'ApiError';
  /** The HTTP status to answer with. */
  readonly status: number;
  /** Extra response headers, such as `Allow` or `Retry-After`. */
  readonly headers: Record<string, string>;

  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

/** The body of an error answer: Pact's `status: "errored"` and a message naming what was wrong. */
export function erroredBody(message: string): { status: 'errored'; message: string } {
  return { status: 'errored', message };
}
