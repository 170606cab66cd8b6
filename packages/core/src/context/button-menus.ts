import { PactArgumentError } from '../api/errors.js';
import { checkButtons, MAX_BUTTON_TITLE } from '../api/validate.js';
import { lineValueKey } from '../state/line-value-key.js';
import { NOT_KNOWN, peekValue } from '../state/peek-value.js';
import type { BotState, ConversationLock } from '../state/types.js';
import { conversationKey } from '../webhook/update-kinds.js';

/** A button as `ctx.buttons` takes it: a title, or a title with the id `bot.action` routes by. */
export type ButtonSpec = string | { title: string; id?: string | undefined };

/** A press of a button: the id given to `ctx.buttons` (the title when none was given) and its title. */
export interface ButtonPress {
  id: string;
  title: string;
}

interface StoredMenu {
  buttons: ButtonPress[];
  numbered: boolean;
}

/** Checks a list of buttons and gives each its id (the title, when none is given). */
export function normalizeButtons(text: string, buttons: readonly ButtonSpec[]): ButtonPress[] {
  const list: unknown = buttons;
  if (!Array.isArray(list)) {
    throw new PactArgumentError(
      `buttons must be an array of titles or { title, id } objects, got ${typeof list}`,
    );
  }
  const specs = list.map(
    (button: unknown) =>
      (typeof button === 'string' ? { title: button } : (button ?? {})) as {
        title?: unknown;
        id?: unknown;
      },
  );
  const titles = specs.map((spec) =>
    typeof spec.title === 'string' ? spec.title.trim() : spec.title,
  ) as string[];
  checkButtons(text, titles);
  const normalized = specs.map((spec, i): ButtonPress => {
    const id = spec.id ?? titles[i];
    if (typeof id !== 'string' || id === '') {
      throw new PactArgumentError(
        `button ${i + 1} needs an id that is a non-empty string, got ${JSON.stringify(id)}`,
      );
    }
    return { title: titles[i]!, id };
  });
  return normalized;
}

/** The text form of buttons for channels without interactive messages. */
export function numberedMenu(text: string, buttons: readonly ButtonPress[]): string {
  return `${text}\n\n${buttons.map((b, i) => `${i + 1}. ${b.title}`).join('\n')}`;
}

/** The name of a conversation's menu among the values kept with its line. */
const MENU = 'menu';

/**
 * Remembers the last buttons shown in each conversation, so that a press — an incoming message
 * whose text is a title, or on text-only channels the option's number — is routed to
 * `bot.action(id)`. A menu lasts until a press of it was handled, it is replaced by newer
 * buttons, or its time to live runs out. (A press whose handler failed leaves the menu, so the
 * customer can press again and Pact's redelivery of the press is still a press.)
 *
 * A menu is a value of the bot's state kept with its conversation's line (`{42:conversation:7}:menu`).
 * Every short incoming text needs a lookup; a state that reads the line's values when it grants
 * the turn — `redisState`, with or without its inbox — answers it from what it read then, so the
 * lookup costs no round trip of its own, whether a menu is live or not. With the memory state a
 * lookup never leaves the process. Using a menu up is staged on the turn where the state can
 * (made when the update completes), else one compare-and-delete.
 */
export class ButtonMenus {
  readonly #state: BotState;
  readonly #ttlMs: number;
  readonly #companyId: number;
  /** The stored menu each press came from, to use up that menu and no newer one. */
  readonly #pressedFrom = new WeakMap<ButtonPress, string>();

  constructor(state: BotState, companyId: number, ttlMs: number) {
    this.#state = state;
    this.#ttlMs = ttlMs;
    this.#companyId = companyId;
  }

  #key(conversationId: number): string {
    return lineValueKey(conversationKey(this.#companyId, conversationId), MENU);
  }

  /** Remembers the buttons just sent to a conversation. */
  remember(conversationId: number, buttons: ButtonPress[], numbered: boolean): Promise<void> {
    const menu: StoredMenu = { buttons, numbered };
    return this.#state.setValue(this.#key(conversationId), JSON.stringify(menu), this.#ttlMs);
  }

  /**
   * The press an incoming text stands for, if any. `lock` is the caller's turn of the
   * conversation: the menu may come from what the turn read when it was taken.
   */
  async press(
    conversationId: number,
    text: string,
    lock?: ConversationLock,
  ): Promise<ButtonPress | undefined> {
    return this.pressNow(conversationId, text, lock);
  }

  /**
   * As {@link press}, but answered at once when the state can tell the conversation's menu
   * without a round trip (the memory state; a Redis turn that read it): most messages are no
   * press, and their lookup then costs no promise.
   */
  pressNow(
    conversationId: number,
    text: string,
    lock?: ConversationLock,
  ): ButtonPress | undefined | Promise<ButtonPress | undefined> {
    // A press is a title (at most 20 characters) or a number: longer text needs no lookup.
    if (text.length > 4 * MAX_BUTTON_TITLE) return undefined;
    const key = this.#key(conversationId);
    const peeked = peekValue(this.#state, key, { lock });
    if (peeked !== NOT_KNOWN) return this.#pressIn(peeked, text);
    return this.#state.getValue(key, { lock }).then((stored) => this.#pressIn(stored, text));
  }

  #pressIn(stored: string | undefined, text: string): ButtonPress | undefined {
    if (stored === undefined) return undefined;
    const menu = JSON.parse(stored) as StoredMenu;
    const typed = text.trim();
    let press = menu.buttons.find((b) => b.title.toLowerCase() === typed.toLowerCase());
    const number = /^(\d{1,2})[.)]?$/.exec(typed);
    if (!press && menu.numbered && number) press = menu.buttons[Number(number[1]) - 1];
    if (press) this.#pressedFrom.set(press, stored);
    return press;
  }

  /**
   * Uses up the menu a handled press came from — unless the handler showed newer buttons, which
   * replaced it and stay. (Runs in the conversation's turn: nobody else changes its menu meanwhile.)
   */
  async usedUp(conversationId: number, press: ButtonPress, lock?: ConversationLock): Promise<void> {
    const from = this.#pressedFrom.get(press);
    if (from === undefined) return;
    const key = this.#key(conversationId);
    if (this.#state.deleteValueIf) {
      await this.#state.deleteValueIf(key, from, { lock });
      return;
    }
    if ((await this.#state.getValue(key)) === from) await this.#state.deleteValue(key);
  }
}
