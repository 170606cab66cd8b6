import { readBody, WebhookError } from '@pactbot/core';
import type { ParameterizedContext } from 'koa';

/** The parts of a Koa context the body is read from. */
type BodySource = Pick<ParameterizedContext, 'request' | 'req' | 'get'>;

/**
 * What body parsers leave on `ctx.request`: koa-bodyparser and @koa/bodyparser set both, koa-body
 * only `body`. Declared here rather than taken from @types/koa-bodyparser, whose augmentation
 * claims `rawBody` is always a string and applies only where that package is imported.
 */
interface ParsedRequest {
  body?: unknown;
  rawBody?: unknown;
}

function refuseOverLimit(size: number, limit: number): void {
  if (size > limit) {
    throw new WebhookError(
      413,
      `webhook body of ${size} bytes is over the limit of ${limit} bytes`,
    );
  }
}

/**
 * The webhook's body in a form `bot.handleWebhook` takes, refused with `WebhookError` 413 over
 * `limit` bytes whoever read it:
 * - what a body parser parsed, when it also kept the text (`ctx.request.rawBody`, measured
 *   against the limit) — or that text, when what it parsed is not an object;
 * - else, when a body parser consumed the stream without keeping the text, what it parsed;
 * - else the bytes read from the request stream here. That includes koa-bodyparser having run on a
 *   content type it does not parse (none, text/plain): it sets `body` to `{}` and leaves the stream
 *   unread, and that `{}` is not what Pact sent.
 *
 * Only the last is a promise (of the bytes): what a parser left is answered at once, without
 * one. Not `async`, so a refusal over the limit is thrown rather than rejected.
 */
export function webhookBody(ctx: BodySource, limit: number): unknown {
  const { body, rawBody } = ctx.request as ParsedRequest;
  if (typeof rawBody === 'string') {
    refuseOverLimit(Buffer.byteLength(rawBody), limit);
    // The parser kept the text and parsed it: hand over what it parsed rather than parse it again
    // (the bot identifies updates by their content, not their bytes).
    return body !== undefined && body !== null && typeof body === 'object' ? body : rawBody;
  }
  if (ctx.req.readableDidRead) {
    // The bytes are gone; the declared length is the only measure left. (Without one, Number('')
    // is 0 and passes: the parser that read the body applied its own limit.)
    refuseOverLimit(Number(ctx.get('content-length')), limit);
    return body;
  }
  return readBody(ctx.req, limit, ctx.get('content-length') || undefined);
}
