import { AssertionError } from 'node:assert';
import type { ChatMessage } from '../chat-view.js';
import type { CustomerFile } from '../customer.js';
import type { LocationRecord } from '../store/records.js';
import {
  describeExpectation,
  describeReplies,
  mismatchOf,
  type ReplyExpectation,
} from './expectations.js';

/** What a customer did in a test, and what the bot sent in reply. */
export interface Step {
  /** The customer's action, in words: `wrote "hi"`, `pressed "Pizza"`. */
  action: string;
  /** The bot's messages sent while handling it, in order. */
  replies: ChatMessage[];
  /** How many replies `assertReply` has checked so far. */
  checked: number;
}

/** The customer's actions a flow can chain; `TestChat` provides them. */
export interface ChatActions {
  send(text: string): Promise<Step>;
  press(title: string): Promise<Step>;
  sendFile(file: CustomerFile, options?: { caption?: string }): Promise<Step>;
  sendLocation(location: LocationRecord): Promise<Step>;
}

/**
 * A chain of a customer's actions and assertions on the bot's replies, in the style of
 * BotBuilder's `TestAdapter`:
 *
 * ```ts
 * await chat.send('hi').assertReply('Your name?').send('Ann').assertReply(/Nice to meet you, Ann/);
 * ```
 *
 * Every step waits for the bot: an action resolves once the bot's handler finished and its
 * replies were accepted. `assertReply` checks the next reply to the latest action, in order.
 * Awaiting a flow gives the replies to its latest action.
 */
export class TestFlow implements PromiseLike<readonly ChatMessage[]> {
  readonly #actions: ChatActions;
  readonly #step: Promise<Step | undefined>;

  /** @internal Flows come from `TestChat`. */
  constructor(actions: ChatActions, step: Promise<Step | undefined>) {
    this.#actions = actions;
    this.#step = step;
  }

  #then(next: (step: Step | undefined) => Step | Promise<Step>): TestFlow {
    return new TestFlow(this.#actions, this.#step.then(next));
  }

  /** The customer writes `text`. */
  send(text: string): TestFlow {
    return this.#then(() => this.#actions.send(text));
  }

  /** The customer presses a button of the latest message with buttons. */
  press(title: string): TestFlow {
    return this.#then(() => this.#actions.press(title));
  }

  /** The customer sends a file. */
  sendFile(file: CustomerFile, options?: { caption?: string }): TestFlow {
    return this.#then(() => this.#actions.sendFile(file, options));
  }

  /** The customer shares a location. */
  sendLocation(location: LocationRecord): TestFlow {
    return this.#then(() => this.#actions.sendLocation(location));
  }

  /** Checks the next reply to the latest action: its text, a RegExp, a shape, or a check function. */
  assertReply(expected: ReplyExpectation): TestFlow {
    return this.#then((step) => {
      if (!step)
        throw new Error(
          'assertReply() needs an action first: send, press, sendFile or sendLocation',
        );
      const index = step.checked;
      const reply = step.replies[index];
      const ordinal = `reply ${index + 1}`;
      if (!reply) {
        throw new AssertionError({
          message: `expected ${ordinal} to the customer who ${step.action} to be ${describeExpectation(expected)}, but there was no ${ordinal}.\n${describeReplies(step.replies)}`,
          actual: step.replies.length,
          expected: index + 1,
          operator: 'assertReply',
        });
      }
      const mismatch = mismatchOf(reply, expected);
      if (mismatch) {
        throw new AssertionError({
          message: `${ordinal} to the customer who ${step.action} is not ${describeExpectation(expected)}: ${mismatch.reason}.\n${describeReplies(step.replies)}`,
          actual: mismatch.actual,
          expected: mismatch.expected,
          operator: 'assertReply',
        });
      }
      step.checked++;
      return step;
    });
  }

  /** Checks that the bot sent nothing more in reply to the latest action. */
  assertNoReply(): TestFlow {
    return this.#then((step) => {
      if (!step)
        throw new Error(
          'assertNoReply() needs an action first: send, press, sendFile or sendLocation',
        );
      if (step.replies.length > step.checked) {
        throw new AssertionError({
          message: `expected no ${step.checked > 0 ? 'further ' : ''}reply to the customer who ${step.action}, but the bot sent more.\n${describeReplies(step.replies)}`,
          actual: step.replies.length,
          expected: step.checked,
          operator: 'assertNoReply',
        });
      }
      return step;
    });
  }

  /** Resolves with the replies to the latest action. */
  then<R1 = readonly ChatMessage[], R2 = never>(
    onFulfilled?: ((replies: readonly ChatMessage[]) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#step.then((step) => step?.replies ?? []).then(onFulfilled, onRejected);
  }

  /** Handles a failed action or assertion, as a Promise's `catch` does. */
  catch<R = never>(
    onRejected?: ((reason: unknown) => R | PromiseLike<R>) | null,
  ): Promise<readonly ChatMessage[] | R> {
    return this.then(undefined, onRejected);
  }

  /** Runs `onFinally` once the flow has passed or failed, as a Promise's `finally` does. */
  finally(onFinally?: (() => void) | null): Promise<readonly ChatMessage[]> {
    return this.then().finally(onFinally);
  }
}
