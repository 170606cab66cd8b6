import { PactArgumentError } from '../api/errors.js';
import type { Bot } from '../bot.js';

/**
 * What an HTTP front end needs of a bot: the check before the body, the body's handling, and the
 * events to report refusals on. Any `Bot<C>` fits, whatever its context type.
 */
export type WebhookBot = Pick<Bot, 'checkWebhook' | 'handleWebhook' | 'events'>;

/** Options of `createNodeHandler` and `createFetchHandler`. */
export interface WebhookHandlerOptions {
  /**
   * Take webhooks at this path only. Leave it out where a router already picked the route: then
   * every request the handler is given is taken as a webhook.
   */
  path?: string | undefined;
  /** Require `?secret=…` on the webhook URL (401 otherwise). Default: the bot's `secret` option. */
  secret?: string | undefined;
  /** Largest body accepted, in bytes (413 over it). Default 1 MiB. */
  bodyLimit?: number | undefined;
}

/**
 * Checks the options every front end shares, naming the function they were given to, so a
 * mistake is reported where it was made. (An empty secret in particular would admit `?secret=`
 * from anyone: a blank environment variable must not become one.)
 */
export function checkHandlerOptions(where: string, options: WebhookHandlerOptions): void {
  if (options === null || typeof options !== 'object')
    throw new PactArgumentError(
      `${where}: options must be an object such as { path: '/pact', secret }, got ${String(options)}`,
    );
  const { path, secret, bodyLimit } = options;
  if (path !== undefined && (typeof path !== 'string' || !path.startsWith('/')))
    throw new PactArgumentError(`${where}: path must start with "/", got ${JSON.stringify(path)}`);
  if (secret !== undefined && (typeof secret !== 'string' || secret === ''))
    throw new PactArgumentError(
      `${where}: secret must be a non-empty string when given (leave it out to accept webhooks without one)`,
    );
  if (bodyLimit !== undefined && !(Number.isSafeInteger(bodyLimit) && bodyLimit > 0))
    throw new PactArgumentError(
      `${where}: bodyLimit must be a positive whole number of bytes, got ${String(bodyLimit)}`,
    );
}

/** Checks that what a front end was given can take webhooks. */
export function checkWebhookBot(where: string, bot: unknown): asserts bot is WebhookBot {
  const candidate = bot as Partial<Record<keyof WebhookBot, unknown>> | null | undefined;
  if (
    candidate === null ||
    typeof candidate !== 'object' ||
    typeof candidate.handleWebhook !== 'function' ||
    typeof candidate.checkWebhook !== 'function' ||
    typeof candidate.events !== 'object'
  )
    throw new PactArgumentError(
      `${where}: the first argument must be a Bot (new Bot({ token, companyId })), got ${describe(bot)}`,
    );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return `an object without handleWebhook/checkWebhook/events`;
}

/** A declared Content-Length over the limit, as the one-line reason to refuse it with 413. */
export function declaredOverLimit(
  declared: string | null | undefined,
  limit: number,
): string | undefined {
  if (declared === undefined || declared === null || declared === '') return undefined;
  const size = Number(declared);
  return Number.isFinite(size) && size > limit
    ? `webhook body of ${size} bytes is over the limit of ${limit} bytes`
    : undefined;
}
