import http from 'node:http';
import type { EventEmitter } from 'eventemitter3';
import { PactArgumentError } from '../api/errors.js';
import type { BotEvents } from '../runtime/events.js';
import { WebhookError } from '../webhook/parse.js';
import { DEFAULT_BODY_LIMIT, readBody } from './body.js';
import type { WebhookRequest, WebhookResult } from './handle-webhook.js';

/** Options of `bot.listen`. */
export interface ListenOptions {
  /** Port to listen on; 0 picks a free one. Default 3000. */
  port?: number | undefined;
  /** Address to bind. Default `0.0.0.0` (every interface). */
  host?: string | undefined;
  /** Path of the webhook URL. Default `/`. */
  path?: string | undefined;
  /** Require `?secret=…` on the webhook URL. Default: the bot's `secret` option. */
  secret?: string | undefined;
  /** Largest body accepted, in bytes. Default 1 MiB. */
  bodyLimit?: number | undefined;
}

type Handle = (body: Buffer, request: WebhookRequest) => Promise<WebhookResult>;

/** The answer to nearly every webhook, serialized once. */
const OK_TEXT = '{"ok":true}';

function send(
  res: http.ServerResponse,
  status: number,
  body: object,
  headers: http.OutgoingHttpHeaders = {},
): void {
  const text =
    status === 200 &&
    (body as { ok?: unknown; duplicate?: unknown }).ok === true &&
    !('duplicate' in body)
      ? OK_TEXT
      : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/**
 * A node:http server that feeds POSTs to one path into a bot: 404 elsewhere, 405 for other
 * methods, 413 over the body limit, and whatever the bot decides otherwise. Never throws into
 * node: a failure is answered 500 and reported on `bot.events`.
 */
export function createWebhookServer(
  handle: Handle,
  events: EventEmitter<BotEvents, unknown>,
  options: ListenOptions = {},
): http.Server {
  const path = options.path ?? '/';
  const limit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  return http.createServer((req, res) => {
    void (async () => {
      // Split by hand: a URL object per webhook costs more than everything else done here, and
      // the query is only parsed when a secret is to be checked.
      const target = req.url ?? '/';
      const mark = target.indexOf('?');
      const pathname = mark < 0 ? target : target.slice(0, mark);
      if (pathname !== path) return send(res, 404, { error: `no webhook here; POST to ${path}` });
      if (req.method !== 'POST')
        return send(res, 405, { error: 'webhooks are POST requests' }, { allow: 'POST' });
      let body: Buffer;
      try {
        body = await readBody(req, limit, req.headers['content-length']);
      } catch (error) {
        if (error instanceof WebhookError) {
          events.emit('rejected', { status: error.status, reason: error.message });
          send(res, error.status, { error: error.message }, { connection: 'close' });
          return;
        }
        throw error;
      }
      const result = await handle(body, {
        query: mark < 0 ? '' : target.slice(mark + 1),
        secret: options.secret,
        contentType: req.headers['content-type'],
      });
      send(res, result.status, result.body);
    })().catch((error: unknown) => {
      events.emit('error', { error });
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
}

/**
 * Checks `bot.listen`'s options before anything starts, so a mistake names the option at fault.
 * (An empty secret in particular would admit `?secret=` from anyone: a blank environment
 * variable must not become one.)
 */
export function checkListenOptions(options: ListenOptions): void {
  const { port, host, path, secret, bodyLimit } = options;
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535))
    throw new PactArgumentError(
      `bot.listen: port must be a whole number from 0 to 65535 (0 picks a free one), got ${String(port)}`,
    );
  if (host !== undefined && (typeof host !== 'string' || host === ''))
    throw new PactArgumentError(
      `bot.listen: host must be an address such as "127.0.0.1" or "0.0.0.0", got ${JSON.stringify(host)}`,
    );
  if (path !== undefined && (typeof path !== 'string' || !path.startsWith('/')))
    throw new PactArgumentError(
      `bot.listen: path must start with "/", got ${JSON.stringify(path)}`,
    );
  if (secret !== undefined && (typeof secret !== 'string' || secret === ''))
    throw new PactArgumentError(
      'bot.listen: secret must be a non-empty string when given (leave it out to accept webhooks without one)',
    );
  if (bodyLimit !== undefined && !(Number.isSafeInteger(bodyLimit) && bodyLimit > 0))
    throw new PactArgumentError(
      `bot.listen: bodyLimit must be a positive whole number of bytes, got ${String(bodyLimit)}`,
    );
}

/** Says what went wrong when a server could not listen, in terms of `bot.listen`'s options. */
function listenError(error: NodeJS.ErrnoException, options: ListenOptions): Error {
  const where = `port ${options.port ?? 3000} on ${options.host ?? 'every interface'}`;
  const message =
    error.code === 'EADDRINUSE'
      ? `bot.listen: ${where} is already in use; pick another port, or 0 for a free one`
      : error.code === 'EACCES'
        ? `bot.listen: no permission to listen on ${where}; ports below 1024 need privileges, pick a higher one`
        : error.code === 'EADDRNOTAVAIL'
          ? `bot.listen: ${where} is not an address of this machine; use one of its addresses, or "0.0.0.0"`
          : `bot.listen: could not listen on ${where}: ${error.message}`;
  return Object.assign(new Error(message, { cause: error }), { code: error.code });
}

/** Starts listening and resolves with the server once it is. */
export function listenOn(server: http.Server, options: ListenOptions): Promise<http.Server> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(listenError(error, options));
    };
    const onListening = () => {
      server.off('error', onError);
      resolve(server);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(options.port ?? 3000, options.host);
  });
}
