import { PactArgumentError } from '../api/errors.js';
import type { MiddlewareFn } from '../composer/middleware.js';
import type { Context } from '../context/context.js';
import { conversationKey } from '../webhook/update-kinds.js';
import { MemorySessionStore } from './memory-store.js';
import type { SessionFlavor, SessionStore } from './types.js';

/** Options of {@link session}. */
export interface SessionOptions<S, C extends Context = Context> {
  /** The session of a conversation that has none yet. */
  initial: () => S;
  /** Where sessions live. Default: a `MemorySessionStore` of this process. */
  store?: SessionStore<S> | undefined;
  /**
   * The session key of an update; undefined for updates without a session. Default: the
   * conversation's key (`conversationKey(companyId, conversationId)`, `42:conversation:1001`), so
   * updates that belong to no conversation (delivery jobs, channel events) have none. Writes of a
   * session under its conversation's key carry the conversation lock's fence, which a lock-aware
   * store (Redis) checks; a session keyed otherwise (per customer across conversations, say) is
   * not one conversation's, no single lock orders its writers, and its writes are not fenced.
   */
  key?: ((ctx: C) => string | undefined) | undefined;
}

/** The default session key: the conversation's key, which is also its lock's. */
export function conversationSessionKey(ctx: Context): string | undefined {
  return ctx.conversationId === undefined
    ? undefined
    : conversationKey(ctx.companyId, ctx.conversationId);
}

/**
 * Per-conversation state in `ctx.session`. Loaded before the handler; written after it only if it
 * changed (compared as JSON), deleted if the handler set it to null or undefined, and not written
 * at all when the handler threw. Updates of one conversation run one at a time, so sessions do
 * not race; with a lock-aware store (Redis), a handler whose lock expired cannot overwrite the
 * session of the one after it.
 *
 * Reads and writes carry the conversation's turn (`ctx.lock`). With `redisState`'s durable inbox
 * and a `RedisSessionStore` on the same client and prefix, the session comes with the turn (read
 * in the step that took it) and its write is staged on the turn, applied in the step that marks
 * the update handled: no round trips of its own, and an update that runs again after its process
 * ended never counts twice. Other stores are read and written here, as before.
 */
export function session<S, C extends Context = Context>(
  options: SessionOptions<S, C>,
): MiddlewareFn<C & SessionFlavor<S>> {
  if (typeof options?.initial !== 'function') {
    throw new PactArgumentError(
      'session() needs an initial function, such as session({ initial: () => ({ step: 0 }) })',
    );
  }
  const store: SessionStore<S> = options.store ?? new MemorySessionStore<S>();
  const keyOf = options.key ?? conversationSessionKey;
  return async (ctx, next) => {
    const key = keyOf(ctx);
    if (key === undefined) {
      Object.defineProperty(ctx, 'session', {
        configurable: true,
        get() {
          throw new PactArgumentError(
            `ctx.session is not available for ${ctx.kind} updates: they belong to no conversation`,
            { code: 'PACTBOT_NO_CONVERSATION' },
          );
        },
        set() {
          throw new PactArgumentError(
            `ctx.session cannot be set for ${ctx.kind} updates: they belong to no conversation`,
            { code: 'PACTBOT_NO_CONVERSATION' },
          );
        },
      });
      return next();
    }
    // Only a session kept under its conversation's key is that conversation's: its reads may come
    // from the turn, and its writes are fenced by (or staged on) the turn.
    const ownKey =
      ctx.conversationId !== undefined &&
      key === conversationKey(ctx.companyId, ctx.conversationId);
    const lock = ownKey ? ctx.lock : undefined;
    const loaded = await store.get(key, { lock });
    let value: S | null | undefined = loaded ?? options.initial();
    const before = loaded === undefined ? undefined : JSON.stringify(loaded);
    Object.defineProperty(ctx, 'session', {
      configurable: true,
      enumerable: true,
      get: () => value,
      set: (next: S | null | undefined) => {
        value = next;
      },
    });
    await next();
    const writeOptions = { fence: lock?.fence, lock };
    if (value === null || value === undefined) {
      if (loaded !== undefined) await store.delete(key, writeOptions);
      return;
    }
    const after = JSON.stringify(value);
    if (
      after !== before &&
      !(loaded === undefined && after === JSON.stringify(options.initial()))
    ) {
      await store.set(key, value, writeOptions);
    }
  };
}
