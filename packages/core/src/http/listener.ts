import http from 'node:http';
import { PactArgumentError } from '../api/errors.js';
import { createNodeHandler } from './node-handler.js';
import type { WebhookBot } from './handler-options.js';

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
  /**
   * How long a client may take to send a whole request, headers and body, in ms; slower ones get
   * 408 and their connection closed. Default 15 000 (Pact sends a webhook in one go).
   */
  requestTimeout?: number | undefined;
  /** How long a client may take to send the request's headers, in ms. Default 10 000; at most `requestTimeout`. */
  headersTimeout?: number | undefined;
  /**
   * Connections open at once, at most; past it new ones are closed at once (Pact re-sends what did
   * not get its 200). Default 1024.
   */
  maxConnections?: number | undefined;
}

/** Defaults of the server's limits: a webhook is small and comes in one go. */
export const LISTEN_DEFAULTS = {
  requestTimeout: 15_000,
  headersTimeout: 10_000,
  maxConnections: 1024,
} as const;

/**
 * A node:http server that feeds POSTs to one path into a bot through {@link createNodeHandler}:
 * 404 elsewhere, 405 for other methods, 401/413/415 from the headers before a byte of the body is
 * read, and whatever the bot decides otherwise. Slow clients are cut off by `requestTimeout` and
 * `headersTimeout`, and `maxConnections` bounds how many are served at once. Never throws into
 * node: a failure is answered 500 and reported on `bot.events`.
 */
export function createWebhookServer(bot: WebhookBot, options: ListenOptions = {}): http.Server {
  const requestTimeout = options.requestTimeout ?? LISTEN_DEFAULTS.requestTimeout;
  const headersTimeout =
    options.headersTimeout ?? Math.min(LISTEN_DEFAULTS.headersTimeout, requestTimeout);
  const handler = createNodeHandler(bot, {
    path: options.path ?? '/',
    secret: options.secret,
    bodyLimit: options.bodyLimit,
  });
  const server = http.createServer(
    {
      requestTimeout,
      headersTimeout,
      // Node looks for expired requests every 30 s by default, which would let a stalled client
      // outlive its timeout by that much.
      connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(headersTimeout / 4))),
    },
    (req, res) => handler(req, res),
  );
  server.maxConnections = options.maxConnections ?? LISTEN_DEFAULTS.maxConnections;
  return server;
}

/**
 * Checks `bot.listen`'s options before anything starts, so a mistake names the option at fault.
 * (An empty secret in particular would admit `?secret=` from anyone: a blank environment
 * variable must not become one.)
 */
export function checkListenOptions(options: ListenOptions): void {
  const { port, host, path, secret, bodyLimit, requestTimeout, headersTimeout, maxConnections } =
    options;
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
  for (const [name, value] of [
    ['requestTimeout', requestTimeout],
    ['headersTimeout', headersTimeout],
    ['maxConnections', maxConnections],
  ] as const) {
    if (value !== undefined && !(Number.isSafeInteger(value) && value > 0))
      throw new PactArgumentError(
        `bot.listen: ${name} must be a positive whole number${name === 'maxConnections' ? '' : ' of milliseconds'}, got ${String(value)}`,
      );
  }
  const effectiveRequestTimeout = requestTimeout ?? LISTEN_DEFAULTS.requestTimeout;
  if (headersTimeout !== undefined && headersTimeout > effectiveRequestTimeout)
    throw new PactArgumentError(
      `bot.listen: headersTimeout (${headersTimeout} ms) must not be longer than requestTimeout (${effectiveRequestTimeout} ms): the headers are part of the request`,
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
