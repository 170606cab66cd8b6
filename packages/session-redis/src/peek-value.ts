/**
 * The keys of the core's look at a state's value that needs no round trip (`peekValue` in
 * @pactbot/core's `state/peek-value.ts`): registered symbols, so this package and the core agree on
 * them without either exporting them. A state that has one answers a button-menu lookup that its
 * caller's turn already read without a promise.
 */
export const PEEK_VALUE: unique symbol = Symbol.for('pactbot.state.peekValue');

/** What a peek answers when the value cannot be told at once: the core asks `getValue` then. */
export const NOT_KNOWN: unique symbol = Symbol.for('pactbot.state.peekValue.notKnown');
