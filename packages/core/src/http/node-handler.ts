import { PactArgumentError } from '../api/errors.js';
import type http from 'node:http';
import { WebhookError } from '../webhook/parse.js';
import { DEFAULT_BODY_LIMIT, readBody } from './body.js';
import type { WebhookRequest, WebhookResult } from './handle-webhook.js';
import {
  checkHandlerOptions,
  checkWebhookBot,
  declaredOverLimit,
  type WebhookBot,
  type WebhookHandlerOptions,
} from './handler-options.js';

/** Options of {@link createNodeHandler}. */
export type NodeHandlerOptions = WebhookHandlerOptions;

/** Passes a request on (Connect and Express call it `next`), or an error to the app's error handling. */
export type NodeNext = (error?: unknown) => void;

/**
 * A node:http request listener that takes Pact's webhooks; with `next`, a Connect or Express
 * middleware.
 */
export type NodeWebhookHandler = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  next?: NodeNext,
) => void;

/** The answer to nearly every webhook, serialized once. */
const OK_TEXT = '{"ok":true}';

/** Writes a JSON answer. */
export function sendJson(
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

/** What body parsers leave on a request: body-parser/express.json() `body`, some also `rawBody`. */
interface ParsedRequest {
  body?: unknown;
  rawBody?: unknown;
}

/**
 * The body as a parser in front left it, when one consumed the stream; `undefined` when the stream
 * is still unread and the handler reads it itself. (Express 4's express.json() sets `body` to `{}`
 * for a content type it skips and leaves the stream unread: that `{}` is not what Pact sent.)
 */
function parsedBody(req: http.IncomingMessage, limit: number): { body: unknown } | undefined {
  if (!req.readableDidRead && !req.readableEnded) return undefined;
  const { body, rawBody } = req as http.IncomingMessage & ParsedRequest;
  if (typeof rawBody === 'string' || rawBody instanceof Uint8Array) {
    const size = typeof rawBody === 'string' ? Buffer.byteLength(rawBody) : rawBody.byteLength;
    if (size > limit)
      throw new WebhookError(
        413,
        `webhook body of ${size} bytes is over the limit of ${limit} bytes`,
      );
    // The bot identifies updates by their content, so what the parser made of it serves as well.
    return { body: body !== null && typeof body === 'object' ? body : rawBody };
  }
  if (body === undefined)
    throw new PactArgumentError(
      'the webhook body was read by a middleware in front of the webhook handler that left no req.body; ' +
        'mount the webhook handler before it, or use a JSON body parser',
    );
  // The bytes are gone; the declared length is the only measure left (the parser applied its own limit).
  const over = declaredOverLimit(req.headers['content-length'], limit);
  if (over !== undefined) throw new WebhookError(413, over);
  return { body };
}

/**
 * Creates a handler of Pact's webhooks for node:http and anything that speaks its request and
 * response: `http.createServer(handler)`, Connect's and Express's `app.use(handler)` (with no body
 * parser in front, or a JSON one), a route of a router.
 *
 * ```ts
 * http.createServer(createNodeHandler(bot, { path: '/pact', secret })).listen(3000);
 * app.post('/pact', createNodeHandler(bot, { secret }));   // Express/Connect: see @pactbot/adapter-express
 * ```
 *
 * It checks before it reads: path, method, `bot.checkWebhook` (503 stopping, 401 secret, 415
 * content type) and a declared Content-Length over `bodyLimit` (413) are answered from the
 * headers, with `Connection: close` when a body was on its way, so nothing is buffered for a
 * request that would be refused anyway. Then it reads the body within the limit (or takes what a
 * parser in front parsed) and answers with `bot.handleWebhook`'s status and JSON body.
 *
 * With `path`, other paths — and, given `next`, other methods on that path — go on to `next()`
 * (without `next`: 404 and 405). Without `path` every request is a webhook, other methods 405.
 * Errors of the bot's machinery go to `next(error)`; without `next` they are answered 500 and
 * reported on `bot.events` as `error`.
 */
export function createNodeHandler(
  bot: WebhookBot,
  options: NodeHandlerOptions = {},
): NodeWebhookHandler {
  checkWebhookBot('createNodeHandler', bot);
  checkHandlerOptions('createNodeHandler', options);
  const { path, secret } = options;
  const limit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;

  const take = async (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    next: NodeNext | undefined,
  ): Promise<void> => {
    // Split by hand: a URL object per webhook costs more than everything else done here, and the
    // query is only parsed when a secret is to be checked.
    const target = req.url ?? '/';
    const mark = target.indexOf('?');
    if (path !== undefined) {
      const pathname = mark < 0 ? target : target.slice(0, mark);
      if (pathname !== path) {
        if (next) next();
        else sendJson(res, 404, { error: `no webhook here; POST to ${path}` });
        return;
      }
    }
    if (req.method !== 'POST') {
      if (next && path !== undefined) next();
      else sendJson(res, 405, { error: 'webhooks are POST requests' }, { allow: 'POST' });
      return;
    }
    const request: WebhookRequest = {
      query: mark < 0 ? '' : target.slice(mark + 1),
      secret,
      contentType: req.headers['content-type'],
    };
    const refused = bot.checkWebhook(request);
    if (refused) return refuseUnread(req, res, refused);
    let body: unknown;
    try {
      const parsed = parsedBody(req, limit);
      if (parsed) body = parsed.body;
      else {
        const over = declaredOverLimit(req.headers['content-length'], limit);
        if (over !== undefined) throw new WebhookError(413, over);
        body = await readBody(req, limit);
      }
    } catch (error) {
      if (!(error instanceof WebhookError)) throw error;
      bot.events.emit('rejected', { status: error.status, reason: error.message });
      return refuseUnread(req, res, { status: error.status, body: { error: error.message } });
    }
    const result = await bot.handleWebhook(body, request);
    sendJson(res, result.status, result.body);
  };

  return (req, res, next) => {
    take(req, res, next).catch((error: unknown) => {
      if (next) return next(error);
      bot.events.emit('error', { error });
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  };
}

/**
 * Answers a refusal. A body still on its way is not read: the connection closes after the
 * answer rather than take in bytes only to drop them.
 */
function refuseUnread(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  result: WebhookResult,
): void {
  sendJson(res, result.status, result.body, req.complete ? {} : { connection: 'close' });
}
