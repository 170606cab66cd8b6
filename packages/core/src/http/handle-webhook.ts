import type { EventEmitter } from 'eventemitter3';
import type { BotEvents } from '../runtime/events.js';
import type { UpdateRunner } from '../runtime/update-runner.js';
import { isStateFailure } from '../state/errors.js';
import type { Deadlines } from '../util/deadlines.js';
import { updateIdentity } from '../webhook/update-kinds.js';
import {
  parseWebhook,
  parseWebhookBody,
  WebhookError,
  type ParsedWebhook,
} from '../webhook/parse.js';
import { checkContentType } from './body.js';
import { secretOf, secretsMatch, type QueryInput } from './secret.js';

/** What a framework knows about an incoming webhook besides its body. */
export interface WebhookRequest {
  /** The request's query: the `secret` parameter is read from it. */
  query?: QueryInput;
  /** The secret to require; overrides the bot's `secret` option. */
  secret?: string | undefined;
  /** The request's Content-Type header, when the framework has it. */
  contentType?: string | undefined;
}

/** The JSON body of a webhook answer. */
export interface WebhookResponseBody {
  ok?: true;
  /** Set when this delivery repeated one already handled or being handled. */
  duplicate?: true;
  /** Set when the webhook was not handled: a one-line reason. */
  error?: string;
}

/** The answer to give Pact: status and JSON body. */
export interface WebhookResult {
  status: number;
  body: WebhookResponseBody;
}

/** What webhook handling needs from its bot. */
export interface WebhookDeps {
  runner: UpdateRunner;
  events: EventEmitter<BotEvents, unknown>;
  secret: string | undefined;
  /** How long the answer waits for the handler before it is 503 (the update keeps its place). */
  answerDeadlines: Deadlines;
  isStopping(): boolean;
}

const OK: WebhookResult = { status: 200, body: { ok: true } };

function refuse(deps: WebhookDeps, status: number, reason: string): WebhookResult {
  deps.events.emit('rejected', { status, reason });
  return { status, body: { error: reason } };
}

/**
 * Takes one webhook delivery from any HTTP framework and decides the answer, as the design's
 * "Webhook intake" says: the secret first, then the body; the probe and unknown types get 200;
 * redeliveries get 200 without running again; the answer waits for the handler up to a timeout.
 */
export async function handleWebhook(
  deps: WebhookDeps,
  body: unknown,
  request: WebhookRequest = {},
): Promise<WebhookResult> {
  if (deps.isStopping())
    return refuse(deps, 503, 'the bot is stopping; Pact will deliver this webhook again');
  const secret = request.secret ?? deps.secret;
  if (secret !== undefined && !secretsMatch(secret, secretOf(request.query))) {
    return refuse(deps, 401, 'wrong or missing secret query parameter');
  }
  let parsed: ParsedWebhook;
  try {
    checkContentType(request.contentType);
    parsed =
      typeof body === 'string' || body instanceof Uint8Array
        ? parseWebhookBody(body)
        : parseWebhook(body);
  } catch (error) {
    if (error instanceof WebhookError) return refuse(deps, error.status, error.message);
    throw error;
  }
  if (parsed.kind === 'probe') return OK;
  if (parsed.kind === 'unknown') {
    deps.events.emit('unknown', { type: parsed.type, event: parsed.event, body: parsed.body });
    return OK;
  }

  const { update } = parsed;
  const id = updateIdentity(update);
  let admission;
  try {
    admission = await deps.runner.admit(update, id);
  } catch (error) {
    deps.events.emit('error', { error, update, id });
    deps.events.emit('dropped', { reason: 'the coordination state is unreachable', update, id });
    const reason = isStateFailure(error)
      ? 'coordination state unavailable'
      : 'the update could not be admitted';
    return { status: 503, body: { error: `${reason}; Pact will deliver this webhook again` } };
  }
  if (admission.status === 'duplicate') return { status: 200, body: { ok: true, duplicate: true } };
  // Durably queued: some process will run it even if this one dies.
  if (admission.status === 'queued') return OK;
  if (admission.status === 'held') {
    return {
      status: 503,
      body: {
        error:
          'this update is being handled and is not done yet; Pact will deliver it again, and it is answered 200 once handled',
      },
    };
  }
  if (admission.status === 'busy') {
    deps.events.emit('dropped', { reason: 'too many updates waiting', update, id });
    return {
      status: 503,
      body: { error: 'too many updates waiting; Pact will deliver this webhook again' },
    };
  }
  // Nothing durable holds the update: 200 only once it was handled. Past the deadline it stays
  // in line and runs; Pact's redelivery is answered 200 if it was handled by then.
  const outcome = await deps.answerDeadlines.wait(admission.done);
  if (outcome === undefined) {
    return {
      status: 503,
      body: {
        error:
          'the update is still waiting for its turn or running; Pact will deliver it again, and it is answered 200 once handled',
      },
    };
  }
  if (outcome === 'retry')
    return {
      status: 503,
      body: { error: 'the update was not handled; Pact will deliver it again' },
    };
  return OK;
}
