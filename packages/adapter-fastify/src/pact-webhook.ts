import {
  DEFAULT_BODY_LIMIT,
  PactArgumentError,
  type WebhookBot,
  type WebhookRequest,
  type WebhookResult,
} from '@pactbot/core';
import type { FastifyError, FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';

export type { WebhookBot };

/** Options of {@link pactWebhook}. */
export interface PactWebhookOptions {
  /** The route webhooks come to, under the prefix the plugin is registered with: `'/pact'`. */
  path: string;
  /** Require `?secret=…` on the webhook URL (401 otherwise). Default: the bot's `secret` option. */
  secret?: string | undefined;
  /** Largest body accepted, in bytes: the route's `bodyLimit` (413 over it). Default 1 MiB. */
  bodyLimit?: number | undefined;
}

function checkOptions(bot: unknown, options: PactWebhookOptions): void {
  const candidate = bot as Partial<Record<keyof WebhookBot, unknown>> | null | undefined;
  if (
    candidate === null ||
    typeof candidate !== 'object' ||
    typeof candidate.handleWebhook !== 'function' ||
    typeof candidate.checkWebhook !== 'function'
  )
    throw new PactArgumentError(
      'pactWebhook: the first argument must be a Bot (new Bot({ token, companyId }))',
    );
  if (options === null || typeof options !== 'object')
    throw new PactArgumentError(
      "pactWebhook: options must be an object such as { path: '/pact', secret }",
    );
  const { path, secret, bodyLimit } = options;
  if (typeof path !== 'string' || !path.startsWith('/'))
    throw new PactArgumentError(
      `pactWebhook: path must be the webhook's route, starting with "/" (such as '/pact'), got ${JSON.stringify(path)}`,
    );
  if (secret !== undefined && (typeof secret !== 'string' || secret === ''))
    throw new PactArgumentError(
      'pactWebhook: secret must be a non-empty string when given (leave it out to accept webhooks without one)',
    );
  if (bodyLimit !== undefined && !(Number.isSafeInteger(bodyLimit) && bodyLimit > 0))
    throw new PactArgumentError(
      `pactWebhook: bodyLimit must be a positive whole number of bytes, got ${String(bodyLimit)}`,
    );
}

/** What the bot needs to know of a request besides its body. */
function headOf(request: FastifyRequest, secret: string | undefined): WebhookRequest {
  const target = request.raw.url ?? '/';
  const mark = target.indexOf('?');
  return {
    query: mark < 0 ? '' : target.slice(mark + 1),
    secret,
    contentType: request.headers['content-type'],
  };
}

function send(reply: FastifyReply, result: WebhookResult, bodyPending = false): FastifyReply {
  // Left unread, the rest of the body would have to be taken in only to be dropped.
  if (bodyPending) reply.header('connection', 'close');
  return reply.code(result.status).type('application/json').send(result.body);
}

function refuse(bot: WebhookBot, status: number, reason: string): WebhookResult {
  bot.events.emit('rejected', { status, reason });
  return { status, body: { error: reason } };
}

/**
 * A Fastify plugin (Fastify 4 and 5) that adds a POST route for Pact's webhooks and answers with
 * the bot's status and JSON body.
 *
 * ```ts
 * await app.register(pactWebhook(bot, { path: '/pact', secret }));
 * ```
 *
 * Fastify reads the body, within the route's `bodyLimit`; before that, an `onRequest` hook answers
 * from the headers alone what can be decided there — 503 while the bot stops, 401 for a wrong
 * secret, 415 for a content type that is not JSON, 413 for a declared length over the limit —
 * with `Connection: close` when a body was on its way. The route takes every content type as raw
 * bytes (the bot parses them, and answers bad JSON with its own one-line 400); that parser lives
 * in the plugin's own context, so the app's parsers are untouched. Other methods on the path get
 * the app's 404, as Fastify answers any route it does not have. Errors of the bot's machinery go
 * to the app's error handler.
 */
export function pactWebhook(bot: WebhookBot, options: PactWebhookOptions): FastifyPluginCallback {
  checkOptions(bot, options);
  const { path, secret } = options;
  const limit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;

  return (app, _pluginOptions, done) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: limit }, (_request, body, next) =>
      next(null, body),
    );
    app.route({
      method: 'POST',
      url: path,
      bodyLimit: limit,
      onRequest(request, reply, next) {
        const refused = bot.checkWebhook(headOf(request, secret));
        const declared = Number(request.headers['content-length']);
        const answer =
          refused ??
          (Number.isFinite(declared) && declared > limit
            ? refuse(
                bot,
                413,
                `webhook body of ${declared} bytes is over the limit of ${limit} bytes`,
              )
            : undefined);
        if (answer === undefined) return next();
        // Answered here, so the hook chain ends without next().
        void send(reply, answer, !request.raw.complete);
      },
      errorHandler(error: FastifyError, _request, reply) {
        if (error.code !== 'FST_ERR_CTP_BODY_TOO_LARGE') throw error;
        void send(
          reply,
          refuse(bot, 413, `webhook body is over the limit of ${limit} bytes`),
          true,
        );
      },
      async handler(request, reply) {
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        return send(reply, await bot.handleWebhook(body, headOf(request, secret)));
      },
    });
    done();
  };
}
