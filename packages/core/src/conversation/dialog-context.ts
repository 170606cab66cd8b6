import type { Context } from '../context/context.js';

/** The sends a dialog records, by the `Context` method that makes them. */
export const DIALOG_SENDS = ['reply', 'attach', 'buttons', 'template'] as const;

/** A send method of the context. */
export type DialogSend = (typeof DIALOG_SENDS)[number];

/** What a dialog's contexts need from the dialog's run. */
export interface DialogContextHost<C extends Context> {
  /** Makes (or replays) a send, in the dialog's order of sends. */
  send(method: DialogSend, args: unknown[]): Promise<unknown>;
  /** The context of the update the dialog handles now, if it handles one. */
  live(): C | undefined;
}

/**
 * A context as a dialog sees it: `base` (the context of the update, current or replayed), whose
 * sends go through the dialog — recorded when made, answered from the record when replayed — and
 * whose state that middleware set on the current update's context (`ctx.session`, and anything
 * else added) is the current one: a dialog always works with the live session.
 */
export function dialogContext<C extends Context>(base: C, host: DialogContextHost<C>): C {
  const sends: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const method of DIALOG_SENDS) sends[method] = (...args) => host.send(method, args);
  const fromLive = (prop: string | symbol): C | undefined => {
    const live = host.live();
    return live !== undefined &&
      live !== base &&
      typeof prop === 'string' &&
      Object.hasOwn(live, prop) &&
      !Object.hasOwn(base, prop)
      ? live
      : undefined;
  };
  return new Proxy(base, {
    get(target, prop) {
      if (typeof prop === 'string' && Object.hasOwn(sends, prop)) return sends[prop];
      const live = fromLive(prop);
      if (live) return Reflect.get(live, prop, live);
      // The target itself as receiver: its getters and methods read private fields.
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' && prop !== 'constructor'
        ? (value as (...args: unknown[]) => unknown).bind(target)
        : value;
    },
    set(target, prop, value) {
      const live = fromLive(prop);
      return live ? Reflect.set(live, prop, value, live) : Reflect.set(target, prop, value, target);
    },
  });
}
