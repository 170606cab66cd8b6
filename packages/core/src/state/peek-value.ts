import type { ValueOptions } from './types.js';

/**
 * The key of a state's look at a value that needs no round trip: the memory state knows its
 * values at once, the Redis state those its caller's turn read when it was taken. A state
 * without it is asked with `getValue` as ever. Shared with @pactbot/session-redis through
 * `@pactbot/core/internal`; no promise of the public API.
 */
export const PEEK_VALUE: unique symbol = Symbol.for('pactbot.state.peekValue');

/** What a peek answers when the value cannot be told at once: ask `getValue`. */
export const NOT_KNOWN: unique symbol = Symbol.for('pactbot.state.peekValue.notKnown');

/** A state that can tell some values at once. */
export interface PeekableState {
  [PEEK_VALUE](key: string, options?: ValueOptions): string | undefined | typeof NOT_KNOWN;
}

/** The value under `key` if `state` can tell it at once (undefined: none), else `NOT_KNOWN`. */
export function peekValue(
  state: object,
  key: string,
  options?: ValueOptions,
): string | undefined | typeof NOT_KNOWN {
  const peek = (state as Partial<PeekableState>)[PEEK_VALUE];
  return typeof peek === 'function' ? peek.call(state, key, options) : NOT_KNOWN;
}
