import type { RateLimiter } from '../api/rate-limit.js';
import type { BotEvents } from '../runtime/events.js';

/** What `bot.events` `budget:wait` reports. */
export type BudgetWaitInfo = Parameters<BotEvents['budget:wait']>[0];

/** Waits shorter than this are the limiter's own bookkeeping, not a budget running out. */
export const BUDGET_WAIT_REPORTED_MS = 5;

/**
 * The bot's rate limiter, measured: every grant that took {@link BUDGET_WAIT_REPORTED_MS} or more
 * is reported with its key and how long it waited — while someone listens; otherwise `acquire`
 * is the limiter's own call, with nothing added.
 *
 * The outbound queue names the conversation it is sending for in `conversationId` around each
 * call to the client. The client asks the budget synchronously inside that call for every
 * JSON request (sends, URL uploads), so the grant is matched to its conversation without any
 * bookkeeping per send; a file upload reads its file first, and a call made outside the queue
 * (`bot.api`, delivery polls) names none: those are reported without a conversation.
 */
export class BudgetMeter implements RateLimiter {
  /** The conversation the call now asking for budget sends to; set by the outbound queue. */
  conversationId: number | undefined;

  readonly #inner: RateLimiter;
  readonly #listening: () => boolean;
  readonly #report: (info: BudgetWaitInfo) => void;

  constructor(
    inner: RateLimiter,
    listening: () => boolean,
    report: (info: BudgetWaitInfo) => void,
  ) {
    this.#inner = inner;
    this.#listening = listening;
    this.#report = report;
  }

  acquire(key: string, signal?: AbortSignal): Promise<void> {
    if (!this.#listening()) return this.#inner.acquire(key, signal);
    const startedAt = Date.now();
    const conversationId = this.conversationId;
    return this.#inner.acquire(key, signal).then(() => {
      const waitedMs = Date.now() - startedAt;
      if (waitedMs < BUDGET_WAIT_REPORTED_MS) return;
      try {
        this.#report({ key, conversationId, waitedMs });
      } catch {
        // A failing listener must not fail the call it measured, which is about to go out.
      }
    });
  }

  pause(key: string, ms: number): void | Promise<void> {
    return this.#inner.pause(key, ms);
  }
}
