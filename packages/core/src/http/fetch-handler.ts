import { WebhookError } from '../webhook/parse.js';
import { DEFAULT_BODY_LIMIT } from './body.js';
import type { WebhookRequest, WebhookResult } from './handle-webhook.js';
import {
  checkHandlerOptions,
  checkWebhookBot,
  declaredOverLimit,
  type WebhookBot,
  type WebhookHandlerOptions,
} from './handler-options.js';

/** Options of {@link createFetchHandler}. */
export type FetchHandlerOptions = WebhookHandlerOptions;

/** A handler in the shape of the fetch API: a `Request` in, a `Response` out. */
export type FetchWebhookHandler = (request: Request) => Promise<Response>;

function answer(result: WebhookResult, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(result.body), {
    status: result.status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/** Whether the request declares a body: a length over zero, or a chunked one. */
function hasBody(request: Request): boolean {
  const length = request.headers.get('content-length');
  return length !== null ? length !== '0' : request.headers.has('transfer-encoding');
}

/**
 * Reads a fetch body up to `limit` bytes, and stops reading — cancelling the rest — as soon as it
 * grows past it.
 */
async function readFetchBody(request: Request, limit: number): Promise<Uint8Array> {
  if (request.body === null) return new Uint8Array(0);
  // A request body is a stream of bytes; the DOM and Node typings differ on how they say so.
  const reader = (request.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw new WebhookError(413, `webhook body is over the limit of ${limit} bytes`);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/**
 * Creates a handler of Pact's webhooks for everything that speaks the fetch API's `Request` and
 * `Response`: Hono, Next.js route handlers, Bun.serve, Deno.serve, Cloudflare Workers.
 *
 * ```ts
 * const webhook = createFetchHandler(bot, { secret });
 * app.post('/pact', (c) => webhook(c.req.raw));            // Hono
 * export const POST = webhook;                              // Next.js: app/pact/route.ts
 * Bun.serve({ fetch: createFetchHandler(bot, { path: '/pact', secret }) });
 * ```
 *
 * It checks before it reads: path (404 elsewhere, when `path` is given), method (405), then
 * `bot.checkWebhook` (503 stopping, 401 secret, 415 content type) and a declared Content-Length
 * over `bodyLimit` (413) — all from the headers. Then it reads the body, stopping at the limit
 * (413), and answers with `bot.handleWebhook`'s status and JSON body. Errors of the bot's
 * machinery are thrown to the framework's error handling.
 */
export function createFetchHandler(
  bot: WebhookBot,
  options: FetchHandlerOptions = {},
): FetchWebhookHandler {
  checkWebhookBot('createFetchHandler', bot);
  checkHandlerOptions('createFetchHandler', options);
  const { path, secret } = options;
  const limit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;

  return async (request) => {
    const url = new URL(request.url);
    if (path !== undefined && url.pathname !== path)
      return answer({ status: 404, body: { error: `no webhook here; POST to ${path}` } });
    if (request.method !== 'POST')
      return answer(
        { status: 405, body: { error: 'webhooks are POST requests' } },
        { allow: 'POST' },
      );
    const head: WebhookRequest = {
      query: url.searchParams,
      secret,
      contentType: request.headers.get('content-type') ?? undefined,
    };
    // Refused before its body was read, a request with one ends its connection: where the server
    // honours the header (node's does), the bytes on their way are not taken in only to be dropped.
    const unread = hasBody(request) ? { connection: 'close' } : undefined;
    const refused = bot.checkWebhook(head);
    if (refused) return answer(refused, unread);
    let body: Uint8Array;
    try {
      const over = declaredOverLimit(request.headers.get('content-length'), limit);
      if (over !== undefined) throw new WebhookError(413, over);
      body = await readFetchBody(request, limit);
    } catch (error) {
      if (!(error instanceof WebhookError)) throw error;
      bot.events.emit('rejected', { status: error.status, reason: error.message });
      return answer({ status: error.status, body: { error: error.message } }, unread);
    }
    return answer(await bot.handleWebhook(body, head));
  };
}
