import { Readable } from 'node:stream';
import { Agent, errors as undiciErrors, type Dispatcher } from 'undici';
import {
  errorEntriesOf,
  PactApiError,
  PactNetworkError,
  PactTimeoutError,
  type HttpMethod,
} from './errors.js';
import type { MultipartBody } from './multipart.js';

/** One HTTP exchange the transport performs. */
export interface TransportRequest {
  method: HttpMethod;
  /** Path with its query string, starting with `/`. */
  path: string;
  /** A JSON body, for POST and PUT. */
  json?: unknown;
  /** A multipart body, for uploads. */
  multipart?: MultipartBody;
  /** Milliseconds to wait for the answer. */
  timeoutMs: number;
  /** Aborts the request when the caller gives up. */
  signal?: AbortSignal | undefined;
}

/** A successful (2xx, not errored) answer. */
export interface TransportResponse {
  status: number;
  body: unknown;
}

/** Error codes that prove the request never reached the server. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Reads "Please wait for N seconds" out of a 429 body, the form Pact's text uses. */
function retryAfterFromBody(body: unknown): number | undefined {
  const text = typeof body === 'string' ? body : JSON.stringify(body ?? '');
  const match = /wait\s+(?:for\s+)?(\d+(?:\.\d+)?)\s*(?:s\b|sec|second)/i.exec(text);
  return match ? Number(match[1]) : undefined;
}

/** Reads `Retry-After` as seconds (a number of seconds or an HTTP date). */
function retryAfterFromHeader(value: string | string[] | undefined): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw.trim() === '') return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - Date.now()) / 1000);
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** A 2xx body can still report failure: `{"status": "errored"}` (or `result`), or v2's `{"errors": [...]}`. */
function isErroredBody(body: unknown): boolean {
  if (body === null || typeof body !== 'object') return false;
  const { status, result, errors } = body as {
    status?: unknown;
    result?: unknown;
    errors?: unknown;
  };
  if (Array.isArray(errors) && errorEntriesOf(body).length > 0) return true;
  return status === 'errored' || status === 'error' || result === 'errored' || result === 'error';
}

/** Options of {@link HttpTransport}. */
export interface HttpTransportOptions {
  /** Base URL of the API, such as `https://api.pact.im`. */
  baseUrl: string;
  /** The private API token, sent as `X-Private-Api-Token`. */
  token: string;
  /** An undici dispatcher to use instead of the transport's own keep-alive pool. */
  dispatcher?: Dispatcher | undefined;
  /** Sockets kept open to Pact at most. */
  connections?: number | undefined;
  /** `User-Agent` header. */
  userAgent?: string | undefined;
}

/**
 * Sends requests to Pact over undici's `request` on a keep-alive connection pool and turns every
 * failure into one of the client's error classes. The token goes in a header and nowhere else.
 */
export class HttpTransport {
  readonly origin: string;
  readonly #basePath: string;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  readonly #headers: Record<string, string>;
  /** The headers of a JSON request, built once: undici reads them and leaves them as they are. */
  readonly #jsonHeaders: Record<string, string>;

  constructor(options: HttpTransportOptions) {
    const url = new URL(options.baseUrl);
    this.origin = url.origin;
    this.#basePath = url.pathname.replace(/\/+$/, '');
    this.#ownsDispatcher = options.dispatcher === undefined;
    this.#dispatcher =
      options.dispatcher ??
      new Agent({
        connections: options.connections ?? 64,
        keepAliveTimeout: 10_000,
        connect: { timeout: 10_000 },
      });
    this.#headers = {
      'x-private-api-token': options.token,
      accept: 'application/json',
      'user-agent': options.userAgent ?? 'pactbot',
    };
    this.#jsonHeaders = { ...this.#headers, 'content-type': 'application/json' };
  }

  /** Performs one attempt of a request. Resolves with a 2xx answer; rejects with a Pact error. */
  async send(request: TransportRequest): Promise<TransportResponse> {
    const { method, path } = request;
    let headers = this.#headers;
    let body: Dispatcher.DispatchOptions['body'];
    if (request.multipart) {
      headers = { ...this.#headers, 'content-type': request.multipart.contentType };
      if (request.multipart.length !== undefined)
        headers['content-length'] = String(request.multipart.length);
      body = Readable.from(request.multipart.stream(), { objectMode: false });
    } else if (request.json !== undefined) {
      headers = this.#jsonHeaders;
      body = JSON.stringify(request.json);
    }

    // undici's own header and body timers enforce the timeout: they cost far less per request than
    // an AbortSignal.timeout, whose timer lives on until it fires.
    let response: Dispatcher.ResponseData;
    let text: string;
    try {
      response = await this.#dispatcher.request({
        origin: this.origin,
        path: this.#basePath + path,
        method,
        headers,
        body,
        signal: request.signal,
        headersTimeout: request.timeoutMs,
        bodyTimeout: request.timeoutMs,
      });
      text = await response.body.text();
    } catch (error) {
      throw this.#networkError(error, request);
    }

    const parsed = parseBody(text);
    const status = response.statusCode;
    if (status >= 200 && status < 300 && !isErroredBody(parsed)) return { status, body: parsed };
    throw new PactApiError({
      status,
      method,
      path,
      body: parsed,
      retryAfterSeconds:
        status === 429
          ? (retryAfterFromHeader(response.headers['retry-after']) ?? retryAfterFromBody(parsed))
          : undefined,
    });
  }

  #networkError(error: unknown, request: TransportRequest): Error {
    const { method, path } = request;
    if (
      error instanceof undiciErrors.HeadersTimeoutError ||
      error instanceof undiciErrors.BodyTimeoutError
    ) {
      return new PactTimeoutError({ method, path, timeoutMs: request.timeoutMs });
    }
    if (request.signal?.aborted) {
      // The caller gave up: pass their reason through untouched.
      return request.signal.reason instanceof Error ? request.signal.reason : new Error('aborted');
    }
    const code = (error as { code?: string } | null)?.code;
    return new PactNetworkError({
      method,
      path,
      code,
      requestSent: code === undefined || !NOT_SENT_CODES.has(code),
      cause: error,
    });
  }

  /** Closes the connection pool (when the transport created it). */
  async close(): Promise<void> {
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }

  /** Closes the connection pool (when the transport created it) at once, failing requests in flight. */
  async destroy(): Promise<void> {
    if (this.#ownsDispatcher) await this.#dispatcher.destroy();
  }
}
