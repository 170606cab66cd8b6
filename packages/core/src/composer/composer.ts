import { PactArgumentError } from '../api/errors.js';
import type { ButtonPress } from '../context/button-menus.js';
import type { Context } from '../context/context.js';
import {
  matchFilter,
  type CheckedFilter,
  type FilterQuery,
  type Filtered,
  type FilterShapes,
} from './filters.js';
import {
  compose,
  flatten,
  type Middleware,
  type MiddlewareFn,
  type MiddlewareObj,
  type NextFunction,
} from './middleware.js';

/** Refuses a predicate that is not a function, naming the method. */
function checkPredicate(predicate: unknown, method: string): void {
  if (typeof predicate !== 'function') {
    throw new PactArgumentError(
      `${method}() argument 1 must be a predicate function (ctx) => boolean, got ${typeof predicate}`,
    );
  }
}

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
    throw new PactArgumentError(
      `${method}() argument 1 must be a string, a RegExp or an array of them, got ${Array.isArray(value) ? 'an array with something else' : typeof value}`,
    );
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

/** Checks the middleware of a registration, naming the method and each argument's position. */
function flattenAll<C>(
  middleware: ReadonlyArray<Middleware<C>>,
  method: string,
  firstPosition: number,
): Array<MiddlewareFn<C>> {
  return middleware.map((m, i) => flatten(m, `${method}() argument ${firstPosition + i}`));
}

/**
 * A tree of middleware. Every method registers middleware and returns the composer it was put in,
 * so a branch can be extended: `bot.on('message:text').filter(ctx => ctx.text.length > 3, handler)`.
 */
export class Composer<C extends Context> implements MiddlewareObj<C> {
  #stack: Array<MiddlewareFn<C>> = [];
  #handler: MiddlewareFn<C> = skip;

  constructor(...middleware: Array<Middleware<C>>) {
    if (middleware.length > 0) this.#push(...flattenAll(middleware, 'new Composer', 1));
  }

  /** A child composer of checked middleware, for a registration method. */
  #child<D extends C>(
    middleware: ReadonlyArray<Middleware<D>>,
    method: string,
    firstPosition: number,
  ): Composer<D> {
    const child = new Composer<D>();
    const fns = flattenAll(middleware, method, firstPosition);
    if (fns.length > 0) child.#push(...fns);
    return child;
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
    const child = this.#child(middleware, 'bot.use', 1);
    this.#push(child.middleware());
    return child;
  }

  /**
   * Adds middleware for updates matching a filter (or any of several), with the context's type
   * narrowed to what the filter guarantees: inside `on('message:text')`, `ctx.text` is a string.
   * An unknown filter throws at once; in TypeScript it does not compile, and the error lists the
   * filters.
   */
  on<Q extends string>(
    filter: CheckedFilter<Q> | readonly CheckedFilter<Q>[],
    ...middleware: Array<Middleware<Filtered<C, Q & FilterQuery>>>
  ): Composer<Filtered<C, Q & FilterQuery>> {
    const predicate = matchFilter(filter as FilterQuery | readonly FilterQuery[], 'bot.on()');
    return this.#filter(predicate, middleware, 'bot.on', 2);
  }

  /**
   * Adds middleware for incoming text messages that match: a string equals the trimmed text, a
   * RegExp is tested against it. What matched is in `ctx.match`.
   */
  hears(
    trigger: HearsTrigger,
    ...middleware: Array<Middleware<HearsContext<C>>>
  ): Composer<HearsContext<C>> {
    const list = triggers(trigger, 'bot.hears');
    const isText = matchFilter('message:text');
    return this.#filter(
      (ctx): ctx is HearsContext<C> => {
        if (!isText(ctx)) return false;
        const match = firstMatch(list, ctx.text);
        if (match === undefined) return false;
        ctx.match = match;
        return true;
      },
      middleware,
      'bot.hears',
      2,
    );
  }

  /** Adds middleware for presses of buttons sent with `ctx.buttons`, by button id. */
  action(
    trigger: ActionTrigger,
    ...middleware: Array<Middleware<ActionContext<C>>>
  ): Composer<ActionContext<C>> {
    const list = triggers(trigger, 'bot.action');
    return this.#filter(
      (ctx): ctx is ActionContext<C> => {
        if (!ctx.action) return false;
        const match = firstMatch(list, ctx.action.id);
        if (match === undefined) return false;
        ctx.match = match;
        return true;
      },
      middleware,
      'bot.action',
      2,
    );
  }

  /** Adds middleware for updates where `predicate` holds; a type guard narrows the context. */
  filter<D extends C>(
    predicate: (ctx: C) => ctx is D,
    ...middleware: Array<Middleware<D>>
  ): Composer<D>;
  filter(predicate: Predicate<C>, ...middleware: Array<Middleware<C>>): Composer<C>;
  filter(predicate: Predicate<C>, ...middleware: Array<Middleware<C>>): Composer<C> {
    return this.#filter(predicate, middleware, 'bot.filter', 2);
  }

  #filter<D extends C>(
    predicate: Predicate<C>,
    middleware: ReadonlyArray<Middleware<D>>,
    method: string,
    firstPosition: number,
  ): Composer<D> {
    checkPredicate(predicate, method);
    const child = this.#child(middleware, method, firstPosition);
    this.#branch(predicate, child.middleware() as MiddlewareFn<C>, skip);
    return child;
  }

  /** Adds middleware for updates where `predicate` does not hold. */
  drop(predicate: Predicate<C>, ...middleware: Array<Middleware<C>>): Composer<C> {
    checkPredicate(predicate, 'bot.drop');
    const child = this.#child(middleware, 'bot.drop', 2);
    this.#branch(predicate, skip, child.middleware());
    return child;
  }

  /** Runs `whenTrue` where `predicate` holds and `whenFalse` where it does not. */
  branch(predicate: Predicate<C>, whenTrue: Middleware<C>, whenFalse: Middleware<C>): this {
    checkPredicate(predicate, 'bot.branch');
    this.#branch(
      predicate,
      flatten(whenTrue, 'bot.branch() argument 2'),
      flatten(whenFalse, 'bot.branch() argument 3'),
    );
    return this;
  }

  #branch(predicate: Predicate<C>, yes: MiddlewareFn<C>, no: MiddlewareFn<C>): void {
    this.#push((ctx, next) => {
      const verdict = predicate(ctx);
      if (typeof verdict === 'boolean') return verdict ? yes(ctx, next) : no(ctx, next);
      return verdict.then((ok) => (ok ? yes(ctx, next) : no(ctx, next)));
    });
  }

  /** Chooses middleware per update, for instance from configuration or the session. */
  lazy(
    factory: (
      ctx: C,
    ) => Middleware<C> | Array<Middleware<C>> | Promise<Middleware<C> | Array<Middleware<C>>>,
  ): this {
    if (typeof factory !== 'function') {
      throw new PactArgumentError(
        `bot.lazy() argument 1 must be a function (ctx) => middleware, got ${typeof factory}`,
        { code: 'PACTBOT_INVALID_MIDDLEWARE' },
      );
    }
    this.#push(async (ctx, next) => {
      const chosen = await factory(ctx);
      const list = Array.isArray(chosen) ? chosen : [chosen];
      return compose(
        list.map((m, i) => flatten(m, `what bot.lazy()'s factory returned (item ${i + 1})`)),
      )(ctx, next);
    });
    return this;
  }

  /** Composes middleware into one (koa-compose semantics; a second `next()` is an error). */
  static compose<C>(...middleware: Array<Middleware<C>>): MiddlewareFn<C> {
    return compose(middleware);
  }
}
