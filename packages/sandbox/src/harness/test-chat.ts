import type { Bot, BotState, ErrorInfo, Update, UpdateInfo } from '@pactbot/core';
import { conversationIdOf, messageOf } from '@pactbot/core/internal';
import type { ChatMessage } from '../chat-view.js';
import type { Customer, CustomerFile, WriteOutcome } from '../customer.js';
import type { LocationRecord } from '../store/records.js';
import { durationMs, type Duration } from '../util/duration.js';
import {
  BotFailedError,
  LateSendError,
  StepNotAwaitedError,
  WebhookNotTakenError,
} from './bot-failure.js';
import { describeReplies } from './expectations.js';
import type { LateSends } from './late-sends.js';
import {
  quoted,
  StepChain,
  TestFlow,
  writtenAction,
  writtenFile,
  writtenLocation,
  type ChatActions,
  type Step,
} from './test-flow.js';

/** What a test chat needs of its bot: its events, to see handlers fail. */
export interface ObservedBot {
  readonly events: Bot['events'];
  /** Its coordination state: with a durable inbox, a step waits for the update to be handled. */
  readonly state?: Pick<BotState, 'inbox'> | undefined;
}

const conversationOf = (update: Update | undefined): number | undefined =>
  update === undefined ? undefined : conversationIdOf(update);

/** What `tester.close()` asks of each chat first: the chains of steps the test never took up. */
export const UNAWAITED_STEPS: unique symbol = Symbol('unawaited steps');

/** What `tester.close()` asks of each chat once the bot stopped: whether it sent late. */
export const LATE_SEND: unique symbol = Symbol('late send');

/** A chain of steps nobody took up, settled: how the test wrote it, and its failure if it failed. */
export interface UnawaitedSteps {
  label: string;
  failure: unknown;
}

/** Options of a test chat, from its test bot. */
export interface TestChatSettings {
  failOnBotError: boolean;
  /** The late sends of the bot, when the test bot collects them. */
  lateSends?: LateSends | undefined;
}

/**
 * One customer chatting with the bot under test. Each action (`send`, `press`, `sendFile`,
 * `sendLocation`) resolves once the bot has handled it — its handler finished and its replies were
 * accepted — so the replies are known then, with no waiting or sleeping:
 *
 * ```ts
 * await chat.send('hi');
 * expect(chat.lastReply.text).toBe('Your name?');
 * await chat.send('menu').assertReply({ text: 'Pick one', buttons: ['Pizza', 'Sushi'] });
 * await chat.press('Pizza').assertReply(/pizza/i);
 * ```
 */
export class TestChat {
  /** The customer behind the chat. */
  readonly customer: Customer;

  readonly #bot: ObservedBot;
  readonly #failOnBotError: boolean;
  readonly #actions: ChatActions;
  readonly #lateSends: LateSends | undefined;
  /** Chains of steps started and not yet seen taken up by the test. */
  readonly #chains: StepChain[] = [];
  /** What the customer did, by the id of the message it became: late sends name it. */
  readonly #actionsById = new Map<string, string>();
  #latest: Step | undefined;
  #tail: Promise<unknown> = Promise.resolve();
  /** Actions started and not yet finished. */
  #running = 0;

  /** @internal Chats come from `testBot.chat()`. */
  constructor(customer: Customer, bot: ObservedBot, options: TestChatSettings) {
    this.customer = customer;
    this.#bot = bot;
    this.#failOnBotError = options.failOnBotError;
    this.#lateSends = options.lateSends;
    this.#actions = {
      send: (text, chain) =>
        this.#act(`wrote ${JSON.stringify(text)}`, () => customer.write(text), chain),
      press: (title, chain) =>
        this.#act(`pressed ${JSON.stringify(title)}`, () => customer.press(title), chain),
      sendFile: (file, options, chain) =>
        this.#act(
          `sent the file ${'path' in file ? file.path : file.name}`,
          () => customer.sendFile(file, options),
          chain,
        ),
      sendLocation: (location, chain) =>
        this.#act(
          `shared the location ${location?.latitude}, ${location?.longitude}`,
          () => customer.sendLocation(location),
          chain,
        ),
    };
  }

  /** A new chain of steps, as the test wrote its first. */
  #chain(written: string): StepChain {
    const chain = new StepChain(written);
    this.#chains.push(chain);
    return chain;
  }

  /** The conversation's id in the API. */
  get conversationId(): number {
    return this.customer.conversationId;
  }

  /** The customer writes `text`; await it, or chain assertions on it. */
  send(text: string): TestFlow {
    const chain = this.#chain(writtenAction('send', quoted(text)));
    return new TestFlow(this.#actions, this.#actions.send(text, chain), chain);
  }

  /**
   * The customer presses a button of the latest message with buttons: the title on WhatsApp
   * Business, the option's number on channels where buttons are a numbered list.
   */
  press(title: string): TestFlow {
    const chain = this.#chain(writtenAction('press', quoted(title)));
    return new TestFlow(this.#actions, this.#actions.press(title, chain), chain);
  }

  /** The customer sends a file (`{ path }` or `{ data, name }`), with an optional caption. */
  sendFile(file: CustomerFile, options?: { caption?: string }): TestFlow {
    const chain = this.#chain(writtenAction('sendFile', writtenFile(file)));
    return new TestFlow(this.#actions, this.#actions.sendFile(file, options, chain), chain);
  }

  /** The customer shares a location. */
  sendLocation(location: LocationRecord): TestFlow {
    const chain = this.#chain(writtenAction('sendLocation', writtenLocation(location)));
    return new TestFlow(this.#actions, this.#actions.sendLocation(location, chain), chain);
  }

  /**
   * The customer stays silent for a while: moves the conversation's clock forward by `'90s'`,
   * `'15m'`, `'25h'`, `'2d'` or a number of milliseconds. Later messages carry the later times,
   * and on WhatsApp Business the 24-hour window closes once 24 hours passed since the customer's
   * last message — free-form replies then end not delivered, templates still go through. Takes
   * effect at once, or after the actions still running when some were started without awaiting.
   *
   * ```ts
   * await chat.send('hi');
   * chat.advance('25h');
   * expect(chat.customer.window?.open).toBe(false); // free-form sends now fail with 131047
   * ```
   */
  advance(duration: Duration): this {
    const ms = durationMs(duration, 'chat.advance()');
    if (this.#running === 0) this.customer.advance(ms);
    else this.#tail = this.#tail.then(() => this.customer.advance(ms));
    return this;
  }

  /** The bot's replies to the customer's latest action, in order. */
  get replies(): readonly ChatMessage[] {
    return this.#latest?.replies ?? [];
  }

  /** The bot's last reply to the customer's latest action; throws, saying so, when there was none. */
  get lastReply(): ChatMessage {
    const latest = this.#latest;
    if (!latest) throw new Error('the customer has done nothing yet: send() something first');
    const reply = latest.replies[latest.replies.length - 1];
    if (!reply)
      throw new Error(`the bot sent nothing in reply to the customer who ${latest.action}`);
    return reply;
  }

  /** The whole conversation as the customer sees it, oldest first. */
  get transcript(): ChatMessage[] {
    return this.customer.messages();
  }

  /**
   * Runs actions one after another, even when a test starts several without awaiting — but each
   * must have been taken up (awaited, returned, given to `Promise.all`) by the time the next runs.
   */
  #act(action: string, write: () => Promise<WriteOutcome>, chain: StepChain): Promise<Step> {
    this.#running++;
    const run = this.#tail
      .then(() => {
        this.#checkAwaited(chain);
        this.#checkLate();
        return this.#run(action, write);
      })
      .finally(() => this.#running--);
    this.#tail = run.catch(() => undefined);
    return run;
  }

  /** Fails when a chain other than `current` was started earlier and never taken up. */
  #checkAwaited(current: StepChain): void {
    // Only chains started before this one: later ones may still be on their way to an `await`.
    const earlier = this.#chains.indexOf(current);
    if (earlier <= 0) return;
    const left: string[] = [];
    for (const chain of this.#chains.splice(0, earlier)) {
      if (chain.taken || chain.reported) continue;
      chain.reported = true;
      left.push(chain.label);
      // This error tells of it; its own outcome must not surface again as unhandled.
      chain.tip.catch(() => undefined);
    }
    if (left.length > 0) throw new StepNotAwaitedError(left, current.label);
  }

  /** Fails when the bot sent to this customer after one of its handlers had returned. */
  #checkLate(): void {
    const late = this.#lateSends?.take(this.conversationId)[0];
    if (late) throw this.#lateError(late.update);
  }

  #lateError(update: Update): LateSendError {
    const id = messageOf(update)?.external_id;
    return new LateSendError(id === undefined ? undefined : this.#actionsById.get(String(id)));
  }

  /**
   * For `tester.close()`: waits for the chains of steps the test never took up, and tells them.
   * @internal
   */
  async [UNAWAITED_STEPS](): Promise<UnawaitedSteps[]> {
    const left = this.#chains.filter((chain) => !chain.taken && !chain.reported);
    this.#chains.length = 0;
    const unawaited: UnawaitedSteps[] = [];
    for (const chain of left) {
      chain.reported = true;
      let failure: unknown;
      try {
        await chain.tip;
      } catch (error) {
        failure = error instanceof StepNotAwaitedError ? error.cause : error;
      }
      unawaited.push({ label: chain.label, failure });
    }
    return unawaited;
  }

  /**
   * For `tester.close()`: the error of a send the bot made to this customer after one of its
   * handlers had returned, if it did.
   * @internal
   */
  [LATE_SEND](): LateSendError | undefined {
    const late = this.#lateSends?.take(this.conversationId)[0];
    return late && this.#lateError(late.update);
  }

  async #run(action: string, write: () => Promise<WriteOutcome>): Promise<Step> {
    const errors: unknown[] = [];
    // Messages of this customer the bot finished (handled, or failed on), by id: a bot with a
    // durable inbox answers the webhook before it runs the update, so the step waits for this.
    const finished = new Set<string>();
    let wake: (() => void) | undefined;
    const finish = (update: Update | undefined) => {
      const id = update === undefined ? undefined : messageOf(update)?.external_id;
      if (id === undefined) return;
      finished.add(String(id));
      wake?.();
    };
    const onError = (info: ErrorInfo) => {
      const conversation = conversationOf(info.update);
      if (conversation === undefined || conversation === this.conversationId)
        errors.push(info.error);
      if (conversation === this.conversationId) finish(info.update);
    };
    const onHandled = (info: UpdateInfo) => {
      if (conversationOf(info.update) === this.conversationId) finish(info.update);
    };
    const { events } = this.#bot;
    events.on('error', onError);
    events.on('handled', onHandled);
    let outcome: WriteOutcome;
    try {
      outcome = await write();
      // With a durable inbox the answer came once the update was queued, not handled.
      if (outcome.delivered && this.#bot.state?.inbox !== undefined) {
        const id = String(outcome.message.id);
        while (!finished.has(id)) await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      events.off('error', onError);
      events.off('handled', onHandled);
    }
    this.#actionsById.set(String(outcome.message.id), action);
    const replies = this.customer
      .messages()
      .filter((message) => message.from === 'bot' && message.id > outcome.message.id);
    const step: Step = { action, replies, checked: 0 };
    this.#latest = step;
    if (errors.length > 0 && this.#failOnBotError) {
      throw new BotFailedError(action, errors, describeReplies(replies));
    }
    this.#checkLate();
    if (!outcome.delivered) {
      const why =
        outcome.outcome === 'no-target'
          ? 'no bot is connected to the sandbox'
          : `it answered ${outcome.status ?? `nothing (${outcome.error ?? 'no answer'})`} on each of ${outcome.attempts} attempts`;
      throw new WebhookNotTakenError(
        `the bot did not take the webhook after the customer ${action}: ${why}`,
      );
    }
    return step;
  }
}
