import {
  DEFAULT_BODY_LIMIT,
  PactArgumentError,
  WebhookError,
  type Bot,
  type WebhookResult,
} from '@pactbot/core';
import type { DefaultContext, DefaultState, Middleware } from 'koa';
import { webhookBody } from './request-body.js';

/** Options of {@link pactWebhook}. */
export interface PactWebhookOptions {
  /**
   * Serve webhooks at this path when mounted with `app.use`: POSTs to it are handled, every other
   * request goes on to the rest of the app. Leave it out on a router route, which has its own path.
   */
  path?: string | undefined;
  /** Require `?secret=…` on the webhook URL (401 otherwise). Default: the bot's `secret` option. */
  secret?: string | undefined;
  /** Largest body accepted, in bytes, whoever read it (413 over it). Default 1 MiB. */
  bodyLimit?: number | undefined;
}

/**
 * What the middleware needs of a bot. Any `Bot<C>` fits, whatever its context type. (With
 * `checkWebhook`, which every `Bot` has, refusals are decided before the body is read.)
 */
export type WebhookBot = Pick<Bot, 'handleWebhook' | 'events'> & Partial<Pick<Bot, 'checkWebhook'>>;

function checkOptions(options: PactWebhookOptions): void {
  const { path, secret, bodyLimit } = options;
  if (path !== undefined && (typeof path !== 'string' || !path.startsWith('/'))) {
    throw new PactArgumentError(`pactWebhook: path must start with "/" (got ${String(path)})`);
  }
  // An empty secret would admit `?secret=` from anyone, so a blank env variable must not become one.
  if (secret !== undefined && (typeof secret !== 'string' || secret === '')) {
    throw new PactArgumentError('pactWebhook: secret must be a non-empty string when given');
  }
  if (bodyLimit !== undefined && !(Number.isSafeInteger(bodyLimit) && bodyLimit > 0)) {
    throw new PactArgumentError('pactWebhook: bodyLimit must be a positive whole number of bytes');
  }
}

/** The Content-Type Koa itself gives a JSON body. */
const JSON_TYPE = 'application/json; charset=utf-8';

function answer(
  ctx: { status: number; body: unknown; set(field: string, value: string): void },
  result: WebhookResult,
): void {
  ctx.status = result.status;
  // Set before the body, so Koa keeps it rather than looking the type up again for every webhook
  // (Koa 3 resolves `json` through mime-types uncached: a tenth of the adapter's own cost).
  ctx.set('Content-Type', JSON_TYPE);
  ctx.body = result.body;
}

/**
 * Koa middleware (Koa 2 and 3) that feeds Pact's webhooks to a bot and answers with the bot's
 * status and JSON body.
 *
 * ```ts
 * router.post('/pact', pactWebhook(bot, { secret }));           // on a @koa/router route
 * app.use(pactWebhook(bot, { path: '/pact', secret }));         // or on the app itself
 * ```
 *
 * On a route it handles whatever the router hands it: POSTs go to the bot, other methods (from
 * `router.all`) get 405 with `Allow: POST`. With `path` it claims only POSTs to that exact path
 * and calls `next()` for everything else, other methods on that path included: the path may be
 * the bot's, but the app's own 404/405 handling (and any GET page it serves there) stays in charge.
 *
 * It checks before it reads: a stopping bot (503), a wrong secret (401), a content type that is
 * not JSON (415) and a declared length over `bodyLimit` (413) are answered from the headers. The
 * body is taken from koa-bodyparser when it ran (what it parsed, measured by its `rawBody`) and
 * read from the request otherwise, within `bodyLimit` either way. The answer is the bot's status
 * with its JSON body; the only other headers it sets are `Allow` on a 405 and `Connection: close`
 * on a refusal whose body was left unread. A webhook it handles never reaches downstream
 * middleware, and it catches nothing from them; errors of the bot's machinery propagate to the
 * app's error handling, like any middleware's. The secret is compared by the bot in constant time, and neither is
 * logged nor put in an answer.
 */
export function pactWebhook<StateT = DefaultState, ContextT = DefaultContext>(
  bot: WebhookBot,
  options: PactWebhookOptions = {},
): Middleware<StateT, ContextT> {
  checkOptions(options);
  const { path, secret } = options;
  const limit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;

  return async (ctx, next) => {
    if (path !== undefined && (ctx.path !== path || ctx.method !== 'POST')) {
      await next();
      return;
    }
    if (ctx.method !== 'POST') {
      ctx.set('Allow', 'POST');
      answer(ctx, { status: 405, body: { error: 'webhooks are POST requests' } });
      return;
    }
    const request = { query: ctx.querystring, secret, contentType: ctx.get('content-type') };
    // Decided from the headers before a byte of the body is read (unless a parser in front read it).
    const refused = bot.checkWebhook?.(request);
    if (refused) {
      if (!ctx.req.complete) ctx.set('Connection', 'close');
      answer(ctx, refused);
      return;
    }
    let body: unknown;
    try {
      const read = webhookBody(ctx, limit);
      // What a parser in front left comes at once; only bytes still to read are awaited.
      body = read instanceof Promise ? await read : read;
    } catch (error) {
      if (!(error instanceof WebhookError)) throw error;
      bot.events.emit('rejected', { status: error.status, reason: error.message });
      // Left unread, the rest of the body would have to be read and dropped to reuse the socket.
      if (!ctx.req.readableEnded) ctx.set('Connection', 'close');
      answer(ctx, { status: error.status, body: { error: error.message } });
      return;
    }
    answer(ctx, await bot.handleWebhook(body, request));
  };
}
