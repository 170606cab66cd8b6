import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Bot, type Context } from '@pactbot/core';
import {
  BotFailedError,
  startTestBot,
  WebhookNotTakenError,
  type TestBot,
  type TestBotOptions,
} from '../src/index.js';
import { closeAfterTest } from './helpers.js';

async function testBot<C extends Context = Context>(
  setup: (bot: Bot<C>) => unknown,
  options?: TestBotOptions<C>,
): Promise<TestBot<C>> {
  return closeAfterTest(await startTestBot(setup, options));
}

function greeter(bot: Bot) {
  bot.hears('hi', async (ctx) => {
    await ctx.reply('Hello!');
    await ctx.buttons('How can I help?', ['Order', 'Track']);
  });
  bot.action('Order', (ctx) => ctx.reply('What would you like?'));
  bot.on('message:text', (ctx) => ctx.reply(`You said: ${ctx.text}`));
}

describe('a test chat', () => {
  it('knows the replies when send() resolves, in order', async () => {
    const tester = await testBot(greeter);
    const chat = tester.chat();
    const replies = await chat.send('hi');
    expect(replies.map((r) => r.text)).toEqual(['Hello!', 'How can I help?']);
    expect(chat.replies).toBe(replies);
    expect(chat.lastReply).toMatchObject({
      from: 'bot',
      buttons: ['Order', 'Track'],
      interactive: true,
    });
    expect(chat.transcript.map((m) => m.from)).toEqual(['customer', 'bot', 'bot']);
  });

  it('chains actions and assertions, BotBuilder style', async () => {
    const tester = await testBot(greeter);
    await tester
      .chat()
      .send('hi')
      .assertReply('Hello!')
      .assertReply({ text: /help/, buttons: ['Order', 'Track'] })
      .assertNoReply()
      .press('Order')
      .assertReply((reply) => expect(reply.text).toBe('What would you like?'))
      .send('pizza')
      .assertReply('You said: pizza');
  });

  it('runs actions one after another even when not awaited one by one', async () => {
    const tester = await testBot(greeter);
    const chat = tester.chat({ channel: 'telegram' });
    const flows = [chat.send('one'), chat.send('two'), chat.send('three')];
    const replies = await Promise.all(flows);
    expect(replies.map((r) => r[0]!.text)).toEqual([
      'You said: one',
      'You said: two',
      'You said: three',
    ]);
  });

  it('counts the parts of a long reply as replies, in order', async () => {
    const tester = await testBot((bot) =>
      bot.on('message', (ctx) => ctx.reply(`${'a'.repeat(4000)}\n\n${'b'.repeat(200)}`)),
    );
    const replies = await tester.chat({ channel: 'whatsapp' }).send('long, please');
    expect(replies.map((r) => r.text.length)).toEqual([4000, 200]);
  });

  it('presses numbered options on text channels by sending their number', async () => {
    const tester = await testBot(greeter);
    const chat = tester.chat({ channel: 'viber' });
    await chat.send('hi');
    expect(chat.lastReply).toMatchObject({
      text: 'How can I help?\n\n1. Order\n2. Track',
      buttons: ['Order', 'Track'],
      interactive: false,
    });
    await chat.press('order').assertReply('What would you like?');
    expect(chat.transcript.at(-2)).toMatchObject({ from: 'customer', text: '1' });
  });

  it('sends files from disk and shares locations', async () => {
    const seen: string[] = [];
    const tester = await testBot((bot) => {
      bot.on('message:attachments', (ctx) => void seen.push(`${ctx.attachments[0].file_name}`));
      bot.on('message:location', (ctx) => void seen.push(`${ctx.location.latitude}`));
    });
    const chat = tester.chat();
    const path = fileURLToPath(new URL('../src/page/favicon.svg', import.meta.url));
    await chat.sendFile({ path }, { caption: 'our logo' }).assertNoReply();
    await chat.sendLocation({ latitude: 1.5, longitude: 2.5 });
    expect(seen).toEqual(['favicon.svg', '1.5']);
    expect(chat.transcript[0]).toMatchObject({
      text: 'our logo',
      attachments: [{ mimeType: 'image/svg+xml' }],
    });
  });

  it('builds the bot with createBot, for bots made by their own factory', async () => {
    const tester = await testBot(() => undefined, {
      createBot: (options) => {
        const bot = new Bot({ ...options, rateLimit: false });
        bot.on('message', (ctx) => ctx.reply('made by a factory'));
        return bot;
      },
    });
    await tester.chat().send('hi').assertReply('made by a factory');
  });
});

describe('the API version of a test bot', () => {
  it('is 1 unless asked, for the sandbox and in the options the bot is made from', async () => {
    const seen: unknown[] = [];
    const tester = await testBot(() => undefined, {
      createBot: (options) => (seen.push(options.apiVersion), new Bot({ ...options })),
    });
    expect(tester.sandbox.apiVersion).toBe(1);
    expect(seen).toEqual([1]);
  });

  it('is set for both by apiVersion, or by sandbox.apiVersion, and passed in botOptions', async () => {
    for (const options of [{ apiVersion: 2 as const }, { sandbox: { apiVersion: 2 as const } }]) {
      const seen: unknown[] = [];
      const tester = await testBot(() => undefined, {
        ...options,
        createBot: (botOptions) => (seen.push(botOptions), new Bot({ ...botOptions })),
      });
      expect(tester.sandbox.apiVersion).toBe(2);
      expect(seen).toEqual([{ ...tester.sandbox.botOptions, apiVersion: 2 }]);
    }
  });

  it('must not be given two ways that disagree', async () => {
    await expect(
      startTestBot(undefined, { apiVersion: 2, sandbox: { apiVersion: 1 } }),
    ).rejects.toThrow('apiVersion 2 and sandbox.apiVersion 1 disagree; give one of them');
  });
});

describe('a failing test says what the bot sent', () => {
  async function failureOf(flow: PromiseLike<unknown>): Promise<Error> {
    return Promise.resolve(flow).then(
      () => {
        throw new Error('expected the flow to fail');
      },
      (error: unknown) => error as Error,
    );
  }

  it('for a reply that differs', async () => {
    const tester = await testBot(greeter);
    const error = await failureOf(tester.chat().send('hi').assertReply('Bye!'));
    expect(error.message).toBe(
      'reply 1 to the customer who wrote "hi" is not "Bye!": its text is "Hello!", expected "Bye!".\n' +
        'The bot sent 2 message(s) in reply:\n  1. "Hello!"\n  2. "How can I help?" + buttons [Order | Track]',
    );
    expect(error).toMatchObject({ actual: 'Hello!', expected: 'Bye!' });
  });

  it('for buttons that differ, and for a reply that never came', async () => {
    const tester = await testBot(greeter);
    const chat = tester.chat();
    const buttons = await failureOf(
      chat
        .send('hi')
        .assertReply('Hello!')
        .assertReply({ buttons: ['Order'] }),
    );
    expect(buttons.message).toMatch(
      /^reply 2 to the customer who wrote "hi" is not buttons \[Order\]: its buttons are \[Order \| Track\], expected \[Order\]\./,
    );
    const missing = await failureOf(
      chat.send('yo').assertReply('You said: yo').assertReply('and more'),
    );
    expect(missing.message).toBe(
      'expected reply 2 to the customer who wrote "yo" to be "and more", but there was no reply 2.\n' +
        'The bot sent 1 message(s) in reply:\n  1. "You said: yo"',
    );
    const extra = await failureOf(chat.send('hi').assertNoReply());
    expect(extra.message).toMatch(
      /^expected no reply to the customer who wrote "hi", but the bot sent more\./,
    );
  });

  it('for a bot that sent nothing', async () => {
    const tester = await testBot(() => undefined);
    const chat = tester.chat();
    await chat.send('hello?');
    expect(() => chat.lastReply).toThrow(
      'the bot sent nothing in reply to the customer who wrote "hello?"',
    );
    const error = await failureOf(chat.send('anyone?').assertReply(/./));
    expect(error.message).toContain('The bot sent nothing in reply.');
  });

  it('through catch and finally, as a promise would', async () => {
    const tester = await testBot(greeter);
    const steps: string[] = [];
    const caught = await tester
      .chat()
      .send('hi')
      .assertReply('Bye!')
      .catch((error: unknown) => (error as Error).message)
      .finally(() => steps.push('settled'));
    expect(caught).toMatch(/^reply 1 to the customer who wrote "hi" is not "Bye!"/);
    expect(steps).toEqual(['settled']);
  });

  it('for a button that is not there', async () => {
    const tester = await testBot(greeter);
    const chat = tester.chat();
    expect((await failureOf(chat.press('Order'))).message).toBe(
      'there is no button "Order" to press: the bot sent no buttons yet',
    );
    await chat.send('hi');
    expect((await failureOf(chat.press('Cancel'))).message).toBe(
      'there is no button "Cancel" to press; the latest buttons (under "How can I help?") are "Order", "Track"',
    );
  });

  it('for a handler that throws, unless told to let bot.catch answer', async () => {
    const failing = (bot: Bot) => {
      bot.catch((_error, ctx) => ctx.reply('Sorry, something broke.'));
      bot.on('message', async (ctx) => {
        await ctx.reply('Working on it…');
        throw new Error('the kitchen is closed');
      });
    };
    const strict = await testBot(failing);
    const error = await failureOf(strict.chat().send('pizza'));
    expect(error).toBeInstanceOf(BotFailedError);
    expect(error.message).toMatch(
      /^the bot failed after the customer wrote "pizza": the kitchen is closed\n/,
    );
    expect(error.message).toContain('  1. "Working on it…"');
    expect(error.cause).toEqual(new Error('the kitchen is closed'));

    const lenient = await testBot(failing, { failOnBotError: false });
    await lenient
      .chat()
      .send('pizza')
      .assertReply('Working on it…')
      .assertReply('Sorry, something broke.');
  });

  it('for a bot that never answers the webhook with 200', async () => {
    const tester = await testBot(
      (bot) =>
        bot.on('message', () => {
          throw new Error('down');
        }),
      {
        bot: { redeliverOnError: true },
        failOnBotError: false,
        sandbox: { redeliveryIntervalMs: 1 },
      },
    );
    const error = await failureOf(tester.chat().send('hi'));
    expect(error).toBeInstanceOf(WebhookNotTakenError);
    expect(error.message).toBe(
      'the bot did not take the webhook after the customer wrote "hi": it answered 503 on each of 10 attempts',
    );
  });
});
