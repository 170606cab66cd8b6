import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PactArgumentError } from '@pactbot/core';
import {
  conversations,
  createConversation,
  MemorySessionStore,
  memoryState,
  session,
  Bot,
  type Context,
  type Conversation,
  type ConversationFlavor,
  type DialogEnd,
  type DialogState,
  type SessionFlavor,
} from '@pactbot/core';
import { Sandbox, startTestBot, TestChat, type TestBot } from '@pactbot/sandbox';

type MyContext = Context & ConversationFlavor & SessionFlavor<{ orders: number }>;

const testers: Array<TestBot<MyContext>> = [];
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const tester of testers.splice(0)) await tester.close();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  vi.useRealTimers();
});

/** Side effects outside the dialog's record, counted to see what runs again. */
const effects = { outside: 0, external: 0 };

async function order(conv: Conversation<MyContext>, ctx: MyContext) {
  effects.outside++;
  await ctx.reply('What is your name?');
  const answer = await conv.waitFor('message:text');
  const size = await conv.ask('Which size?', ['Small', 'Large']);
  const ticket = await conv.external(() => {
    effects.external++;
    return 1000 + effects.external;
  });
  ctx.session.orders++;
  await answer.reply(`Thanks ${answer.text}, one ${size.title} coming up (ticket ${ticket}).`);
}

function install(
  bot: Bot<MyContext>,
  store: MemorySessionStore<DialogState>,
  ends: DialogEnd[] = [],
) {
  bot.use(session({ initial: () => ({ orders: 0 }) }));
  bot.hears('help', (ctx) => ctx.reply('I take orders.'));
  bot.use(conversations({ store, onExit: (_ctx, end) => void ends.push(end) }));
  bot.hears(/^cancel$/i, async (ctx) => {
    await ctx.conversation.exit();
    await ctx.reply('Cancelled.');
  });
  bot.use(createConversation(order));
  bot.hears(/^order$/i, (ctx) => ctx.conversation.enter('order'));
  bot.on('message:text', (ctx) => ctx.reply(`(no dialog) ${ctx.text}`));
}

async function start(store = new MemorySessionStore<DialogState>(), ends: DialogEnd[] = []) {
  const tester = await startTestBot<MyContext>((bot) => install(bot, store, ends));
  testers.push(tester);
  return tester;
}

describe('a dialog written as plain async code', () => {
  it('asks, waits, takes a button press, records an external, and ends', async () => {
    const ends: DialogEnd[] = [];
    const tester = await start(undefined, ends);
    const chat = tester.chat({ channel: 'whatsapp_business' });
    await chat.send('order').assertReply('What is your name?');
    await chat.send('Ann').assertReply({ text: 'Which size?', buttons: ['Small', 'Large'] });
    await chat.press('Large').assertReply(/^Thanks Ann, one Large coming up \(ticket \d+\)\.$/);
    expect(ends).toEqual([
      { id: 'order', conversationId: chat.conversationId, reason: 'returned' },
    ]);
    await chat.send('hello').assertReply('(no dialog) hello');
  });

  it('presses numbered options on a text channel', async () => {
    const tester = await start();
    const chat = tester.chat({ channel: 'telegram' });
    await chat.send('order');
    await chat.send('Bo');
    await chat.press('Small').assertReply(/^Thanks Bo, one Small coming up/);
  });

  it('lets middleware before the dialogs run while one waits: help, and cancel', async () => {
    const ends: DialogEnd[] = [];
    const tester = await start(undefined, ends);
    const chat = tester.chat();
    await chat.send('order');
    await chat.send('help').assertReply('I take orders.');
    await chat.send('cancel').assertReply('Cancelled.');
    expect(ends.map((e) => e.reason)).toEqual(['exited']);
    await chat.send('Ann').assertReply('(no dialog) Ann');
  });

  it('runs two customers’ dialogs side by side', async () => {
    const tester = await start();
    const [a, b] = [tester.chat(), tester.chat()];
    await a.send('order');
    await b.send('order');
    await b.send('Bea');
    await a.send('Al');
    await a.press('Small').assertReply(/^Thanks Al, one Small/);
    await b.press('Large').assertReply(/^Thanks Bea, one Large/);
  });

  it('continues after a restart exactly where it was, sending nothing twice and running externals once', async () => {
    const store = new MemorySessionStore<DialogState>();
    // What outlives the process, as Redis would: the dialogs and the bot's state (button menus).
    const state = memoryState();
    const sandbox = await Sandbox.start({
      redeliveryIntervalMs: 20,
      delivery: { sentMs: 0, deliveredMs: 0, readMs: 0 },
    });
    cleanups.push(() => sandbox.close());
    const boot = () => {
      const bot = new Bot<MyContext>({ ...sandbox.botOptions, rateLimit: false, state });
      install(bot, store);
      const off = sandbox.connect(bot);
      cleanups.push(async () => {
        off();
        await bot.stop();
      });
      return { bot, off };
    };
    const first = boot();
    const customer = sandbox.newCustomer({ channel: 'telegram' });
    let chat = new TestChat(customer, first.bot, { failOnBotError: true });
    await chat.send('order').assertReply('What is your name?');
    await chat.send('Ann').assertReply(/^Which size\?/);
    // A deploy: the bot stops; a new one, on the same store, takes the conversation over.
    first.off();
    await first.bot.stop();
    effects.outside = 0;
    effects.external = 0;
    const second = boot();
    chat = new TestChat(customer, second.bot, { failOnBotError: true });
    await chat.press('Small').assertReply(/^Thanks Ann, one Small coming up \(ticket 1001\)\.$/);
    const fromBot = customer
      .messages()
      .filter((m) => m.from === 'bot')
      .map((m) => m.text);
    expect(fromBot.filter((t) => t === 'What is your name?')).toHaveLength(1);
    expect(fromBot.filter((t) => t?.startsWith('Which size?'))).toHaveLength(1);
    // The replay ran the function's own code again, but not what it recorded.
    expect(effects).toEqual({ outside: 1, external: 1 });
  });
});

describe('bad use of dialogs', () => {
  it('refuses an unknown dialog, a second dialog, and a function that is not async', async () => {
    const tester = await startTestBot<MyContext>(
      (bot) => {
        bot.use(conversations());
        bot.use(createConversation(order));
        bot.hears('two', async (ctx) => {
          await ctx.conversation.enter('order');
          await ctx.conversation.enter('order');
        });
        bot.hears('nope', (ctx) => ctx.conversation.enter('nope'));
      },
      { failOnBotError: false },
    );
    testers.push(tester);
    const errors: unknown[] = [];
    tester.bot.catch((error) => void errors.push(error));
    const chat = tester.chat();
    await chat.send('nope');
    await chat.send('two');
    expect(errors.map((e) => (e as PactArgumentError).code)).toEqual([
      'PACTBOT_UNKNOWN_DIALOG',
      'PACTBOT_DIALOG_ACTIVE',
    ]);
    expect(() => createConversation(() => Promise.resolve(), 'sync')).toThrow(
      'a dialog is an async function',
    );
  });
});
