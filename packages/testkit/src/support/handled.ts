import type { Bot } from '@pactbot/core';

/** Counts the updates some bots handled, and waits until they reach a number. */
export interface HandledCounter {
  /** Updates handled so far, across the bots. */
  readonly count: number;
  /** Resolves once `n` updates were handled in all; rejects after `timeoutMs` saying how many were. */
  reach(n: number, timeoutMs?: number): Promise<void>;
}

/**
 * Counts `handled` events: with a durable inbox a webhook is answered before its update runs, so
 * a test waits on this instead of on the answers.
 */
export function countHandled(...bots: Array<Pick<Bot, 'events'>>): HandledCounter {
  let count = 0;
  const waiters = new Set<() => void>();
  for (const bot of bots) {
    bot.events.on('handled', () => {
      count++;
      for (const wake of waiters) wake();
    });
  }
  return {
    get count() {
      return count;
    },
    reach(n, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (count < n) return;
          cleanup();
          resolve();
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`${count} updates were handled, not ${n}, in ${timeoutMs} ms`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
  };
}
