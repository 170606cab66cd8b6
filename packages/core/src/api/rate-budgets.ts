import { PactArgumentError } from './errors.js';
import { show } from './validate.js';

/** One window of a budget: at most `sends` grants in any `perMs` milliseconds. */
export interface RateWindow {
  /** Grants allowed per window. */
  sends: number;
  /** Window length in ms. */
  perMs: number;
}

/**
 * The classes of calls that spend a budget of their own. A rate-limit key names its class as its
 * last `:` segment (`company:42:v2-send`); a key that names none (`company:42`) is of class `send`.
 * - `send`: v1 sends, uploads and first messages (Pact's v1 limit: 5 per second);
 * - `v2-send`: v2 sends and first messages (5 per second and 30 per minute);
 * - `v2-upload`: v2 uploads (5 per second and 30 per minute);
 * - `v2-conversation-read`: v2 conversation list and get (10 per minute);
 * - `v2-message-read`: v2 message list and get (20 per minute);
 * - `v2-template-read`: v2 WABA template list (20 per minute).
 */
export type BudgetClass =
  | 'send'
  | 'v2-send'
  | 'v2-upload'
  | 'v2-conversation-read'
  | 'v2-message-read'
  | 'v2-template-read';

/**
 * Budgets of the classes other than `send`, by class: one window or several, all enforced. A
 * class left out keeps its default ({@link DEFAULT_RATE_BUDGETS}); more classes may be named for
 * keys of one's own.
 */
export type RateBudgets = Partial<
  Record<Exclude<BudgetClass, 'send'> | (string & {}), RateWindow | readonly RateWindow[]>
>;

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/**
 * Pact's published limits, per class (see {@link BudgetClass}). Pact counts v2 limits per user
 * (token); pactbot keys them per company and class, which is the same while one token serves one
 * company. Where one token serves several companies at once, lower these budgets so their sum stays
 * within Pact's.
 */
export const DEFAULT_RATE_BUDGETS: Readonly<Record<BudgetClass, readonly RateWindow[]>> = {
  send: [{ sends: 5, perMs: SECOND }],
  'v2-send': [
    { sends: 5, perMs: SECOND },
    { sends: 30, perMs: MINUTE },
  ],
  'v2-upload': [
    { sends: 5, perMs: SECOND },
    { sends: 30, perMs: MINUTE },
  ],
  'v2-conversation-read': [{ sends: 10, perMs: MINUTE }],
  'v2-message-read': [{ sends: 20, perMs: MINUTE }],
  'v2-template-read': [{ sends: 20, perMs: MINUTE }],
};

/**
 * The rate-limit key of a scope (such as `company:42`) and a class: the scope itself for `send`,
 * `<scope>:<class>` otherwise.
 */
export function budgetKey(scope: string, budget: BudgetClass | (string & {}) = 'send'): string {
  return budget === 'send' ? scope : `${scope}:${budget}`;
}

function checkWindow(name: string, window: unknown): RateWindow {
  const { sends, perMs } = (window ?? {}) as Partial<RateWindow>;
  if (
    typeof sends !== 'number' ||
    !Number.isInteger(sends) ||
    sends < 1 ||
    typeof perMs !== 'number' ||
    !Number.isFinite(perMs) ||
    perMs <= 0
  ) {
    throw new PactArgumentError(
      `${name} must be { sends, perMs } with sends a positive integer and perMs a positive number of ms, got ${
        window !== null && typeof window === 'object'
          ? `{ sends: ${show(sends)}, perMs: ${show(perMs)} }`
          : show(window)
      }`,
    );
  }
  return { sends, perMs };
}

function checkWindows(name: string, value: unknown): readonly RateWindow[] {
  if (Array.isArray(value)) {
    if (value.length === 0) throw new PactArgumentError(`${name} must hold at least one window`);
    return value.map((w, i) => checkWindow(`${name}[${i}]`, w));
  }
  return [checkWindow(name, value)];
}

/** What a `RateBudgetTable` is built from: the `send` budget, its extra windows, and the other classes. */
export interface RateBudgetOptions {
  /** Grants per window of the `send` class. */
  sends: number;
  /** Window of the `send` class, in ms. */
  perMs: number;
  /** More windows the `send` class must also respect. */
  windows?: readonly RateWindow[] | undefined;
  /** Budgets of the other classes; see {@link RateBudgets}. */
  budgets?: RateBudgets | undefined;
}

/**
 * The windows every rate-limit key must respect, checked once when built. Both of pactbot's
 * limiters (the in-process one and the Redis one) read their budgets from it; a limiter of one's
 * own can too.
 */
export class RateBudgetTable {
  readonly #classes = new Map<string, readonly RateWindow[]>();

  constructor(options: RateBudgetOptions) {
    if (options === null || typeof options !== 'object') {
      throw new PactArgumentError(
        `a rate limit must be an object like { sends: 5, perMs: 1000 }, got ${show(options)}`,
      );
    }
    const send = [checkWindow('rateLimit', { sends: options.sends, perMs: options.perMs })];
    if (options.windows !== undefined) {
      if (!Array.isArray(options.windows)) {
        throw new PactArgumentError(
          `rateLimit.windows must be an array of { sends, perMs }, got ${show(options.windows)}`,
        );
      }
      options.windows.forEach((w, i) => send.push(checkWindow(`rateLimit.windows[${i}]`, w)));
    }
    for (const [name, windows] of Object.entries(DEFAULT_RATE_BUDGETS))
      this.#classes.set(name, windows);
    this.#classes.set('send', send);
    const budgets: unknown = options.budgets;
    if (budgets !== undefined) {
      if (budgets === null || typeof budgets !== 'object' || Array.isArray(budgets)) {
        throw new PactArgumentError(
          `rateLimit.budgets must be an object of budgets by class, got ${show(budgets)}`,
        );
      }
      for (const [name, value] of Object.entries(budgets as Record<string, unknown>)) {
        if (name === 'send' || name === '' || name.includes(':')) {
          throw new PactArgumentError(
            name === 'send'
              ? 'rateLimit.budgets cannot hold "send": set that budget with sends, perMs and windows'
              : `rateLimit.budgets class names must be non-empty and without ":", got ${show(name)}`,
          );
        }
        if (value !== undefined)
          this.#classes.set(name, checkWindows(`rateLimit.budgets.${name}`, value));
      }
    }
  }

  /** The class a key names: its last `:` segment when that is a class of this table, else `send`. */
  classOf(key: string): string {
    const tail = key.slice(key.lastIndexOf(':') + 1);
    return tail !== key && this.#classes.has(tail) ? tail : 'send';
  }

  /** Every window a grant under `key` must fit. */
  windowsOf(key: string): readonly RateWindow[] {
    return this.#classes.get(this.classOf(key)) ?? this.#classes.get('send')!;
  }
}
