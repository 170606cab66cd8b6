/**
 * Errors raised by the Pact client. Every one of them is safe to log: none carries the API token,
 * in its message, its JSON or its cause.
 */

/** HTTP methods the Pact API uses. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** What Pact's error table says each status means, phrased as what to do about it. */
const STATUS_ADVICE: Record<number, string> = {
  400: 'Pact rejected the request as malformed (400 Bad Request); check the parameters against the API reference',
  401: 'Pact refused the API token (401 Unauthorized); check the token from your Pact account settings',
  402: "the company's paywall is on (402 Payment Required); pay for the company in Pact before making API requests",
  403: 'this endpoint is not available to your account (403 Forbidden)',
  404: 'not found (404): the company, channel, conversation or job does not exist or is not yours',
  405: 'Pact does not allow this method on this path (405 Method Not Allowed)',
  406: 'Pact answers JSON only (406 Not Acceptable)',
  410: 'the resource was removed from Pact (410 Gone)',
  418: "Pact declined the request (418 I'm a teapot)",
  429: 'rate limited by Pact (429 Too Many Requests); slow down',
  500: 'Pact had an internal error (500); try again later',
  502: 'Pact is temporarily offline for maintenance (502 Bad Gateway); try again later',
  503: 'Pact is temporarily offline for maintenance (503 Service Unavailable); try again later',
  504: 'Pact did not answer in time (504 Gateway Timeout); try again later',
};

/**
 * One entry of a v2 error answer, `{"errors": [{status, code, title, detail}]}`. Each field is
 * kept only when it has the documented type; `status` may come as a number or digits.
 */
export interface PactErrorEntry {
  /** HTTP status the entry is about, such as 429. */
  status?: number | undefined;
  /** A stable code, such as `unauthorized` or `too_many_requests`. */
  code?: string | undefined;
  /** A short summary, such as `Unauthorized`. */
  title?: string | undefined;
  /** What happened, such as `No token provided` or `Please wait for 50 seconds`. */
  detail?: string | undefined;
}

/** The `errors` list of a v2 error answer; empty for any other body. */
export function errorEntriesOf(body: unknown): PactErrorEntry[] {
  const list = (body as { errors?: unknown } | null)?.errors;
  if (body === null || typeof body !== 'object' || !Array.isArray(list)) return [];
  const entries: PactErrorEntry[] = [];
  for (const item of list as unknown[]) {
    if (item === null || typeof item !== 'object') continue;
    const { status, code, title, detail } = item as Record<string, unknown>;
    const entry: PactErrorEntry = {};
    const numeric = typeof status === 'string' && /^\d+$/.test(status) ? Number(status) : status;
    if (typeof numeric === 'number' && Number.isFinite(numeric)) entry.status = numeric;
    if (typeof code === 'string') entry.code = code;
    if (typeof title === 'string') entry.title = title;
    if (typeof detail === 'string') entry.detail = detail;
    if (Object.keys(entry).length > 0) entries.push(entry);
  }
  return entries;
}

/** "Title: detail" for each v2 error entry, joined; undefined when there are none. */
function describeEntries(entries: readonly PactErrorEntry[]): string | undefined {
  const parts = entries
    .map(
      (e) =>
        [e.title, e.detail].filter((t) => t !== undefined && t !== '').join(': ') || e.code || '',
    )
    .filter((t) => t !== '');
  return parts.length > 0 ? parts.join('; ').slice(0, 300) : undefined;
}

/** Pulls a short human description out of whatever error body Pact sent. */
function describeBody(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim().slice(0, 300) || undefined;
  if (body === null || typeof body !== 'object') return undefined;
  const entries = describeEntries(errorEntriesOf(body));
  if (entries) return entries;
  const record = body as Record<string, unknown>;
  for (const field of ['message', 'error', 'errors', 'description', 'details']) {
    const value = record[field];
    if (value === undefined || value === null || value === '') continue;
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return text.slice(0, 300);
  }
  return undefined;
}

/** Base class of every error the client raises. */
export class PactError extends Error {
  override name = 'PactError';
}

/** Facts about a failed call, shared by the client's error classes. */
export interface PactCallInfo {
  /** HTTP method of the call. */
  method: HttpMethod;
  /** Path of the call, without the host and without any credentials. */
  path: string;
  /** How many attempts were made before giving up (1 when nothing was retried). */
  attempts?: number;
}

/** Details of a {@link PactApiError}. */
export interface PactApiErrorInit extends PactCallInfo {
  /** HTTP status Pact answered with (a 2xx when the body said `"status": "errored"`). */
  status: number;
  /** Pact's response body, parsed as JSON when it was JSON. */
  body: unknown;
  /** Seconds Pact asked us to wait before retrying, from `Retry-After` or the body. */
  retryAfterSeconds?: number | undefined;
  /**
   * What was wrong with a 2xx answer when that is why the call failed, such as
   * `the answer to messages.send has no data.id (the delivery job)`.
   */
  problem?: string | undefined;
}

/**
 * Pact answered, and the answer was an error: a non-2xx status, a 2xx whose body says
 * `"status": "errored"` or holds v2 `errors`, or a 2xx without what its endpoint promises (see
 * `problem`). Carries the status, the call, Pact's parsed body and, for v2, its `errors` list.
 */
export class PactApiError extends PactError {
  override name = 'PactApiError';
  /** HTTP status Pact answered with. */
  readonly status: number;
  /** HTTP method of the failed call. */
  readonly method: HttpMethod;
  /** Path of the failed call (no host, no credentials). */
  readonly path: string;
  /** Pact's response body, parsed as JSON when it was JSON. */
  readonly body: unknown;
  /** Seconds Pact asked us to wait, for 429 answers. */
  readonly retryAfterSeconds: number | undefined;
  /** Attempts made before giving up. */
  readonly attempts: number;
  /** The entries of a v2 error answer (`{"errors": [...]}`); empty for other bodies. */
  readonly errors: readonly PactErrorEntry[];
  /** What was missing from a 2xx answer, when that is why the call failed. */
  readonly problem: string | undefined;

  constructor(init: PactApiErrorInit) {
    super(PactApiError.compose(init));
    this.status = init.status;
    this.method = init.method;
    this.path = init.path;
    this.body = init.body;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.attempts = init.attempts ?? 1;
    this.errors = errorEntriesOf(init.body);
    this.problem = init.problem;
  }

  private static compose(init: PactApiErrorInit): string {
    const isErroredBody = init.status >= 200 && init.status < 300;
    let advice = init.problem
      ? `Pact answered ${init.status} but ${init.problem}`
      : isErroredBody
        ? `Pact answered ${init.status} but reported the request as errored`
        : (STATUS_ADVICE[init.status] ?? `Pact answered HTTP ${init.status}`);
    if (init.status === 429 && init.retryAfterSeconds !== undefined) {
      advice = `rate limited by Pact (429 Too Many Requests); retry after ${init.retryAfterSeconds} s`;
    }
    const detail = describeBody(init.body);
    const tries = init.attempts && init.attempts > 1 ? ` after ${init.attempts} attempts` : '';
    return `${init.method} ${init.path} failed${tries}: ${advice}${detail ? ` — Pact said: ${detail}` : ''}`;
  }

  /** A plain object for logs and JSON: the facts of the failure, never a credential. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      status: this.status,
      method: this.method,
      path: this.path,
      body: this.body,
      attempts: this.attempts,
      retryAfterSeconds: this.retryAfterSeconds,
      errors: this.errors,
      problem: this.problem,
    };
  }
}

/** Details of a {@link PactNetworkError}. */
export interface PactNetworkErrorInit extends PactCallInfo {
  /** The system or undici error code, such as `ECONNREFUSED` or `UND_ERR_SOCKET`. */
  code: string | undefined;
  /** False when the request surely never reached Pact (connection refused, DNS failure). */
  requestSent: boolean;
  /** The underlying error. */
  cause?: unknown;
}

/** The call never got an answer from Pact: the connection failed or broke. */
export class PactNetworkError extends PactError {
  override name = 'PactNetworkError';
  /** The system or undici error code. */
  readonly code: string | undefined;
  /** HTTP method of the failed call. */
  readonly method: HttpMethod;
  /** Path of the failed call. */
  readonly path: string;
  /** False when the request surely never reached Pact, so repeating it cannot duplicate anything. */
  readonly requestSent: boolean;
  /** Attempts made before giving up. */
  readonly attempts: number;

  constructor(init: PactNetworkErrorInit) {
    const reason = init.requestSent
      ? 'the connection to Pact broke before an answer arrived'
      : 'could not connect to Pact';
    const tries = init.attempts && init.attempts > 1 ? ` after ${init.attempts} attempts` : '';
    super(
      `${init.method} ${init.path} failed${tries}: ${reason} (${init.code ?? 'network error'})`,
      {
        cause: init.cause,
      },
    );
    this.code = init.code;
    this.method = init.method;
    this.path = init.path;
    this.requestSent = init.requestSent;
    this.attempts = init.attempts ?? 1;
  }

  /** A plain object for logs and JSON. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      code: this.code,
      method: this.method,
      path: this.path,
      requestSent: this.requestSent,
      attempts: this.attempts,
    };
  }
}

/** Details of a {@link PactTimeoutError}. */
export interface PactTimeoutErrorInit extends PactCallInfo {
  /** The per-request timeout that ran out, in milliseconds. */
  timeoutMs: number;
}

/**
 * Pact did not answer within the per-request timeout. The request may have been accepted, so a
 * call that creates something is never repeated after this error.
 */
export class PactTimeoutError extends PactError {
  override name = 'PactTimeoutError';
  /** HTTP method of the failed call. */
  readonly method: HttpMethod;
  /** Path of the failed call. */
  readonly path: string;
  /** The timeout that ran out, in milliseconds. */
  readonly timeoutMs: number;
  /** Attempts made before giving up. */
  readonly attempts: number;

  constructor(init: PactTimeoutErrorInit) {
    const tries = init.attempts && init.attempts > 1 ? ` after ${init.attempts} attempts` : '';
    super(
      `${init.method} ${init.path} failed${tries}: Pact did not answer within ${init.timeoutMs} ms`,
    );
    this.method = init.method;
    this.path = init.path;
    this.timeoutMs = init.timeoutMs;
    this.attempts = init.attempts ?? 1;
  }

  /** A plain object for logs and JSON. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      method: this.method,
      path: this.path,
      timeoutMs: this.timeoutMs,
      attempts: this.attempts,
    };
  }
}

/**
 * Stable codes of misuse errors ({@link PactArgumentError} and its subclasses), for code that
 * tells them apart without reading messages. New codes may be added; none is ever renamed.
 * - `PACTBOT_INVALID_ARGUMENT`: a value was of the wrong kind or out of range;
 * - `PACTBOT_INVALID_MIDDLEWARE`: something registered as middleware is neither a function nor has `.middleware()`;
 * - `PACTBOT_UNKNOWN_FILTER`: `bot.on()` got a filter that does not exist;
 * - `PACTBOT_NEXT_CALLED_TWICE`: a middleware called `next()` more than once;
 * - `PACTBOT_CHAIN_UNFINISHED`: a middleware returned before the `next()` it called had finished;
 * - `PACTBOT_NO_CONVERSATION`: a send or a session was asked for on an update that belongs to no conversation;
 * - `PACTBOT_BOT_STOPPED`: the bot was asked to do something after `bot.stop()`;
 * - `PACTBOT_WEBHOOK_LIMIT`: a company webhook was to be added where Pact's limit (5) is reached;
 * - `PACTBOT_UNKNOWN_DIALOG`: `ctx.conversation.enter()` named a dialog nobody registered;
 * - `PACTBOT_DIALOG_ACTIVE`: a dialog was entered while another is active in the conversation;
 * - `PACTBOT_NOT_IN_DIALOG`: a dialog's step was called outside its dialog, or after it ended;
 * - `PACTBOT_NOT_ASYNC`: a dialog function is not an async function;
 * - `PACTBOT_WINDOW_CLOSED`: a free-form message (text, a file, buttons) was to go to a WhatsApp
 *   Business conversation whose 24-hour window is closed; only a template goes through there
 *   (`WindowClosedError`);
 * - `PACTBOT_NOT_WABA`: a WhatsApp Business template was to go to a conversation on another messenger;
 * - `PACTBOT_UNKNOWN_TEMPLATE`: no approved template of the company has the name or id given;
 * - `PACTBOT_TEMPLATE_LANGUAGE`: the template is not approved in the language given, or a language
 *   is needed to choose among its versions;
 * - `PACTBOT_TEMPLATE_PARAMETERS`: the parameters do not fit the template's placeholders.
 */
export type PactUsageCode =
  | 'PACTBOT_INVALID_ARGUMENT'
  | 'PACTBOT_INVALID_MIDDLEWARE'
  | 'PACTBOT_UNKNOWN_FILTER'
  | 'PACTBOT_NEXT_CALLED_TWICE'
  | 'PACTBOT_CHAIN_UNFINISHED'
  | 'PACTBOT_NO_CONVERSATION'
  | 'PACTBOT_BOT_STOPPED'
  | 'PACTBOT_WEBHOOK_LIMIT'
  | 'PACTBOT_UNKNOWN_DIALOG'
  | 'PACTBOT_DIALOG_ACTIVE'
  | 'PACTBOT_NOT_IN_DIALOG'
  | 'PACTBOT_NOT_ASYNC'
  | 'PACTBOT_WINDOW_CLOSED'
  | 'PACTBOT_NOT_WABA'
  | 'PACTBOT_UNKNOWN_TEMPLATE'
  | 'PACTBOT_TEMPLATE_LANGUAGE'
  | 'PACTBOT_TEMPLATE_PARAMETERS';

/** Options of {@link PactArgumentError}. */
export interface PactArgumentErrorOptions {
  /** What kind of misuse it is. Default `PACTBOT_INVALID_ARGUMENT`. */
  code?: PactUsageCode | undefined;
  /** The error that led to this one. */
  cause?: unknown;
}

/**
 * A misuse of pactbot: an argument was wrong, a handler was not a function, a filter does not
 * exist. Nothing was sent. The message names what was wrong and what is allowed; `code` says
 * which kind of misuse it is, and stays the same across versions.
 */
export class PactArgumentError extends PactError {
  override name = 'PactArgumentError';
  /** Which kind of misuse this is. */
  readonly code: PactUsageCode;

  constructor(message: string, options: PactArgumentErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code ?? 'PACTBOT_INVALID_ARGUMENT';
  }
}
