import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  createNodeHandler,
  PactArgumentError,
  type WebhookBot,
  type WebhookHandlerOptions,
} from '@pactbot/core';

export type { WebhookBot };

/** Options of {@link pactWebhook}. */
export interface PactWebhookOptions extends WebhookHandlerOptions {
  /**
   * Serve webhooks at this path when mounted with `app.use`: POSTs to it are handled, every other
   * request goes on to the rest of the app. Leave it out on a route (`app.post('/pact', …)`),
   * which has its own path.
   */
  path?: string | undefined;
  /** Require `?secret=…` on the webhook URL (401 otherwise). Default: the bot's `secret` option. */
  secret?: string | undefined;
  /** Largest body accepted, in bytes, whoever read it (413 over it). Default 1 MiB. */
  bodyLimit?: number | undefined;
}

/**
 * An Express (or Connect) middleware. Typed with node's request and response, which Express's
 * extend, so it fits `app.use` and `app.post` of Express 4 and 5 without their type packages.
 */
export type ExpressWebhookHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/**
 * Express middleware (Express 4 and 5) that feeds Pact's webhooks to a bot and answers with the
 * bot's status and JSON body.
 *
 * ```ts
 * app.post('/pact', pactWebhook(bot, { secret }));          // on a route
 * app.use(pactWebhook(bot, { path: '/pact', secret }));     // or on the app itself
 * ```
 *
 * On a route it handles whatever the router hands it: POSTs go to the bot, other methods (from
 * `app.all`) get 405 with `Allow: POST`. With `path` it claims only POSTs to that exact path
 * (relative to where it is mounted) and calls `next()` for everything else, so the app's own 404
 * handling — and any GET page it serves there — stays in charge.
 *
 * It checks before it reads: a wrong secret (401), a stopping bot (503), a content type that is
 * not JSON (415) or a declared length over `bodyLimit` (413) are answered from the headers, with
 * `Connection: close` when a body was on its way. It works with or without `express.json()` in
 * front: it takes what the parser parsed (the declared length checked against the limit), and
 * reads the body itself otherwise. Errors of the bot's machinery go to `next(error)`, the app's
 * error handling; the secret is compared by the bot in constant time and is never logged.
 */
export function pactWebhook(
  bot: WebhookBot,
  options: PactWebhookOptions = {},
): ExpressWebhookHandler {
  let handler;
  try {
    handler = createNodeHandler(bot, options);
  } catch (error) {
    if (!(error instanceof PactArgumentError)) throw error;
    // Name the function the caller called, not the one underneath.
    throw new PactArgumentError(error.message.replace(/^createNodeHandler/, 'pactWebhook'), {
      code: error.code,
    });
  }
  return (req, res, next) => handler(req, res, next);
}
