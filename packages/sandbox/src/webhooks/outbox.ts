import { setTimeout as sleep } from 'node:timers/promises';
import type { WebhookAttemptOutcome, WebhookEvent } from '../events.js';
import { webhookLabel, type WebhookBody } from './payloads.js';
import type { WebhookTarget } from './target.js';

/** How delivering a webhook ended, after every attempt it took. */
export interface WebhookOutcome {
  /** Whether the receiver answered 200. */
  delivered: boolean;
  /** The last attempt's outcome. */
  outcome: WebhookAttemptOutcome;
  attempts: number;
  /** The last status answered, if any. */
  status: number | undefined;
  /** Why the last attempt got no answer, if it got none. */
  error: string | undefined;
}

/** Options of {@link WebhookOutbox}. */
export interface OutboxOptions {
  /** Where a company's webhooks go right now; undefined when nowhere. */
  targetOf(companyId: number): WebhookTarget | undefined;
  /** Attempts per webhook, the first included. Pact makes 10. */
  maxAttempts: number;
  /** Wait between attempts, in ms. */
  intervalMs: number;
  /** Reports every attempt. */
  onAttempt(event: WebhookEvent): void;
}

interface Pending {
  id: number;
  companyId: number;
  conversationId: number | undefined;
  body: WebhookBody;
  resolve(outcome: WebhookOutcome): void;
}

/**
 * Posts webhooks the way Pact does: a webhook that was not answered 200 is sent again, up to
 * `maxAttempts` times, `intervalMs` apart. Webhooks of one line (a conversation, a job) go one at
 * a time in the order they were posted, each waiting for the one before it to be delivered or
 * dropped; lines do not wait for each other, so a bot waiting for a `job`/`executed` webhook
 * inside a conversation's handler gets it.
 */
export class WebhookOutbox {
  readonly #options: OutboxOptions;
  readonly #lines = new Map<string, Pending[]>();
  readonly #closing = new AbortController();
  #nextId = 1;

  constructor(options: OutboxOptions) {
    this.#options = options;
  }

  /** Queues a webhook on a line; resolves when it was delivered or given up on. */
  post(
    companyId: number,
    line: string,
    body: WebhookBody,
    conversationId?: number,
  ): Promise<WebhookOutcome> {
    return new Promise((resolve) => {
      const pending: Pending = { id: this.#nextId++, companyId, conversationId, body, resolve };
      if (this.#closing.signal.aborted) {
        resolve(this.#cancelled(0));
        return;
      }
      const queue = this.#lines.get(line);
      if (queue) queue.push(pending);
      else {
        this.#lines.set(line, [pending]);
        void this.#drain(line);
      }
    });
  }

  /** Webhooks waiting or being delivered. */
  get pending(): number {
    let count = 0;
    for (const queue of this.#lines.values()) count += queue.length;
    return count;
  }

  async #drain(line: string): Promise<void> {
    const queue = this.#lines.get(line)!;
    while (queue.length > 0) {
      const next = queue[0]!;
      next.resolve(await this.#deliver(next));
      queue.shift();
    }
    this.#lines.delete(line);
  }

  #cancelled(attempts: number): WebhookOutcome {
    return {
      delivered: false,
      outcome: 'cancelled',
      attempts,
      status: undefined,
      error: 'the sandbox closed',
    };
  }

  async #deliver(pending: Pending): Promise<WebhookOutcome> {
    const { maxAttempts, intervalMs } = this.#options;
    const signal = this.#closing.signal;
    let status: number | undefined;
    let error: string | undefined;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (signal.aborted) return this.#cancelled(attempt - 1);
      const target = this.#options.targetOf(pending.companyId);
      const startedAt = performance.now();
      if (!target) {
        error = 'no bot is connected and the company has no webhook_url';
        this.#report(pending, attempt, 'no-target', { error, startedAt });
        return { delivered: false, outcome: 'no-target', attempts: attempt, status, error };
      }
      let response: string | undefined;
      try {
        ({ status, response } = await target.deliver(pending.body, signal));
        error = undefined;
      } catch (failure) {
        if (signal.aborted) return this.#cancelled(attempt);
        status = undefined;
        error = (failure as Error).message || String(failure);
      }
      const delivered = status === 200;
      const outcome = delivered ? 'delivered' : attempt === maxAttempts ? 'dropped' : 'retrying';
      this.#report(pending, attempt, outcome, {
        target: target.name,
        status,
        error,
        response,
        startedAt,
      });
      if (outcome !== 'retrying') return { delivered, outcome, attempts: attempt, status, error };
      try {
        await sleep(intervalMs, undefined, { signal });
      } catch {
        return this.#cancelled(attempt);
      }
    }
    return { delivered: false, outcome: 'dropped', attempts: maxAttempts, status, error };
  }

  #report(
    pending: Pending,
    attempt: number,
    outcome: WebhookAttemptOutcome,
    facts: {
      target?: string;
      status?: number | undefined;
      error?: string | undefined;
      response?: string | undefined;
      startedAt: number;
    },
  ): void {
    this.#options.onAttempt({
      id: pending.id,
      at: new Date(),
      companyId: pending.companyId,
      conversationId: pending.conversationId,
      label: webhookLabel(pending.body),
      target: facts.target,
      attempt,
      maxAttempts: this.#options.maxAttempts,
      status: facts.status,
      error: facts.error,
      response: facts.response,
      outcome,
      durationMs: Math.round(performance.now() - facts.startedAt),
      body: pending.body,
    });
  }

  /** Stops: waiting webhooks are given up, redelivery waits end, in-flight posts are aborted. */
  close(): void {
    this.#closing.abort();
    for (const queue of this.#lines.values()) {
      for (const pending of queue.slice(1)) pending.resolve(this.#cancelled(0));
      queue.splice(1);
    }
  }
}
