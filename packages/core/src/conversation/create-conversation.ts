import { PactArgumentError } from '../api/errors.js';
import type { MiddlewareFn } from '../composer/middleware.js';
import type { Context } from '../context/context.js';
import { slotOf } from './conversations.js';
import { codeVersion } from './dialog-state.js';
import type { DialogDefinition } from './dialog-run.js';
import type { CreateConversationOptions, DialogFunction } from './types.js';

/** The constructor of every async function, to tell a dialog that is not one. */
const AsyncFunction = (Object.getPrototypeOf(async function () {}) as { constructor: unknown })
  .constructor;

/**
 * Registers a dialog: an async function `(conv, ctx, ...args)` that awaits the customer's next
 * messages (`conv.waitFor`, `conv.ask`). Enter it with `ctx.conversation.enter(id)`; while it is
 * active, the updates of its conversation go to it. Its id is the function's name unless given.
 *
 * Between turns the function stays suspended in this process; when the dialog continues in
 * another process, or after a restart, the function runs again from the start against the
 * dialog's record — its waits, its sends through `ctx.reply`/`ctx.attach`/`ctx.buttons`/`ctx.template` and its
 * `conv.external` calls return what they did the first time, and nothing is sent again. Code of
 * its own between them (a `console.log`, a call to a database) runs again then: put such effects
 * in `conv.external`.
 */
export function createConversation<C extends Context, A extends unknown[] = unknown[]>(
  fn: DialogFunction<C, A>,
  idOrOptions?: string | CreateConversationOptions,
): MiddlewareFn<C> {
  if (typeof fn !== 'function') {
    throw new PactArgumentError(
      `createConversation() takes a dialog: an async function (conv, ctx) => …, got ${typeof fn}`,
      { code: 'PACTBOT_INVALID_MIDDLEWARE' },
    );
  }
  if (!(fn instanceof (AsyncFunction as new () => unknown))) {
    throw new PactArgumentError(
      `a dialog is an async function: createConversation(async function ${fn.name || 'dialog'}(conv, ctx) { … }); ${fn.name || 'this function'} is not async`,
      { code: 'PACTBOT_NOT_ASYNC' },
    );
  }
  const options = typeof idOrOptions === 'string' ? { id: idOrOptions } : (idOrOptions ?? {});
  const id = options.id ?? fn.name;
  if (typeof id !== 'string' || id === '') {
    throw new PactArgumentError(
      'a dialog needs an id: name its function, or createConversation(async (conv, ctx) => …, "order")',
    );
  }
  const definition: DialogDefinition<C> = {
    id,
    version: options.version ?? codeVersion(fn),
    fn: fn as unknown as DialogDefinition<C>['fn'],
  };
  return (ctx, next) => {
    const slot = slotOf(ctx);
    if (slot === undefined) {
      if (ctx.conversationId === undefined) return next();
      throw new PactArgumentError(
        `the dialog ${JSON.stringify(id)} needs conversations() before it: bot.use(conversations()), then bot.use(createConversation(${fn.name || 'fn'}))`,
        { code: 'PACTBOT_NOT_IN_DIALOG' },
      );
    }
    slot.plugin.register(definition);
    return slot.resume(definition, next);
  };
}
