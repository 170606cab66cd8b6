import { RateBudgetTable, type RateBudgets, type RateWindow } from './rate-budgets.js';

/**
 * A budget of calls per key. The client asks it before every budgeted call; a shared
 * implementation (see `@pactbot/session-redis`) lets several processes of one bot spend one
 * budget. A key names its scope and its class (`company:42`, `company:42:v2-send`; see
 * `BudgetClass`), and an implementation enforces every window of that class at once.
 */
export interface RateLimiter {
  /** Resolves when one more call under `key` fits every window of its budget. */
  acquire(key: string, signal?: AbortSignal): Promise<void>;
  /** Pact answered 429: grant nothing under `key` for `ms` milliseconds. */
  pause(key: string, ms: number): void | Promise<void>;
}

/**
 * Rate budgets: at most `sends` calls in any window of `perMs` milliseconds for the `send` class
 * (v1 sends, uploads and first messages), with optional further `windows` for it, and the budgets
 * of the other classes (the v2 endpoints) in `budgets`.
 *
 * ```ts
 * { sends: 5, perMs: 1000 }                                        // Pact's v1 limit, the default
 * { sends: 5, perMs: 1000, windows: [{ sends: 30, perMs: 60_000 }] } // and 30 a minute
 * { sends: 5, perMs: 1000, budgets: { 'v2-send': [{ sends: 2, perMs: 1000 }] } }
 * ```
 */
export interface RateLimitOptions {
  /** Calls allowed per window. Default 5 (Pact's published limit for sending). */
  sends: number;
  /** Window length in ms. Default 1000. */
  perMs: number;
  /** More windows the `send` class must respect at the same time, such as `[{ sends: 30, perMs: 60_000 }]`. */
  windows?: readonly RateWindow[] | undefined;
  /** Budgets of the other classes, each replacing its default (`DEFAULT_RATE_BUDGETS`). */
  budgets?: RateBudgets | undefined;
}

/** Pact's published sending limit: 5 per second per company. The v2 classes keep their defaults. */
export const DEFAULT_RATE_LIMIT: RateLimitOptions = { sends: 5, perMs: 1000 };

interface Waiter {
  resolve(): void;
  reject(reason: unknown): void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

interface KeyState {
  readonly windows: readonly RateWindow[];
  readonly longestMs: number;
  /** Times of the grants still inside the longest window, oldest first. */
  grants: number[];
  readonly waiters: Waiter[];
  pausedUntil: number;
  timer: NodeJS.Timeout | undefined;
}

/** How long until one more grant fits every window and the pause, in ms (0: now). */
function waitMs(state: KeyState, now: number): number {
  let wait = state.pausedUntil - now;
  const { grants } = state;
  for (const { sends, perMs } of state.windows) {
    // Grants inside the window are those after now - perMs; the one `sends` places back from the
    // newest must leave it before another fits.
    if (grants.length < sends) continue;
    const blocking = grants[grants.length - sends]!;
    if (blocking > now - perMs) wait = Math.max(wait, blocking + perMs - now);
  }
  return Math.max(0, wait);
}

/**
 * The in-process rate limiter: a sliding log of grant times per key, so no window of any of the
 * key's budget windows ever holds more than its `sends`; waiters are granted in arrival order,
 * and a 429 pauses the whole key at once. (p-queue, which this used to run on, keeps one window
 * per queue; a grant must fit several at the same instant.)
 */
export class LocalRateLimiter implements RateLimiter {
  readonly #table: RateBudgetTable;
  readonly #keys = new Map<string, KeyState>();

  constructor(rate: RateLimitOptions = DEFAULT_RATE_LIMIT) {
    this.#table = new RateBudgetTable(rate);
  }

  #state(key: string): KeyState {
    let state = this.#keys.get(key);
    if (!state) {
      const windows = this.#table.windowsOf(key);
      state = {
        windows,
        longestMs: Math.max(...windows.map((w) => w.perMs)),
        grants: [],
        waiters: [],
        pausedUntil: 0,
        timer: undefined,
      };
      this.#keys.set(key, state);
    }
    return state;
  }

  /** Resolves when a call under `key` may start; rejects with the signal's reason if it aborts first. */
  acquire(key: string, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    const state = this.#state(key);
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal, onAbort: undefined };
      if (signal) {
        waiter.onAbort = () => {
          const at = state.waiters.indexOf(waiter);
          if (at >= 0) state.waiters.splice(at, 1);
          reject(signal.reason as Error);
          this.#pump(key, state);
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      state.waiters.push(waiter);
      this.#pump(key, state);
    });
  }

  /** Holds every grant under `key` for `ms` milliseconds, extending a pause already running. */
  pause(key: string, ms: number): void {
    const state = this.#state(key);
    state.pausedUntil = Math.max(state.pausedUntil, Date.now() + Math.max(0, ms));
    this.#pump(key, state);
  }

  /** Grants what fits now, in arrival order, and sets a timer for the next one that does not. */
  #pump(key: string, state: KeyState): void {
    if (state.timer) clearTimeout(state.timer);
    state.timer = undefined;
    for (;;) {
      const now = Date.now();
      const horizon = now - state.longestMs;
      let expired = 0;
      while (expired < state.grants.length && state.grants[expired]! <= horizon) expired++;
      if (expired > 0) state.grants.splice(0, expired);
      const next = state.waiters[0];
      if (!next) {
        if (state.grants.length === 0 && state.pausedUntil <= now) this.#keys.delete(key);
        return;
      }
      const wait = waitMs(state, now);
      if (wait > 0) {
        state.timer = setTimeout(() => this.#pump(key, state), wait);
        return;
      }
      state.grants.push(now);
      state.waiters.shift();
      if (next.onAbort) next.signal?.removeEventListener('abort', next.onAbort);
      next.resolve();
    }
  }
}
