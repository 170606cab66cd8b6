import PQueue from 'p-queue';

/**
 * A budget of sends per company. The client asks it before every send; a shared implementation
 * (see `@pactbot/session-redis`) lets several processes of one bot spend one budget.
 */
export interface RateLimiter {
  /** Resolves when one more send under `key` fits the budget. */
  acquire(key: string, signal?: AbortSignal): Promise<void>;
  /** Pact answered 429: grant nothing under `key` for `ms` milliseconds. */
  pause(key: string, ms: number): void | Promise<void>;
}

/** A rate: at most `sends` calls in any window of `perMs` milliseconds. */
export interface RateLimitOptions {
  /** Calls allowed per window. Default 5 (Pact's published limit for sending). */
  sends: number;
  /** Window length in ms. Default 1000. */
  perMs: number;
}

/** Pact's published sending limit: 5 per second per company. */
export const DEFAULT_RATE_LIMIT: RateLimitOptions = { sends: 5, perMs: 1000 };

/**
 * The in-process rate limiter: one p-queue per key in strict (sliding window) mode, so no window
 * of `perMs` ever holds more than `sends` grants, and a 429 pauses the whole key at once.
 */
export class LocalRateLimiter implements RateLimiter {
  readonly #rate: RateLimitOptions;
  readonly #queues = new Map<string, PQueue>();
  readonly #resumeTimers = new Map<string, { until: number; timer: NodeJS.Timeout }>();

  constructor(rate: RateLimitOptions = DEFAULT_RATE_LIMIT) {
    this.#rate = rate;
  }

  #queue(key: string): PQueue {
    let queue = this.#queues.get(key);
    if (!queue) {
      queue = new PQueue({
        intervalCap: this.#rate.sends,
        interval: this.#rate.perMs,
        strict: true,
      });
      this.#queues.set(key, queue);
    }
    return queue;
  }

  /** Resolves when a send under `key` may start. */
  async acquire(key: string, signal?: AbortSignal): Promise<void> {
    await this.#queue(key).add(() => undefined, signal ? { signal } : {});
  }

  /** Holds every grant under `key` for `ms` milliseconds, extending a pause already running. */
  pause(key: string, ms: number): void {
    const until = Date.now() + ms;
    const running = this.#resumeTimers.get(key);
    if (running && running.until >= until) return;
    const queue = this.#queue(key);
    queue.pause();
    if (running) clearTimeout(running.timer);
    const timer = setTimeout(() => {
      this.#resumeTimers.delete(key);
      queue.start();
    }, ms);
    this.#resumeTimers.set(key, { until, timer });
  }
}
