import { WebhookError } from '../webhook/parse.js';
import { checkContentType } from './body.js';
import type { WebhookDeps, WebhookRequest, WebhookResult } from './handle-webhook.js';
import { secretOf, secretsMatch } from './secret.js';

/** What the check before the body needs from its bot. */
export type RequestCheckDeps = Pick<WebhookDeps, 'events' | 'secret' | 'isStopping'>;

/**
 * Decides what can be decided about a webhook from its request line and headers alone, in the
 * order `handleWebhook` applies the same checks: 503 while the bot stops, 401 for a wrong or
 * missing secret, 415 for a content type that is not JSON. Returns that answer (and reports it as
 * `rejected`, like `handleWebhook` would), or `undefined` when the body is worth reading.
 *
 * HTTP front ends run it before they read a byte of the body, so a caller without the secret
 * costs a header parse, not a buffered megabyte, and is answered even if it never sends the body.
 */
export function checkWebhookRequest(
  deps: RequestCheckDeps,
  request: WebhookRequest = {},
): WebhookResult | undefined {
  if (deps.isStopping())
    return refuse(deps, 503, 'the bot is stopping; Pact will deliver this webhook again');
  const secret = request.secret ?? deps.secret;
  if (secret !== undefined && !secretsMatch(secret, secretOf(request.query)))
    return refuse(deps, 401, 'wrong or missing secret query parameter');
  try {
    checkContentType(request.contentType);
  } catch (error) {
    if (error instanceof WebhookError) return refuse(deps, error.status, error.message);
    throw error;
  }
  return undefined;
}

function refuse(deps: RequestCheckDeps, status: number, reason: string): WebhookResult {
  deps.events.emit('rejected', { status, reason });
  return { status, body: { error: reason } };
}
