/**
 * Lets at most `limit` tasks run at once; the others wait in arrival order. A few lines instead
 * of a queue library: it sits on the path of every update, where each allocation shows.
 */
export class Semaphore {
  readonly #limit: number;
  readonly #waiting: Array<() => void> = [];
  #running = 0;

  constructor(limit: number) {
    this.#limit = Math.max(1, limit);
  }

  /** Runs `task` once there is room, and frees the room when it settles. */
  run<T>(task: () => Promise<T>): Promise<T> {
    if (this.#running < this.#limit) {
      this.#running++;
      return this.#start(task);
    }
    return new Promise<void>((resolve) => this.#waiting.push(resolve)).then(() =>
      this.#start(task),
    );
  }

  #start<T>(task: () => Promise<T>): Promise<T> {
    let promise: Promise<T>;
    try {
      promise = task();
    } catch (error) {
      this.#release();
      throw error;
    }
    // The room is given back on a branch of its own, registered before the caller awaits the
    // task: it runs first, as `finally` would, without the promises `finally` makes.
    promise.then(this.#release, this.#release);
    return promise;
  }

  readonly #release = (): void => {
    const next = this.#waiting.shift();
    // The room passes straight to the next in line; `running` stays as it is.
    if (next) next();
    else this.#running--;
  };
}
