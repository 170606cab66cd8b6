import type { ButtonPress } from '../context/button-menus.js';
import type { Context } from '../context/context.js';
import { matchFilter, type FilterQuery, type Filtered, type FilterShapes } from './filters.js';
import {
  compose,
  flatten,
  type Middleware,
  type MiddlewareFn,
  type MiddlewareObj,
  type NextFunction,
} from './middleware.js';

/** A condition on the context; may be asynchronous. */
export type Predicate<C> = (ctx: C) => boolean | Promise<boolean>;

/** What `bot.hears` matches: exact text (trimmed), a regular expression, or any of several. */
export type HearsTrigger = string | RegExp | ReadonlyArray<string | RegExp>;

/** What `bot.action` matches: a button id, a regular expression over ids, or any of several. */
export type ActionTrigger = string | RegExp | ReadonlyArray<string | RegExp>;

/** The context inside `bot.hears`: an incoming text message, with what matched in `ctx.match`. */
export type HearsContext<C extends Context> = Filtered<C, 'message:text'> & {
  match: RegExpExecArray | string;
};

/** The context inside `bot.action`: a button press, with the press in `ctx.action`. */
export type ActionContext<C extends Context> = C &
  FilterShapes['message:text'] & { action: ButtonPress; match: RegExpExecArray | string };

function triggers(
  value: string | RegExp | ReadonlyArray<string | RegExp>,
  method: string,
): Array<string | RegExp> {
  const list = Array.isArray(value)
    ? [...(value as ReadonlyArray<string | RegExp>)]
    : [value as string | RegExp];
  if (list.length === 0 || list.some((t) => typeof t !== 'string' && !(t instanceof RegExp))) {
    throw new TypeError(`${method}() takes a string, a RegExp or an array of them`);
  }
  return list;
}

/** Tests `text` against triggers; the match (a RegExp result, or the string) when one fits. */
function firstMatch(
  list: ReadonlyArray<string | RegExp>,
  text: string,
): RegExpExecArray | string | undefined {
  for (const trigger of list) {
    if (typeof trigger === 'string') {
      if (text.trim() === trigger) return trigger;
    } else {
      trigger.lastIndex = 0;
      const match = trigger.exec(text);
      if (match) return match;
    }
  }
  return undefined;
}

const skip = (_ctx: unknown, next: NextFunction) => next();

/**
 * A tree of middleware. Every method registers middleware and returns the composer it was put in,
 * so a branch can be extended: `bot.on('message:text').filter(ctx => ctx.text.length > 3, handler)`.
 */
export class Composer<C extends Context> implements MiddlewareObj<C> {
  #stack: Array<MiddlewareFn<C>> = [];
  #handler: MiddlewareFn<C> = skip;

  constructor(...middleware: Array<Middleware<C>>) {
    if (middleware.length > 0) this.#push(...middleware.map(flatten));
  }

  #push(...fns: Array<MiddlewareFn<C>>): void {
    this.#stack.push(...fns);
    this.#handler = compose(this.#stack);
  }

  /** This composer as one middleware function. Middleware added later still runs. */
  middleware(): MiddlewareFn<C> {
    return (ctx, next) => this.#handler(ctx, next);
  }

  /** Adds middleware that runs for every update. */
  use(...middleware: Array<Middleware<C>>): Composer<C> {
    const child = new Composer<C>(...middleware);
    this.#push(child.middleware());
    return child;
  }

  /**
   * Adds middleware for updates matching a filter (or any of several), with the context's type
   * narrowed to what the filter guarantees: inside `on('message:text')`, `ctx.text` is a string.
   * An unknown filter throws at once.
   */
  on<Q extends FilterQuery>(
    filter: Q | readonly Q[],
    ...middleware: Array<Middleware<Filtered<C, Q>>>
  ): Composer<Filtered<C, Q>> {
    const predicate = matchFilter(filter);
    return this.filter((ctx): ctx is Filtered<C, Q> => predicate(ctx), ...middleware);
  }

  /**
   * Adds middleware for incoming text messages that match: a string equals the trimmed text, a
   * RegExp is tested against it. What matched is in `ctx.match`.
   */
  hears(
    trigger: HearsTrigger,
    ...middleware: Array<Middleware<HearsContext<C>>>
  ): Composer<HearsContext<C>> {
    const list = triggers(trigger, 'hears');
    const isText = matchFilter('message:text');
    return this.filter(
      (ctx): ctx is HearsContext<C> => {
        if (!isText(ctx)) return false;
        const match = firstMatch(list, ctx.text!);
        if (match === undefined) return false;
        ctx.match = match;
        return true;
      },
      ...middleware,
    );
  }

  /** Adds middleware for presses of buttons sent with `ctx.buttons`, by button id. */
  action(
    trigger: ActionTrigger,
    ...middleware: Array<Middleware<ActionContext<C>>>
  ): Composer<ActionContext<C>> {
    const list = triggers(trigger, 'action');
    return this.filter(
      (ctx): ctx is ActionContext<C> => {
        if (!ctx.action) return false;
        const match = firstMatch(list, ctx.action.id);
        if (match === undefined) return false;
        ctx.match = match;
        return true;
      },
      ...middleware,
    );
  }

  /** Adds middleware for updates where `predicate` holds; a type guard narrows the context. */
  filter<D extends C>(
    predicate: (ctx: C) => ctx is D,
    ...middleware: Array<Middleware<D>>
  ): Composer<D>;
  filter(predicate: Predicate<C>, ...middleware: Array<Middleware<C>>): Composer<C>;
  filter(predicate: Predicate<C>, ...middleware: Array<Middleware<C>>): Composer<C> {
    const child = new Composer<C>(...middleware);
    this.branch(predicate, child, skip);
    return child;
  }

  /** Adds middleware for updates where `predicate` does not hold. */
  drop(predicate: Predicate<C>, ...middleware: Array<Middleware<C>>): Composer<C> {
    const child = new Composer<C>(...middleware);
    this.branch(predicate, skip, child);
    return child;
  }

  /** Runs `whenTrue` where `predicate` holds and `whenFalse` where it does not. */
  branch(predicate: Predicate<C>, whenTrue: Middleware<C>, whenFalse: Middleware<C>): this {
    const yes = flatten(whenTrue);
    const no = flatten(whenFalse);
    this.#push((ctx, next) => {
      const verdict = predicate(ctx);
      if (typeof verdict === 'boolean') return verdict ? yes(ctx, next) : no(ctx, next);
      return verdict.then((ok) => (ok ? yes(ctx, next) : no(ctx, next)));
    });
    return this;
  }

  /** Chooses middleware per update, for instance from configuration or the session. */
  lazy(
    factory: (
      ctx: C,
    ) => Middleware<C> | Array<Middleware<C>> | Promise<Middleware<C> | Array<Middleware<C>>>,
  ): this {
    this.#push(async (ctx, next) => {
      const chosen = await factory(ctx);
      return compose(Array.isArray(chosen) ? chosen : [chosen])(ctx, next);
    });
    return this;
  }

  /** Composes middleware into one (koa-compose semantics; a second `next()` is an error). */
  static compose<C>(...middleware: Array<Middleware<C>>): MiddlewareFn<C> {
    return compose(middleware);
  }
}
