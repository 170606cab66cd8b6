import { PactArgumentError } from '../api/errors.js';
import { show } from '../api/validate.js';

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

/**
 * The function behind a middleware. Anything that is neither a function nor has `.middleware()`
 * is refused here, where it was registered: `where` names the method and the argument
 * (`bot.on() argument 2`), so the mistake is found at start-up, not on the first update.
 */
export function flatten<C>(middleware: Middleware<C>, where = 'middleware'): MiddlewareFn<C> {
  if (typeof middleware === 'function') return middleware;
  const provider = (middleware as { middleware?: unknown } | null | undefined)?.middleware;
  if (typeof provider === 'function') return middleware.middleware();
  throw new PactArgumentError(
    `${where} must be a middleware function (ctx, next) => … or an object with .middleware(), got ${show(middleware)}`,
    { code: 'PACTBOT_INVALID_MIDDLEWARE' },
  );
}

/** Thrown when a middleware calls `next()` a second time. */
export class NextCalledTwiceError extends PactArgumentError {
  override name = 'NextCalledTwiceError';

  constructor(message: string) {
    super(message, { code: 'PACTBOT_NEXT_CALLED_TWICE' });
  }
}

/**
 * Thrown when a middleware returned (or its promise settled) while the `next()` it called was
 * still running — `next()` called without `await` or `return`. The update would be reported
 * handled, and its conversation's next update started, while the rest of the chain still ran.
 */
export class ChainUnfinishedError extends PactArgumentError {
  override name = 'ChainUnfinishedError';

  constructor(message: string) {
    super(message, { code: 'PACTBOT_CHAIN_UNFINISHED' });
  }
}

const passThrough: NextFunction = () => Promise.resolve();

const UNFINISHED =
  'a middleware returned before the rest of the chain finished: await or return next()';

/** A rejected promise nobody has to handle, for a `next()` that must not run. */
function refusal(error: Error): Promise<never> {
  const rejected = Promise.reject(error);
  rejected.catch(() => undefined);
  return rejected;
}

/**
 * Composes middleware into one, run in order; each decides whether the rest runs by calling
 * `next()`. Two misuses are errors rather than quiet races: calling `next()` twice in one
 * middleware (the rest of the chain would run twice), and returning before the `next()` one
 * called has finished (the update would count as handled while its handlers still run). In the
 * second case the composed promise waits for the rest of the chain to finish before it rejects,
 * so the update still holds its conversation until then.
 */
export function compose<C>(middleware: ReadonlyArray<Middleware<C>>): MiddlewareFn<C> {
  const fns = middleware.map((m, i) => flatten(m, `compose() middleware ${i + 1}`));
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
      // The rest of the chain as this middleware started it, and whether it has finished.
      let rest: Promise<void> | undefined;
      let restDone = false;
      let returned = false;
      const callNext: NextFunction = () => {
        if (returned) {
          return refusal(
            new ChainUnfinishedError(
              `${UNFINISHED} (next() was called after its middleware had finished)`,
            ),
          );
        }
        const started = dispatch(i + 1);
        rest = started;
        const done = (): void => {
          restDone = true;
        };
        void started.then(done, done);
        return started;
      };
      // Whatever the middleware did, the update holds its conversation until the rest it
      // started has finished.
      const failed = (error: unknown): Promise<never> => {
        returned = true;
        // A middleware may throw anything; it travels on unchanged.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        const fail = (): Promise<never> => Promise.reject(error);
        return rest === undefined || restDone ? fail() : rest.then(fail, fail);
      };
      const finished = (): Promise<void> | undefined => {
        returned = true;
        if (rest === undefined || restDone) return undefined;
        const unfinished = new ChainUnfinishedError(UNFINISHED);
        const fail = (): never => {
          throw unfinished;
        };
        return rest.then(fail, fail);
      };
      let result: unknown;
      try {
        result = fn(ctx, callNext);
      } catch (error) {
        return failed(error);
      }
      if (result === undefined || typeof (result as { then?: unknown }).then !== 'function') {
        return finished() ?? Promise.resolve();
      }
      return (result as Promise<unknown>).then(finished, failed);
    };
    return dispatch(0);
  };
}
