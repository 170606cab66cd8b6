import { AssertionError } from 'node:assert';
import type { ChatMessage } from '../chat-view.js';
import type { CustomerFile } from '../customer.js';
import type { LocationRecord } from '../store/records.js';
import { StepNotAwaitedError } from './bot-failure.js';
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

/**
 * The customer's actions a flow can chain; `TestChat` provides them. Each is told the chain it
 * belongs to, so it can tell a step of its own chain from one the test left behind.
 */
export interface ChatActions {
  send(text: string, chain: StepChain): Promise<Step>;
  press(title: string, chain: StepChain): Promise<Step>;
  sendFile(
    file: CustomerFile,
    options: { caption?: string } | undefined,
    chain: StepChain,
  ): Promise<Step>;
  sendLocation(location: LocationRecord, chain: StepChain): Promise<Step>;
}

/** A string as a test would write it: `'hi'`. */
export function quoted(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** How a test wrote an expectation: `'Hello'`, `/on its way/`, `{…}`, `(check)`. */
function written(expected: ReplyExpectation): string {
  if (typeof expected === 'string') return quoted(expected);
  if (expected instanceof RegExp) return String(expected);
  return typeof expected === 'function' ? '(check)' : '{…}';
}

/** How a test wrote a file: `{ path: 'menu.pdf' }`, `{ name: 'photo.jpg' }`. */
export function writtenFile(file: CustomerFile): string {
  return 'path' in file ? `{ path: ${quoted(file.path)} }` : `{ name: ${quoted(file.name)} }`;
}

/** How a test wrote a location. */
export function writtenLocation(location: LocationRecord): string {
  return `{ latitude: ${location?.latitude}, longitude: ${location?.longitude} }`;
}

/** How a test wrote the first step of a chain: `chat.send('hi')`. */
export function writtenAction(method: string, argument: string): string {
  return `chat.${method}(${argument})`;
}

/**
 * The steps a test started with one chat action and chained onto it, as one: how the test wrote
 * them, whether it took them up (awaited, returned, chained into `Promise.all` — anything that
 * calls `then`), and the promise of the last. A chain nobody took up passes whatever the bot
 * does, so the next step and `tester.close()` fail on it.
 * @internal
 */
export class StepChain {
  /** The chain as the test wrote it: `chat.send('hi').assertReply('Hello')`. */
  label: string;
  /** Whether the test took the chain up. */
  taken = false;
  /** Whether the next step named it already (so `tester.close()` does not name it again). */
  reported = false;
  /** The last step's outcome. */
  tip: Promise<unknown> = Promise.resolve();

  constructor(label: string) {
    this.label = label;
  }

  /**
   * The step's promise, failing with {@link StepNotAwaitedError} when it fails while nobody
   * took the chain up: its failure then surfaces as an unhandled rejection, and says why.
   */
  follow<T>(step: Promise<T>): Promise<T> {
    const followed = step.catch((error: unknown) => {
      if (this.taken || error instanceof StepNotAwaitedError) throw error;
      throw new StepNotAwaitedError([this.label], undefined, error);
    });
    this.tip = followed;
    return followed;
  }
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
  readonly #chain: StepChain;

  /** @internal Flows come from `TestChat`. */
  constructor(actions: ChatActions, step: Promise<Step | undefined>, chain?: StepChain) {
    this.#actions = actions;
    this.#chain = chain ?? new StepChain('chat');
    this.#step = this.#chain.follow(step);
  }

  #then(written: string, next: (step: Step | undefined) => Step | Promise<Step>): TestFlow {
    this.#chain.label += written;
    return new TestFlow(this.#actions, this.#step.then(next), this.#chain);
  }

  /** The customer writes `text`. */
  send(text: string): TestFlow {
    return this.#then(`.send(${quoted(text)})`, () => this.#actions.send(text, this.#chain));
  }

  /** The customer presses a button of the latest message with buttons. */
  press(title: string): TestFlow {
    return this.#then(`.press(${quoted(title)})`, () => this.#actions.press(title, this.#chain));
  }

  /** The customer sends a file. */
  sendFile(file: CustomerFile, options?: { caption?: string }): TestFlow {
    return this.#then(`.sendFile(${writtenFile(file)})`, () =>
      this.#actions.sendFile(file, options, this.#chain),
    );
  }

  /** The customer shares a location. */
  sendLocation(location: LocationRecord): TestFlow {
    return this.#then(`.sendLocation(${writtenLocation(location)})`, () =>
      this.#actions.sendLocation(location, this.#chain),
    );
  }

  /** Checks the next reply to the latest action: its text, a RegExp, a shape, or a check function. */
  assertReply(expected: ReplyExpectation): TestFlow {
    return this.#then(`.assertReply(${written(expected)})`, (step) => {
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
    return this.#then('.assertNoReply()', (step) => {
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
    this.#chain.taken = true;
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
