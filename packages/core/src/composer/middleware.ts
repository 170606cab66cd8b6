/** Runs the rest of the middleware chain; resolves when it has finished. */
export type NextFunction = () => Promise<void>;

/** A middleware function: does its part, and calls `next()` (at most once) to pass the update on. */
export type MiddlewareFn<C> = (ctx: C, next: NextFunction) => unknown;

/** An object that provides middleware, such as a `Composer`. */
export interface MiddlewareObj<C> {
  /** The middleware function this object stands for. */
  middleware(): MiddlewareFn<C>;
}

/** A middleware function or an object providing one. */
export type Middleware<C> = MiddlewareFn<C> | MiddlewareObj<C>;

/** The function behind a middleware. */
export function flatten<C>(middleware: Middleware<C>): MiddlewareFn<C> {
  return typeof middleware === 'function' ? middleware : middleware.middleware();
}

/** Thrown when a middleware calls `next()` a second time. */
export class NextCalledTwiceError extends Error {
  override name = 'NextCalledTwiceError';
}

const passThrough: NextFunction = () => Promise.resolve();

/**
 * Composes middleware into one, run in order; each decides whether the rest runs by calling
 * `next()`. Calling `next()` twice in one middleware is an error: the rest of the chain would run
 * twice.
 */
export function compose<C>(middleware: ReadonlyArray<Middleware<C>>): MiddlewareFn<C> {
  const fns = middleware.map(flatten);
  if (fns.length === 0) return (_ctx, next) => next();
  return (ctx, next = passThrough) => {
    let reached = -1;
    const dispatch = (i: number): Promise<void> => {
      if (i <= reached) {
        return Promise.reject(
          new NextCalledTwiceError(
            'next() was called more than once in one middleware; call it at most once, and await it',
          ),
        );
      }
      reached = i;
      const fn = i < fns.length ? fns[i]! : next;
      try {
        return Promise.resolve(fn(ctx, () => dispatch(i + 1))) as Promise<void>;
      } catch (error) {
        // A middleware may throw anything; it travels on unchanged.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        return Promise.reject(error);
      }
    };
    return dispatch(0);
  };
}
