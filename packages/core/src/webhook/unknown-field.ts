/**
 * Reads a field that Pact sent but pactbot's types do not declare — one Pact added after this
 * version, or one the reference does not list. The types leave such fields out so that a typo
 * (`ctx.message.mesage`) does not compile; this is the way to reach them on purpose:
 * `unknownField(ctx.message, 'reply_to')`. Undefined when the object has no such field of its own.
 */
export function unknownField(object: object, name: string): unknown {
  return Object.hasOwn(object, name) ? (object as Record<string, unknown>)[name] : undefined;
}
