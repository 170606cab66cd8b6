import { Bot, type BotOptions, type Context } from '@pactbot/core';
import type { ChannelType } from '../channels.js';
import type { SandboxOptions } from '../options.js';
import { Sandbox, type SandboxBotOptions } from '../sandbox.js';
import { StepNotAwaitedError } from './bot-failure.js';
import { LateSends } from './late-sends.js';
import { LATE_SEND, TestChat, UNAWAITED_STEPS, type UnawaitedSteps } from './test-chat.js';

/** Options of {@link startTestBot}. */
export interface TestBotOptions<C extends Context = Context> {
  /**
   * More options of the `Bot` (the sandbox supplies token, company and API address). The rate
   * limit is off unless given, so tests do not wait on it.
   */
  bot?: Omit<BotOptions<C>, 'token' | 'companyId' | 'apiUrl' | 'client'> | undefined;
  /**
   * Builds the bot instead, from the sandbox's `{ token, companyId, apiUrl, apiVersion }`: for
   * bots made by your own factory.
   */
  createBot?: ((options: SandboxBotOptions) => Bot<C>) | undefined;
  /**
   * Options of the sandbox. By default it runs on a free port, delivering at once, retrying every
   * 20 ms, and without Pact's v2 rate limits (`rateLimits: true` to have them).
   */
  sandbox?: SandboxOptions | undefined;
  /**
   * Which of Pact's APIs the test speaks, the sandbox's webhooks and the bot alike (the bot gets
   * it through `sandbox.botOptions`). The same as `sandbox: { apiVersion }`. Default 1.
   */
  apiVersion?: 1 | 2 | undefined;
  /** The messenger of `chat()` when it names none. Default `whatsapp_business`. */
  channel?: ChannelType | undefined;
  /** Fail an action when the bot's handler throws on it. Default true; turn off to test `bot.catch`. */
  failOnBotError?: boolean | undefined;
}

/** Options of `testBot.chat()`. */
export interface TestChatOptions {
  /** The customer's messenger. Default: the test bot's `channel`. */
  channel?: ChannelType | undefined;
  /** The customer's name. */
  name?: string | undefined;
}

/** A bot under test, connected in-process to its own sandbox. */
export class TestBot<C extends Context = Context> {
  /** The bot. */
  readonly bot: Bot<C>;
  /** The sandbox it talks to. */
  readonly sandbox: Sandbox;

  readonly #disconnect: () => void;
  readonly #channel: ChannelType;
  readonly #failOnBotError: boolean;
  readonly #lateSends: LateSends;
  readonly #chats = new Set<TestChat>();

  /** @internal Test bots come from `startTestBot()`. */
  constructor(bot: Bot<C>, sandbox: Sandbox, options: TestBotOptions<C>) {
    this.bot = bot;
    this.sandbox = sandbox;
    this.#channel = options.channel ?? 'whatsapp_business';
    this.#failOnBotError = options.failOnBotError ?? true;
    this.#lateSends = new LateSends(bot.events);
    this.#disconnect = sandbox.connect(bot);
  }

  /** A new customer chatting with the bot. */
  chat(options: TestChatOptions = {}): TestChat {
    const customer = this.sandbox.newCustomer({
      channel: options.channel ?? this.#channel,
      name: options.name,
    });
    const chat = new TestChat(customer, this.bot, {
      failOnBotError: this.#failOnBotError,
      lateSends: this.#lateSends,
    });
    this.#chats.add(chat);
    return chat;
  }

  /**
   * Disconnects the bot, stops it (waiting for its handlers), and closes the sandbox. Fails,
   * once all is closed, when the test left a chat step not awaited — naming it
   * ({@link StepNotAwaitedError}; the step is waited for first, so it does not fail later on a
   * sandbox gone) — or when the bot sent after a handler had returned ({@link LateSendError}).
   */
  async close(): Promise<void> {
    const unawaited: UnawaitedSteps[] = [];
    let late: Error | undefined;
    try {
      for (const chat of this.#chats) unawaited.push(...(await chat[UNAWAITED_STEPS]()));
    } finally {
      this.#disconnect();
      await this.bot.stop({ timeoutMs: 5000 });
      for (const chat of this.#chats) late ??= chat[LATE_SEND]();
      this.#lateSends.close();
      await this.sandbox.close();
    }
    if (unawaited.length > 0) {
      throw new StepNotAwaitedError(
        unawaited.map((step) => step.label),
        undefined,
        unawaited.find((step) => step.failure !== undefined)?.failure,
      );
    }
    if (late) throw late;
  }
}

/**
 * Starts a sandbox in this process and a bot connected to it — webhooks reach the bot through
 * `bot.handleWebhook`, no port needed — then lets `setup` install its handlers:
 *
 * ```ts
 * const tester = await startTestBot((bot) => bot.hears('hi', (ctx) => ctx.reply('Your name?')));
 * const chat = tester.chat();
 * await chat.send('hi').assertReply('Your name?');
 * await tester.close();
 * ```
 */
export async function startTestBot<C extends Context = Context>(
  setup?: (bot: Bot<C>) => unknown,
  options: TestBotOptions<C> = {},
): Promise<TestBot<C>> {
  const apiVersion = options.apiVersion ?? options.sandbox?.apiVersion;
  if (
    options.apiVersion !== undefined &&
    options.sandbox?.apiVersion !== undefined &&
    options.apiVersion !== options.sandbox.apiVersion
  ) {
    throw new TypeError(
      `apiVersion ${options.apiVersion} and sandbox.apiVersion ${options.sandbox.apiVersion} disagree; give one of them`,
    );
  }
  const sandbox = await Sandbox.start({
    redeliveryIntervalMs: 20,
    rateLimits: false,
    ...options.sandbox,
    apiVersion,
    delivery: { sentMs: 0, deliveredMs: 0, readMs: 0, ...options.sandbox?.delivery },
  });
  try {
    const bot = options.createBot
      ? options.createBot(sandbox.botOptions)
      : new Bot<C>({ rateLimit: false, ...options.bot, ...sandbox.botOptions });
    await setup?.(bot);
    return new TestBot(bot, sandbox, options);
  } catch (error) {
    await sandbox.close();
    throw error;
  }
}
