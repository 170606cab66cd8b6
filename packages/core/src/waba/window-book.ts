import type { ChannelProvider } from '../api/types.js';
import type { BotState } from '../state/types.js';
import { TtlMap } from '../util/ttl-map.js';
import type { Update } from '../webhook/types.js';
import { kindOf } from '../webhook/update-kinds.js';
import type { ConversationDirectory } from './directory.js';
import { WindowClosedError } from './errors.js';
import { updateFactsOf } from './update-facts.js';
import { WABA, WABA_WINDOW_MS, windowAfter, type WabaWindow } from './window.js';

/** What the state keeps for a conversation whose customer, as Pact told, never wrote. */
const NEVER = 'none';
/** How long a window's time is kept past its close, so a closed window is known without asking Pact. */
const KEEP_AFTER_CLOSE_MS = 7 * 24 * 60 * 60 * 1000;
/** The least time a stored value is kept: what Pact told is not asked again sooner. */
const MIN_KEEP_MS = 60 * 60 * 1000;

/** A conversation's messenger and, on WhatsApp Business, its window. */
export interface WindowLookup {
  /** The conversation's messenger. */
  provider: ChannelProvider;
  /** Its channel, when known (v1). */
  channelId: number | undefined;
  /** Its window: on WhatsApp Business only. */
  window: WabaWindow | undefined;
}

/** What the book needs from its bot. */
export interface WindowBookDeps {
  state: BotState;
  companyId: number;
  directory: ConversationDirectory;
  /** Reports a failure to keep or read a window (the update it happened on, if any). */
  report: (error: unknown, update?: Update) => void;
}

/**
 * When each WhatsApp Business customer last wrote, the one fact the 24-hour window follows from.
 *
 * Kept in the bot's state (`waba-window:<company>:<conversation>` → the time in ms, or `none`),
 * so processes sharing a `redisState` share it and it outlives a restart; kept until a week after
 * the window closed (at least an hour). A time only ever moves forward: a message's own time is
 * written unless a later one is stored already, so a redelivery of an old message (or a webhook
 * that overtook an earlier one) never moves the window back or forth. (Two processes writing
 * times of one conversation at the same instant can leave the earlier of the two: the window
 * then closes seconds early, never late.)
 *
 * When the state knows nothing of a conversation — a bot that started with its customers
 * mid-conversation, a memory state after a restart, a conversation just created — Pact is asked,
 * once, and only when it matters: before a free-form send to it, or for `bot.window()` (see
 * `readConversationFacts`: v1's `last_income_message_at`, v2's messages). When Pact knows no
 * message of the customer, the window is closed.
 *
 * This process also mirrors the latest time it saw of each conversation, for `ctx.window`, which
 * must answer at once: the bot refreshes the mirror from the state before each update's handler.
 * A window nobody knows yet reads as closed there (`closesAt` undefined); a send to it asks Pact
 * before it decides.
 */
export class WindowBook {
  readonly #state: BotState;
  readonly #prefix: string;
  readonly #directory: ConversationDirectory;
  readonly #report: WindowBookDeps['report'];
  /** Conversation → the latest customer time seen here (0: Pact knows none). */
  readonly #latest = new TtlMap<number, number>(100_000);
  /** Each conversation's reads and writes of the state, one after another. */
  readonly #lines = new Map<number, Promise<unknown>>();

  constructor(deps: WindowBookDeps) {
    this.#state = deps.state;
    this.#prefix = `waba-window:${deps.companyId}:`;
    this.#directory = deps.directory;
    this.#report = deps.report;
  }

  /**
   * Takes note of an update as soon as it is admitted: its conversation's messenger and, for a
   * customer's message on WhatsApp Business, the message's time (written to the state in the
   * background; failures are reported, never thrown).
   */
  observe(update: Update): void {
    const facts = updateFactsOf(update, kindOf(update));
    if (facts === undefined) return;
    this.#directory.learn(facts.conversationId, facts);
    if (facts.customerAt === undefined) return;
    const provider = facts.provider ?? this.#directory.known(facts.conversationId)?.provider;
    if (provider !== WABA) return;
    const { conversationId, customerAt } = facts;
    this.#mirror(conversationId, customerAt);
    void this.#inLine(conversationId, () => this.#write(conversationId, customerAt)).catch(
      (error: unknown) => this.#report(error, update),
    );
  }

  /**
   * Gets a WhatsApp Business conversation's window ready for the handler of `update`: a
   * customer's message brings its own time; for any other update the state is read (Pact is not
   * asked here: see {@link isKnown}). Undefined when there is nothing to wait for. Never rejects:
   * a failure is reported on `bot.events` and the window judged from what this process knows.
   */
  prepare(update: Update): Promise<void> | undefined {
    const facts = updateFactsOf(update, kindOf(update));
    if (facts === undefined) return undefined;
    const { conversationId, customerAt } = facts;
    const provider = facts.provider ?? this.#directory.known(conversationId)?.provider;
    if (provider !== WABA) return undefined;
    if (customerAt !== undefined) {
      const seen = this.#latest.get(conversationId);
      if (seen === undefined || seen < customerAt) {
        // Admitted by another process (a shared inbox): written here too, in case its write
        // has not landed; `settled` waits for it before the update counts as handled.
        this.#mirror(conversationId, customerAt);
        void this.#inLine(conversationId, () => this.#write(conversationId, customerAt)).catch(
          (error: unknown) => this.#report(error, update),
        );
      }
      if (update.type === 'message') return undefined;
    }
    return this.#inLine(conversationId, () => this.#load(conversationId, false)).catch(
      (error: unknown) => this.#report(error, update),
    );
  }

  /**
   * What is still being written of the conversation's window (its customer's latest message),
   * to wait for before the update counts as handled: the next update of the conversation may be
   * handled by another process, which reads the window from the state. Undefined when nothing is.
   */
  settled(conversationId: number | undefined): Promise<unknown> | undefined {
    return conversationId === undefined ? undefined : this.#lines.get(conversationId);
  }

  /**
   * Whether this process knows the conversation's window: a time of the customer's, or Pact's
   * word that there is none. A send to a window nobody knows goes through {@link check}, which
   * asks Pact, rather than being refused at once.
   */
  isKnown(conversationId: number): boolean {
    return this.#latest.get(conversationId) !== undefined;
  }

  /**
   * Refuses a free-form send with {@link WindowClosedError} when the conversation's window is
   * closed, after reading it fresh (from the state, else Pact). `method` names the send.
   */
  async check(conversationId: number, method: string): Promise<void> {
    const { window } = await this.lookup(conversationId);
    if (window && !window.open)
      throw new WindowClosedError(conversationId, window.closesAt, method);
  }

  /** The window as this process knows it now: undefined off WhatsApp Business (or when the messenger is unknown). */
  current(conversationId: number, provider: ChannelProvider | undefined): WabaWindow | undefined {
    const type = provider ?? this.#directory.known(conversationId)?.provider;
    if (type !== WABA) return undefined;
    const at = this.#latest.get(conversationId);
    return windowAfter(at === 0 ? undefined : at);
  }

  /**
   * A conversation's messenger and, on WhatsApp Business, its window, fresh from the state (and
   * Pact, when the state knows nothing): for sends made outside handlers. Rejects when Pact
   * cannot be asked.
   */
  async lookup(conversationId: number): Promise<WindowLookup> {
    let known = this.#directory.known(conversationId);
    if (known?.provider === undefined) {
      // A window in the state is a WhatsApp Business conversation another process saw.
      const stored = await this.#inLine(conversationId, () => this.#stored(conversationId));
      if (stored !== undefined) {
        this.#directory.learn(conversationId, { provider: WABA });
        this.#mirror(conversationId, stored);
        return {
          provider: WABA,
          channelId: undefined,
          window: this.current(conversationId, WABA),
        };
      }
      const read = await this.#directory.read(conversationId, { window: true });
      if (read.provider === WABA && read.customerAt !== undefined) {
        await this.#inLine(conversationId, () => this.#store(conversationId, read.customerAt!));
      }
      known = read;
    }
    const provider = known.provider!;
    if (provider !== WABA) return { provider, channelId: known.channelId, window: undefined };
    await this.#inLine(conversationId, () => this.#load(conversationId, true));
    return { provider, channelId: known.channelId, window: this.current(conversationId, WABA) };
  }

  #mirror(conversationId: number, at: number): void {
    const seen = this.#latest.get(conversationId);
    if (seen !== undefined && seen >= at) return;
    this.#latest.set(conversationId, at, keepMs(at));
  }

  /** Runs `task` after the conversation's earlier reads and writes. */
  #inLine<T>(conversationId: number, task: () => Promise<T>): Promise<T> {
    const previous = this.#lines.get(conversationId);
    const result = previous ? previous.then(task, task) : task();
    const tail = result.catch(() => undefined);
    this.#lines.set(conversationId, tail);
    void tail.then(() => {
      if (this.#lines.get(conversationId) === tail) this.#lines.delete(conversationId);
    });
    return result;
  }

  /** The stored time of a conversation: ms, 0 (never wrote), or undefined (nothing stored). */
  async #stored(conversationId: number): Promise<number | undefined> {
    const value = await this.#state.getValue(this.#prefix + conversationId);
    if (value === undefined) return undefined;
    if (value === NEVER) return 0;
    const at = Number(value);
    return Number.isFinite(at) && at > 0 ? at : undefined;
  }

  /** Writes a customer's time unless a later one is stored. */
  async #write(conversationId: number, at: number): Promise<void> {
    const stored = await this.#stored(conversationId);
    if (stored !== undefined && stored >= at) {
      this.#mirror(conversationId, stored);
      return;
    }
    await this.#state.setValue(this.#prefix + conversationId, String(at), keepMs(at));
    this.#mirror(conversationId, at);
  }

  /** Stores what Pact told (a time, or null: the customer never wrote), unless the state knows better. */
  async #store(conversationId: number, customerAt: number | null): Promise<void> {
    if (customerAt !== null) return this.#write(conversationId, customerAt);
    const stored = await this.#stored(conversationId);
    if (stored !== undefined) return;
    await this.#state.setValue(this.#prefix + conversationId, NEVER, MIN_KEEP_MS);
    this.#mirror(conversationId, 0);
  }

  /** Refreshes the mirror from the state; when the state knows nothing, from Pact (with `askPact`). */
  async #load(conversationId: number, askPact: boolean): Promise<void> {
    const stored = await this.#stored(conversationId);
    if (stored !== undefined) {
      this.#mirror(conversationId, stored);
      return;
    }
    const seen = this.#latest.get(conversationId);
    if (seen !== undefined && seen > 0) {
      // Known here but not in the state (it lost it, or a write failed): write it back.
      await this.#write(conversationId, seen);
      return;
    }
    if (!askPact) return;
    const read = await this.#directory.read(conversationId, { window: true });
    if (read.provider !== WABA || read.customerAt === undefined) return;
    await this.#store(conversationId, read.customerAt);
    if (read.customerAt !== null) this.#mirror(conversationId, read.customerAt);
  }
}

/** How long the time of a customer's message at `at` is worth keeping. */
function keepMs(at: number): number {
  return Math.max(MIN_KEEP_MS, at + WABA_WINDOW_MS + KEEP_AFTER_CLOSE_MS - Date.now());
}
