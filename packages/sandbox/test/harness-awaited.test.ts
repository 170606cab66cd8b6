import { describe, expect, it } from 'vitest';
import { session, type Bot, type Context, type SessionFlavor } from '@pactbot/core';
import { LateSendError, startTestBot, StepNotAwaitedError, type TestBot } from '../src/index.js';

type Counted = Context & SessionFlavor<{ seen: number }>;

function greeter(bot: Bot): void {
  bot.hears('hi', (ctx) => ctx.reply('Hello!'));
  bot.on('message:text', (ctx) => ctx.reply(`You said: ${ctx.text}`));
}

/** Whether the test bot's bot was stopped and its sandbox closed: nothing left running. */
async function expectClosed(tester: TestBot<Counted> | TestBot): Promise<void> {
  expect((await tester.bot.handleWebhook({ type: 'message', event: 'new', data: {} })).status).toBe(
    503,
  );
  await expect(fetch(tester.sandbox.apiUrl)).rejects.toThrow();
}

describe('a chat step that was not awaited', () => {
  it('fails tester.close(), naming the step, once the step is done and everything closed', async () => {
    const tester = await startTestBot(greeter);
    const chat = tester.chat();
    void chat.send('hi'); // a forgotten await

    const error = await tester.close().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StepNotAwaitedError);
    expect((error as Error).message).toBe(
      "the step `chat.send('hi')` was not awaited; add await (a step not awaited passes whatever the bot does)",
    );
    expect((error as StepNotAwaitedError).steps).toEqual(["chat.send('hi')"]);
    // The step ran to its end before the sandbox closed: the bot answered it.
    expect(chat.lastReply.text).toBe('Hello!');
    await expectClosed(tester);
  });

  it('fails the next step, naming both', async () => {
    const tester = await startTestBot(greeter);
    try {
      const chat = tester.chat();
      void chat.send('hi').assertReply('Hello!');
      const error = await chat.send('menu').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(StepNotAwaitedError);
      expect(error).toHaveProperty(
        'message',
        "the step `chat.send('hi').assertReply('Hello!')` was not awaited before the next one, `chat.send('menu')`, ran; add await (a step not awaited passes whatever the bot does)",
      );
      // Named once: the steps after it run as usual.
      await chat.send('menu').assertReply('You said: menu');
    } finally {
      // Named once already: closing is clean.
      await tester.close();
    }
  });

  it('names a step that failed while nobody awaited it, with its failure', async () => {
    const tester = await startTestBot(greeter);
    const chat = tester.chat();
    void chat.send('hi').assertReply(/bye/).press('Order');
    const error = await tester.close().then(
      () => undefined,
      (e: unknown) => e as StepNotAwaitedError,
    );
    expect(error?.message).toMatch(
      /^the step `chat\.send\('hi'\)\.assertReply\(\/bye\/\)\.press\('Order'\)` was not awaited; add await \(a step not awaited passes whatever the bot does\) \(it failed meanwhile: reply 1 to the customer who wrote "hi" is not text matching \/bye\/: its text is "Hello!", expected to match \/bye\/\.\)$/,
    );
    expect(error?.cause).toMatchObject({ name: 'AssertionError' });
  });

  it('passes steps awaited together, or returned through Promise.all', async () => {
    const tester = await startTestBot(greeter);
    const chat = tester.chat({ channel: 'telegram' });
    const replies = await Promise.all([
      chat.send('one'),
      chat.send('two').assertReply('You said: two'),
    ]);
    expect(replies.map((r) => r[0]!.text)).toEqual(['You said: one', 'You said: two']);
    await chat.send('three').assertReply('You said: three');
    await chat.send('four').catch(() => undefined);
    await tester.close();
  });
});

describe('a send after its handler returned', () => {
  it('fails the next step, saying the session change made then is lost', async () => {
    let kept: Counted | undefined;
    const tester = await startTestBot<Counted>((bot) => {
      bot.use(session({ initial: () => ({ seen: 0 }) }));
      bot.on('message:text', async (ctx) => {
        kept = ctx;
        ctx.session.seen++;
        await ctx.reply(`seen ${ctx.session.seen}`);
      });
    });
    try {
      const chat = tester.chat();
      await chat.send('hi').assertReply('seen 1');
      // What the handler left behind runs after it returned: a change to the session, and a send.
      kept!.session.seen = 100;
      await kept!.reply('late');
      const error = await chat.send('again').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(LateSendError);
      expect(error).toHaveProperty(
        'message',
        'the bot sent to the customer after its handler for the customer who wrote "hi" had returned: a send neither awaited nor returned (add await, or return it). It may arrive after the replies to later messages, and changes to ctx.session made after the handler returned are lost.',
      );
      // The session kept what the handler had when it returned.
      await chat.send('once more').assertReply('seen 2');
    } finally {
      await tester.close();
    }
  });

  it('fails tester.close() when it came after the last step', async () => {
    let kept: Context | undefined;
    const tester = await startTestBot((bot) =>
      bot.on('message:text', async (ctx) => {
        kept = ctx;
        await ctx.reply('in time');
      }),
    );
    await tester.chat().send('hi').assertReply('in time');
    void kept!.reply('late');
    await expect(tester.close()).rejects.toBeInstanceOf(LateSendError);
  });
});
