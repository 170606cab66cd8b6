import createDebug from 'debug';
import type { PactClient } from '../api/client.js';
import type { RunOutcome, RunTrace } from '../runtime/update-runner.js';
import type { ErrorInfo } from '../runtime/events.js';
import type { Update } from '../webhook/types.js';
import { conversationIdOf, kindOf, lineOf } from '../webhook/update-kinds.js';
import type { BotEmitter } from './bot-emitter.js';
import { describeError } from './unhandled.js';

/**
 * The `debug` namespaces the bot traces to (`DEBUG=pactbot:*` turns them all on):
 * - `pactbot:update` — each update's life: received, duplicate, waiting for its turn, started,
 *   handled in N ms, failed, dropped;
 * - `pactbot:send` — each send and upload: what went (counts, never the text), accepted or not,
 *   in N ms;
 * - `pactbot:retry` — each call to Pact that failed and will be tried again;
 * - `pactbot:webhook` — webhooks refused at the door, and those of unknown types;
 * - `pactbot:delivery`, `pactbot:budget`, `pactbot:dialog` — delivery outcomes, waits for the
 *   sending budget, dialogs that ended; `pactbot:error` — errors outside any update.
 *
 * Lines carry ids, kinds, counts, methods, paths and error messages (which the client has
 * already cleared of the token and the secret) — never a request's headers, a webhook's query,
 * or a message's text.
 */
export const TRACES = {
  update: createDebug('pactbot:update'),
  send: createDebug('pactbot:send'),
  retry: createDebug('pactbot:retry'),
  webhook: createDebug('pactbot:webhook'),
  delivery: createDebug('pactbot:delivery'),
  budget: createDebug('pactbot:budget'),
  dialog: createDebug('pactbot:dialog'),
  error: createDebug('pactbot:error'),
};

/** `12 ms`, `0.4 ms`. */
export function ms(value: number): string {
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
}

/** `message message:new:1001 in conversation 7`. */
function label(update: Update, id: string): string {
  const kind = kindOf(update);
  const conversationId = conversationIdOf(update, kind);
  return `${kind} ${id}${conversationId === undefined ? '' : ` in conversation ${conversationId}`}`;
}

function show(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

interface OpenUpdate {
  line: string | undefined;
  receivedAt: number;
  waiting: boolean;
}

/**
 * Traces the life of each update on `pactbot:update`: from the bot's events (received, duplicate,
 * handled, dropped), and from the runner (its turn came, it ended), which alone knows when an
 * update waited for its conversation.
 */
class UpdateTrace implements RunTrace {
  readonly #companyId: number;
  readonly #durable: boolean;
  /** Updates received here and not yet ended, by identity. */
  readonly #open = new Map<string, OpenUpdate>();
  /** Of those, how many per line (conversation). */
  readonly #busy = new Map<string, number>();

  constructor(companyId: number, durable: boolean) {
    this.#companyId = companyId;
    this.#durable = durable;
  }

  received(update: Update, id: string): void {
    const line = lineOf(update, this.#companyId);
    const ahead = line === undefined ? 0 : (this.#busy.get(line) ?? 0);
    TRACES.update('%s: received', label(update, id));
    if (ahead > 0) {
      TRACES.update(
        '%s: waiting for its turn, %d update%s of its conversation ahead of it',
        label(update, id),
        ahead,
        ahead === 1 ? '' : 's',
      );
    }
    this.#open.set(id, { line, receivedAt: performance.now(), waiting: ahead > 0 });
    if (line !== undefined) this.#busy.set(line, ahead + 1);
  }

  started(update: Update, id: string): void {
    const open = this.#open.get(id);
    if (open === undefined) {
      TRACES.update('%s: started (taken from the durable inbox)', label(update, id));
    } else if (open.waiting) {
      TRACES.update(
        '%s: started after waiting %s',
        label(update, id),
        ms(performance.now() - open.receivedAt),
      );
    }
  }

  ended(update: Update, id: string, outcome: RunOutcome): void {
    this.#close(id);
    if (outcome === 'failed') TRACES.update('%s: failed (reported as an error)', label(update, id));
    else if (outcome === 'retry') {
      TRACES.update(
        '%s: not finished here; %s',
        label(update, id),
        this.#durable ? 'it stays in the durable inbox' : "left to Pact's redelivery",
      );
    }
  }

  deferred(update: Update, id: string): void {
    this.#close(id);
    TRACES.update(
      '%s: queued in the durable inbox; a process with room runs it',
      label(update, id),
    );
  }

  #close(id: string): void {
    const open = this.#open.get(id);
    if (open === undefined) return;
    this.#open.delete(id);
    if (open.line === undefined) return;
    const left = (this.#busy.get(open.line) ?? 1) - 1;
    if (left > 0) this.#busy.set(open.line, left);
    else this.#busy.delete(open.line);
  }
}

/** What the bot wires up when any `pactbot:*` namespace is on. */
export interface BotTrace {
  /** For the runner: when turns come and updates end (`pactbot:update`). */
  run: RunTrace | undefined;
  /** Whether sends are traced (`pactbot:send`): the bot then sends through `TracedOutbound`. */
  sends: boolean;
}

/**
 * Subscribes the traces whose `debug` namespace is on — each checked once, here, so a bot
 * without `DEBUG` pays nothing per update — and resolves what the runner and the outbound queue
 * need. Undefined when none is on.
 */
export function startTrace(
  events: BotEmitter,
  client: PactClient,
  companyId: number,
  durable: boolean,
): BotTrace | undefined {
  if (!Object.values(TRACES).some((trace) => trace.enabled)) return undefined;
  let run: UpdateTrace | undefined;
  if (TRACES.update.enabled) {
    const updates = new UpdateTrace(companyId, durable);
    run = updates;
    events.on('update', ({ update, id }) => updates.received(update, id));
    events.on('duplicate', ({ update, id }) =>
      TRACES.update(
        '%s: duplicate; handled before, acknowledged and not run again',
        label(update, id),
      ),
    );
    events.on('handled', ({ update, id, durationMs }) =>
      TRACES.update('%s: handled in %s', label(update, id), ms(durationMs)),
    );
    events.on('dropped', ({ update, id, reason }) =>
      TRACES.update('%s: dropped: %s', update && id ? label(update, id) : 'the bot', reason),
    );
  }
  if (TRACES.update.enabled || TRACES.error.enabled) {
    events.seen = ({ error, update, id }: ErrorInfo) => {
      if (update !== undefined && id !== undefined)
        TRACES.update('%s: error: %s', label(update, id), describeError(error));
      else TRACES.error('%s', describeError(error));
    };
  }
  if (TRACES.retry.enabled) {
    client.events.on('retry', ({ method, path, attempt, delayMs, error }) =>
      TRACES.retry(
        '%s %s: attempt %d failed (%s); trying again in %s',
        method,
        path,
        attempt,
        describeError(error),
        ms(delayMs),
      ),
    );
  }
  if (TRACES.webhook.enabled) {
    events.on('rejected', ({ status, reason }) =>
      TRACES.webhook('refused with %d: %s', status, reason),
    );
    events.on('unknown', ({ type, event }) =>
      TRACES.webhook(
        'acknowledged a webhook of unknown type %s (event %s)',
        show(type),
        show(event),
      ),
    );
  }
  if (TRACES.delivery.enabled) {
    events.on('delivery', ({ jobId, messageId, result, reason }) =>
      TRACES.delivery(
        '%s: %s%s',
        jobId === 0 ? `message ${messageId}` : `job ${jobId}`,
        result,
        reason ? ` (${reason})` : '',
      ),
    );
  }
  if (TRACES.budget.enabled) {
    events.on('budget:wait', ({ key, conversationId, waitedMs }) =>
      TRACES.budget(
        '%s: waited %s for its budget%s',
        key,
        ms(waitedMs),
        conversationId === undefined ? '' : ` (conversation ${conversationId})`,
      ),
    );
  }
  if (TRACES.dialog.enabled) {
    events.on('dialog:end', ({ id, conversationId, reason }) =>
      TRACES.dialog('dialog %s in conversation %d ended: %s', id, conversationId, reason),
    );
  }
  return { run, sends: TRACES.send.enabled };
}
