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

/** Pact's two webhook envelopes: v1 `{type, event, data}` and v2 `{event, type, object}`. */
export type ApiVersion = 1 | 2;

/** One happening in both envelopes; a version that has no such webhook leaves its out. */
export type Envelopes = Partial<Record<ApiVersion, WebhookBody>>;

/**
 * A place webhooks go: a bot in-process, the v1 `webhook_url`, or a v2 company webhook. Each gets
 * the envelope of its version and retries as Pact retries that version.
 */
export interface WebhookRoute {
  /** Unique per destination; a route's webhooks keep their order on lines of their own. */
  key: string;
  version: ApiVersion;
  /** Attempts per webhook, the first included. */
  maxAttempts: number;
  /** Where the route leads right now; undefined once it is gone (say, the bot disconnected). */
  target(): WebhookTarget | undefined;
  /** Why there is no target, for the log. */
  nowhere: string;
}

/** Options of {@link WebhookOutbox}. */
export interface OutboxOptions {
  /** Where a company's webhooks go right now. */
  routesOf(companyId: number): WebhookRoute[];
  /** The version whose webhook is reported as having nowhere to go, when no route takes one. */
  version: ApiVersion;
  /** Why there is nowhere to go, for the log. */
  nowhere: string;
  /** Wait between attempts, in ms. */
  intervalMs: number;
  /** Reports every attempt. */
  onAttempt(event: WebhookEvent): void;
}

interface Pending {
  id: number;
  companyId: number;
  conversationId: number | undefined;
  route: WebhookRoute;
  body: WebhookBody;
  resolve(outcome: WebhookOutcome): void;
}

/** What a webhook that no route takes, in a version the sandbox does not send, comes to. */
const NOT_SENT: WebhookOutcome = {
  delivered: false,
  outcome: 'no-target',
  attempts: 0,
  status: undefined,
  error: undefined,
};

/** One outcome of a webhook sent to several places: delivered when every one took it. */
function combined(outcomes: WebhookOutcome[]): WebhookOutcome {
  const failed = outcomes.find((outcome) => !outcome.delivered);
  if (failed) return failed;
  return { ...outcomes[0]!, attempts: Math.max(...outcomes.map((o) => o.attempts)) };
}

/**
 * Posts webhooks the way Pact does: a webhook that was not answered 200 is sent again, up to the
 * route's `maxAttempts` times, `intervalMs` apart. Webhooks of one line (a conversation, a job) go
 * to each route one at a time in the order they were posted, each waiting for the one before it
 * to be delivered or dropped; lines do not wait for each other, so a bot waiting for a
 * `job`/`executed` webhook inside a conversation's handler gets it.
 */
export class WebhookOutbox {
  readonly #options: OutboxOptions;
  readonly #lines = new Map<string, Pending[]>();
  readonly #closing = new AbortController();
  #nextId = 1;

  constructor(options: OutboxOptions) {
    this.#options = options;
  }

  /**
   * Queues a happening's webhooks on a line, in the envelope of each route; resolves when every
   * route delivered or gave up on its webhook.
   */
  post(
    companyId: number,
    line: string,
    bodies: Envelopes,
    conversationId?: number,
  ): Promise<WebhookOutcome> {
    const routes = this.#options.routesOf(companyId).filter((route) => bodies[route.version]);
    if (routes.length > 0) {
      return Promise.all(
        routes.map((route) =>
          this.postTo(companyId, route, line, bodies[route.version]!, conversationId),
        ),
      ).then(combined);
    }
    const body = bodies[this.#options.version];
    if (!body) return Promise.resolve(NOT_SENT);
    const pending = this.#pending(companyId, conversationId, body, {
      key: 'nowhere',
      version: this.#options.version,
      maxAttempts: 1,
      target: () => undefined,
      nowhere: this.#options.nowhere,
    });
    return this.#deliver(pending);
  }

  /** Queues one webhook for one route, on the route's own copy of `line`. */
  postTo(
    companyId: number,
    route: WebhookRoute,
    line: string,
    body: WebhookBody,
    conversationId?: number,
  ): Promise<WebhookOutcome> {
    return new Promise((resolve) => {
      if (this.#closing.signal.aborted) {
        resolve(this.#cancelled(0));
        return;
      }
      const pending = { ...this.#pending(companyId, conversationId, body, route), resolve };
      const key = `${route.key}|${line}`;
      const queue = this.#lines.get(key);
      if (queue) queue.push(pending);
      else {
        this.#lines.set(key, [pending]);
        void this.#drain(key);
      }
    });
  }

  #pending(
    companyId: number,
    conversationId: number | undefined,
    body: WebhookBody,
    route: WebhookRoute,
  ): Pending {
    return { id: this.#nextId++, companyId, conversationId, route, body, resolve: () => {} };
  }

  /** Webhooks waiting or being delivered. */
  get pending(): number {
    let count = 0;
    for (const queue of this.#lines.values()) count += queue.length;
    return count;
  }

  async #drain(key: string): Promise<void> {
    const queue = this.#lines.get(key)!;
    while (queue.length > 0) {
      const next = queue[0]!;
      next.resolve(await this.#deliver(next));
      queue.shift();
    }
    this.#lines.delete(key);
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
    const { route } = pending;
    const { intervalMs } = this.#options;
    const signal = this.#closing.signal;
    let status: number | undefined;
    let error: string | undefined;
    for (let attempt = 1; attempt <= route.maxAttempts; attempt++) {
      if (signal.aborted) return this.#cancelled(attempt - 1);
      const target = route.target();
      const startedAt = performance.now();
      if (!target) {
        error = route.nowhere;
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
      const outcome = delivered
        ? 'delivered'
        : attempt === route.maxAttempts
          ? 'dropped'
          : 'retrying';
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
    return { delivered: false, outcome: 'dropped', attempts: route.maxAttempts, status, error };
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
      apiVersion: pending.route.version,
      target: facts.target,
      attempt,
      maxAttempts: pending.route.maxAttempts,
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
