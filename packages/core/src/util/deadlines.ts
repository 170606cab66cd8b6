interface Pending {
  at: number;
  expire: () => void;
}

/**
 * Waits on many promises, each for at most one same `timeoutMs`, with one timer for all of them
 * instead of a timer per promise: webhook answers wait this way, and a timer set and cleared for
 * every webhook shows in the profile. Time runs out within a tick (a quarter of the timeout, at
 * most 250 ms) after the deadline.
 */
export class Deadlines {
  readonly #timeoutMs: number;
  readonly #tickMs: number;
  /** In insertion order, which is deadline order: every wait has the same timeout. */
  readonly #pending = new Set<Pending>();
  #timer: NodeJS.Timeout | undefined;

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
    this.#tickMs = Math.max(1, Math.min(250, Math.floor(timeoutMs / 4)));
  }

  /** Resolves like `promise`, or with undefined once the timeout has passed. */
  wait<T>(promise: Promise<T>): Promise<T | undefined> {
    return new Promise<T | undefined>((resolve, reject) => {
      const pending: Pending = {
        at: Date.now() + this.#timeoutMs,
        expire: () => resolve(undefined),
      };
      this.#pending.add(pending);
      this.#timer ??= setInterval(() => this.#expire(), this.#tickMs).unref();
      promise.then(
        (value) => {
          this.#pending.delete(pending);
          resolve(value);
        },
        (error: unknown) => {
          this.#pending.delete(pending);
          // The awaited promise's failure passes through as it was.
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
          reject(error);
        },
      );
    });
  }

  /** Lets every wait run out now, as if its timeout had passed. */
  expireAll(): void {
    for (const pending of this.#pending) pending.expire();
    this.#pending.clear();
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #expire(): void {
    const now = Date.now();
    for (const pending of this.#pending) {
      if (pending.at > now) return;
      this.#pending.delete(pending);
      pending.expire();
    }
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
