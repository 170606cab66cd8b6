import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the stub received it. */
export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  raw: Buffer;
  /** The body parsed as JSON, when it was JSON. */
  json: unknown;
  /** Arrival time (Date.now()). */
  at: number;
}

/** How the stub answers one request. */
export interface StubReply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Never answer; the socket stays open until the client gives up or the stub closes. */
  hang?: boolean;
  /** Reset the connection without answering. */
  reset?: boolean;
}

type Handler = (req: RecordedRequest) => StubReply | Promise<StubReply>;

interface Route {
  method: string;
  path: string | RegExp;
  handler: Handler;
}

/**
 * A stand-in of Pact's API on 127.0.0.1 for client tests: routes answer with scripted replies and
 * every request is recorded.
 */
export class PactStub {
  readonly requests: RecordedRequest[] = [];
  url = '';
  #server = http.createServer((req, res) => void this.#handle(req, res));
  #routes: Route[] = [];
  #waiters: Array<{ count: number; resolve: () => void }> = [];

  async start(): Promise<this> {
    this.#server.listen(0, '127.0.0.1');
    await once(this.#server, 'listening');
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  /** Answers `method path` with a handler, one reply, or a sequence of replies (the last repeats). */
  route(method: string, path: string | RegExp, reply: Handler | StubReply | StubReply[]): this {
    let handler: Handler;
    if (typeof reply === 'function') handler = reply;
    else if (Array.isArray(reply)) {
      let i = 0;
      handler = () => reply[Math.min(i++, reply.length - 1)]!;
    } else handler = () => reply;
    this.#routes.unshift({ method, path, handler });
    return this;
  }

  /** Requests received for `method path`. */
  calls(method: string, path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && r.path === path);
  }

  /** Resolves once the stub has received `count` requests in all. */
  waitForRequests(count: number): Promise<void> {
    if (this.requests.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ count, resolve }));
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://stub');
    let json: unknown;
    if (String(req.headers['content-type']).startsWith('application/json')) {
      try {
        json = JSON.parse(raw.toString());
      } catch {
        json = undefined;
      }
    }
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      raw,
      json,
      at: Date.now(),
    };
    this.requests.push(recorded);
    this.#waiters = this.#waiters.filter((w) =>
      this.requests.length >= w.count ? (w.resolve(), false) : true,
    );

    const route = this.#routes.find(
      (r) =>
        r.method === recorded.method &&
        (typeof r.path === 'string' ? r.path === recorded.path : r.path.test(recorded.path)),
    );
    const reply: StubReply = route
      ? await route.handler(recorded)
      : { status: 404, body: { status: 'errored', message: 'no route' } };
    if (reply.reset) {
      req.socket.destroy();
      return;
    }
    if (reply.hang) return;
    const body =
      reply.body === undefined
        ? ''
        : typeof reply.body === 'string'
          ? reply.body
          : JSON.stringify(reply.body);
    res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
    res.end(body);
  }

  /** Reads a multipart request's fields and files with the platform's own parser. */
  static async formData(req: RecordedRequest): Promise<FormData> {
    return new Response(new Uint8Array(req.raw), {
      headers: { 'content-type': String(req.headers['content-type']) },
    }).formData();
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    this.#server.close();
    await once(this.#server, 'close');
  }
}

/** Starts a stub server. */
export function startPactStub(): Promise<PactStub> {
  return new PactStub().start();
}
