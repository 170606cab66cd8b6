import type { ButtonSpec, ButtonPress } from '../context/button-menus.js';
import type { Context, ReplyOptions } from '../context/context.js';
import type {
  ActionContext,
  ActionTrigger,
  HearsContext,
  HearsTrigger,
} from '../composer/composer.js';
import type { CheckedFilter, FilterQuery, Filtered } from '../composer/filters.js';
import type { SessionStore } from '../session/types.js';
import type { DialogState } from './dialog-state.js';

/** Why a dialog ended. */
export type DialogEndReason =
  /** Its function returned. */
  | 'returned'
  /** Its function threw; the error went to `bot.catch`. */
  | 'threw'
  /** `ctx.conversation.exit()` ended it. */
  | 'exited'
  /** It waited longer than its wait's `timeoutMs`; the late update went on to the handlers after it. */
  | 'timeout'
  /** It was idle longer than `expireAfterMs`. */
  | 'expired'
  /** Its code changed since it started (another version, or its replay asked for other things). */
  | 'changed'
  /** It took more steps than `maxSteps`. */
  | 'too-long';

/** A dialog that ended, for `onExit` and the `dialog:end` event. */
export interface DialogEnd {
  /** The dialog's id. */
  id: string;
  /** The conversation it ran in. */
  conversationId: number;
  reason: DialogEndReason;
}

/** Options of {@link conversations}. */
export interface ConversationsOptions<C extends Context = Context> {
  /**
   * Where dialogs are kept between turns, by conversation. Default: this process's memory. Give a
   * `RedisSessionStore` with the prefix of `redisState` and `name: 'dialog'` (so it does not share
   * keys with the sessions) to continue a dialog in any process, and after a restart.
   */
  store?: SessionStore<DialogState> | undefined;
  /** End a dialog that consumed nothing for this long, in ms. Default: never. */
  expireAfterMs?: number | undefined;
  /** End a dialog that took more steps (updates, sends, externals) than this. Default 1000. */
  maxSteps?: number | undefined;
  /** Called when a dialog ends, with the context of the update it ended on. */
  onExit?: ((ctx: C, end: DialogEnd) => unknown) | undefined;
}

/** Options of every wait. */
export interface WaitOptions<C extends Context = Context> {
  /**
   * The dialog ends if the update it waits for comes later than this after the wait began, in ms;
   * that late update then goes on to the handlers after the dialogs, as if no dialog were active.
   */
  timeoutMs?: number | undefined;
  /** Runs for an update of the conversation that does not match the wait (to re-prompt, say); the wait goes on. */
  otherwise?: ((ctx: C) => unknown) | undefined;
}

/** Options of `conv.ask`. */
export interface AskOptions<C extends Context = Context> extends WaitOptions<C>, ReplyOptions {}

/** What a dialog function gets to wait for the customer, and to run outside effects once. */
export interface Conversation<C extends Context = Context> {
  /** The dialog's id. */
  readonly id: string;
  /** Resolves with the customer's next message, of any kind. */
  wait(options?: WaitOptions<C>): Promise<C>;
  /** Resolves with the next message that matches a filter: `conv.waitFor('message:text')`. */
  waitFor<Q extends string>(
    filter: CheckedFilter<Q> | readonly CheckedFilter<Q>[],
    options?: WaitOptions<C>,
  ): Promise<Filtered<C, Q & FilterQuery>>;
  /** Resolves with the next text that matches, as `bot.hears` would; what matched is in `ctx.match`. */
  waitForHears(trigger: HearsTrigger, options?: WaitOptions<C>): Promise<HearsContext<C>>;
  /** Resolves with the next press of a button (of one of these ids, when given). */
  waitForAction(trigger?: ActionTrigger, options?: WaitOptions<C>): Promise<ActionContext<C>>;
  /** Sends buttons (as `ctx.buttons`) and resolves with the press of one of them. */
  ask(text: string, buttons: readonly ButtonSpec[], options?: AskOptions<C>): Promise<ButtonPress>;
  /**
   * Runs `fn` once and records what it resolved with (JSON data) or threw: when the dialog
   * resumes in another process, or after a restart, the recorded result is returned instead.
   * Wrap every outside effect in it — a database write, a call to another service, a clock.
   */
  external<T>(fn: () => T | Promise<T>): Promise<T>;
  /** The time, recorded as `external(() => Date.now())` is. */
  now(): Promise<number>;
  /** A random number in [0, 1), recorded as `external(() => Math.random())` is. */
  random(): Promise<number>;
}

/** A dialog: a plain async function that awaits the customer's next messages. */
export type DialogFunction<C extends Context = Context, A extends unknown[] = unknown[]> = (
  conversation: Conversation<C>,
  ctx: C,
  ...args: A
) => Promise<unknown>;

/** What `ctx.conversation` offers: enter a dialog, end it, see which one runs. */
export interface ConversationControls {
  /**
   * Starts a dialog in this conversation and runs it until its first wait. Its arguments are
   * stored as JSON. Refused while another dialog is active here: `exit()` it first.
   */
  enter(id: string, ...args: unknown[]): Promise<void>;
  /** Ends the active dialog of this conversation, if any (its `onExit` runs). */
  exit(): Promise<void>;
  /** The id of the dialog active in this conversation, or undefined. */
  active(): string | undefined;
}

/** Adds `ctx.conversation` to a context type: `type MyContext = Context & ConversationFlavor`. */
export interface ConversationFlavor {
  /** The dialogs of this conversation. */
  conversation: ConversationControls;
}

/** Options of {@link createConversation}. */
export interface CreateConversationOptions {
  /** The dialog's id, used by `enter`. Default: the function's name. */
  id?: string | undefined;
  /**
   * The version of the dialog's code. A dialog started under another version is ended (reason
   * `changed`) rather than replayed into the wrong step. Default: a digest of the function's
   * source, so any edit of it ends the dialogs running it; name a version to keep them across
   * edits you know to be safe.
   */
  version?: string | undefined;
}
