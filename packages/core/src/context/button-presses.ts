import type { MiddlewareFn, NextFunction } from '../composer/middleware.js';
import type { ButtonMenus, ButtonPress } from './button-menus.js';
import type { Context } from './context.js';

/** Contexts whose press was not taken (a dialog's wait did not accept it): their menu stays. */
const KEPT = new WeakSet<Context>();

/** Keeps the menu of this update's press live, though the press was handled. */
export function keepMenu(ctx: Context): void {
  KEPT.add(ctx);
}

/**
 * The built-in middleware that turns a customer's message into a button press: when the text is a
 * title of the conversation's live menu (or, on text channels, its number), `ctx.action` is the
 * press, which `bot.action(id)` routes by. Once the rest of the chain handled the press, its menu
 * is used up — unless the handler showed newer buttons, which stay; a press whose handler failed
 * leaves the menu, so Pact's redelivery of it is still a press.
 */
export function buttonPresses(
  menus: ButtonMenus,
  report: (error: unknown, ctx: Context) => void,
): MiddlewareFn<Context> {
  // Not `async`: most messages are no press, and on a state that can tell the menu at once
  // (memory, or a Redis turn that read it) they pass on to the chain without a promise of ours.
  const pressed = async (ctx: Context, next: NextFunction, press: ButtonPress): Promise<void> => {
    ctx.action = press;
    await next();
    if (KEPT.has(ctx)) return;
    // The handler ran and its replies went out: a state failure here must not run it again.
    await menus
      .usedUp(ctx.conversationId!, press, ctx.lock)
      .catch((error: unknown) => report(error, ctx));
  };
  return (ctx, next) => {
    const conversationId = ctx.conversationId;
    const text = ctx.text;
    if (ctx.kind !== 'message' || text === undefined || conversationId === undefined) {
      return next();
    }
    // The turn may have read the conversation's menu when it was taken: then this costs nothing.
    const found = menus.pressNow(conversationId, text, ctx.lock);
    if (found === undefined) return next();
    if (found instanceof Promise) {
      return found.then((press) => (press === undefined ? next() : pressed(ctx, next, press)));
    }
    return pressed(ctx, next, found);
  };
}
