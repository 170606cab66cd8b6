/**
 * The promise of a send refused before it started: bad arguments, or an update that belongs to no
 * conversation. It knows whether anyone took it up (`await`, `return`, `then`, `catch`), so a
 * refusal that a handler neither awaited nor returned can be reported instead of ending the
 * process as an unhandled rejection.
 */
class RefusedSend extends Promise<never> {
  /** Promises derived from it (by `then`, `catch`, `finally`) are plain ones. */
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  #takenUp = false;

  /** Whether a caller has taken the promise up. */
  get takenUp(): boolean {
    return this.#takenUp;
  }

  // `await` and `return` of a promise that is not a plain Promise go through its `then`.
  override then<TResult1 = never, TResult2 = never>(
    onFulfilled?: ((value: never) => TResult1 | PromiseLike<TResult1>) | null,
    onRejected?: ((reason: unknown) => TResult2 | PromiseLike<TResult2>) | null,
  ): Promise<TResult1 | TResult2> {
    this.#takenUp = true;
    return super.then(onFulfilled, onRejected);
  }
}

/**
 * Rejects with `error` for whoever awaits the send. When nobody has taken the promise up by the
 * next turn of the event loop (a handler called `ctx.reply('')` and went on), `report` gets the
 * error instead — a send fired and forgotten cannot crash the process.
 */
export function refusedSend(error: Error, report: (error: Error) => void): Promise<never> {
  const refused = new RefusedSend((_resolve, reject) => reject(error));
  // Handled here without counting as taken up: Node would otherwise end the process over it.
  void Promise.prototype.then.call(refused, undefined, () => undefined);
  // `await` reaches `then` within a few microtasks; the next turn of the loop comes after them.
  setImmediate(() => {
    if (!refused.takenUp) report(error);
  });
  return refused;
}
