import type { PactClient } from '../api/client.js';
import type { Context } from '../context/context.js';
import type { ConversationLock } from '../state/types.js';
import type { Update } from '../webhook/types.js';
import { conversationIdOf } from '../webhook/update-kinds.js';
import type { BotEmitter } from './bot-emitter.js';
import type { UnhandledLog } from './unhandled.js';

/**
 * Watches the sends of the bot's handlers for what nobody would otherwise hear of: a send
 * started after its handler returned (`send:late`), and a send that failed after its handler
 * returned, which nothing awaited and nobody listens for (`api:error`).
 *
 * Every send of a context asks its lock's `stillHeld()` right before it goes (see `SendGuard`);
 * the watch hands the context a lock that answers as the real one and notes when it is asked
 * after the handler finished. So late sends are seen without the context knowing of it.
 */
export class SendWatch {
  readonly #events: BotEmitter;
  readonly #log: UnhandledLog | undefined;
  /** When each failed call to Pact failed, by its error: a send failing after its handler returned went unawaited. */
  readonly #failedAt = new WeakMap<object, number>();
  #failures = 0;

  constructor(client: PactClient, events: BotEmitter, log: UnhandledLog | undefined) {
    this.#events = events;
    this.#log = log;
    if (log) {
      client.events.on('error', (error) => {
        this.#failures++;
        this.#failedAt.set(error, performance.now());
      });
    }
  }

  /** Whether anyone would hear of what a watch finds. */
  get wanted(): boolean {
    return this.#log !== undefined || this.#events.listenerCount('send:late') > 0;
  }

  /** Starts watching the handler of one update, which holds `lock`. */
  start(update: Update, id: string, lock: ConversationLock): HandlerWatch {
    return new HandlerWatch(this, update, id, lock);
  }

  /** Failed calls to Pact so far. */
  get failures(): number {
    return this.#failures;
  }

  /** When a call failed with `error`, if it did. */
  failedAt(error: unknown): number | undefined {
    return error !== null && typeof error === 'object' ? this.#failedAt.get(error) : undefined;
  }

  /** Reports a send started after its handler returned. */
  late(update: Update, id: string, conversationId: number): void {
    const heard = this.#events.emit('send:late', { update, id, conversationId });
    if (!heard) this.#log?.lateSend(conversationId, update);
  }

  /** Reports a send that failed after its handler returned, if nobody listens for failed sends. */
  failed(error: unknown, conversationId: number, update: Update): void {
    if (this.#events.listenerCount('api:error') === 0)
      this.#log?.sendFailed(error, conversationId, update);
  }
}

/** The watch over one handler's sends; see {@link SendWatch}. */
export class HandlerWatch {
  /** The lock to build the context with: the real one, observed. */
  readonly lock: ConversationLock;

  readonly #watch: SendWatch;
  readonly #update: Update;
  readonly #id: string;
  readonly #failuresAtStart: number;
  #returnedAt = 0;
  #returnedSends = 0;
  #finished = false;
  #toldLate = false;

  constructor(watch: SendWatch, update: Update, id: string, lock: ConversationLock) {
    this.#watch = watch;
    this.#update = update;
    this.#id = id;
    this.#failuresAtStart = watch.failures;
    // The real lock with one method watched; the rest of `ConversationLock` (its fence, the values
    // an inbox turn read, its lost signal) read from it as they are. Built member by member: an
    // `Object.create(lock)` makes every lock a prototype, a new hidden class per update (about
    // 10 µs), and a spread of it costs about 2 µs, where this costs about 0.1.
    const stillHeld = () => {
      if (this.#finished) this.#late();
      return lock.stillHeld ? lock.stillHeld() : true;
    };
    this.lock = {
      fence: lock.fence,
      values: lock.values,
      lost: lock.lost,
      release: () => lock.release(),
      stillHeld,
    };
  }

  /** The handler's chain returned (or threw). */
  returned(ctx: Context): void {
    this.#returnedAt = performance.now();
    this.#returnedSends = ctx.pendingSends.length;
  }

  /** The sends it had started were settled: any more were started after it returned. */
  settled(ctx: Context): void {
    if (ctx.pendingSends.length > this.#returnedSends) this.#late();
  }

  /**
   * Waits for the sends started since the handler returned (`bot.catch`'s replies among them),
   * so they keep their order before the conversation's next update; from then on any send is
   * late. Then reports the sends that failed after the handler returned and that nothing
   * awaited (none made the handler fail with their error). Undefined when there was nothing
   * to wait for.
   */
  finish(ctx: Context, failure: unknown): Promise<void> | undefined {
    const sends = ctx.pendingSends;
    if (sends.length > this.#returnedSends) {
      return Promise.allSettled(sends.slice(this.#returnedSends)).then(() =>
        this.#finishNow(ctx, failure),
      );
    }
    // Nothing to wait for: undefined, so the update's end awaits nothing (the usual path).
    return this.#finishNow(ctx, failure);
  }

  #finishNow(ctx: Context, failure: unknown): Promise<void> | undefined {
    this.#finished = true;
    // No call to Pact failed meanwhile: nothing to look for (the path nearly every update takes).
    if (this.#watch.failures === this.#failuresAtStart || ctx.pendingSends.length === 0) return;
    return this.#reportFailed(ctx.pendingSends, failure);
  }

  async #reportFailed(sends: ReadonlyArray<Promise<unknown>>, failure: unknown): Promise<void> {
    const conversationId = conversationIdOf(this.#update);
    if (conversationId === undefined) return;
    for (const result of await Promise.allSettled(sends)) {
      if (result.status === 'fulfilled') continue;
      const error: unknown = result.reason;
      if (error === failure || (failure instanceof Error && failure.cause === error)) continue;
      const failedAt = this.#watch.failedAt(error);
      if (failedAt !== undefined && failedAt > this.#returnedAt) {
        this.#watch.failed(error, conversationId, this.#update);
      }
    }
  }

  #late(): void {
    if (this.#toldLate) return;
    this.#toldLate = true;
    const conversationId = conversationIdOf(this.#update);
    if (conversationId === undefined) return;
    // Told after the send's own step: a listener's failure must not become the send's.
    queueMicrotask(() => this.#watch.late(this.#update, this.#id, conversationId));
  }
}
