import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  conversations,
  createConversation,
  MemorySessionStore,
  type Bot,
  type Context,
  type Conversation,
  type ConversationFlavor,
  type DialogEnd,
  type DialogState,
} from '@pactbot/core';
import { startTestBot, type TestBot } from '@pactbot/sandbox';

type C = Context & ConversationFlavor;
const testers: Array<TestBot<C>> = [];
afterEach(async () => {
  for (const tester of testers.splice(0)) await tester.close();
  vi.useRealTimers();
});

async function start(
  dialog: (conv: Conversation<C>, ctx: C) => Promise<unknown>,
  options: {
    store?: MemorySessionStore<DialogState>;
    expireAfterMs?: number;
    maxSteps?: number;
  } = {},
  extra?: (bot: Bot<C>) => void,
) {
  const ends: DialogEnd[] = [];
  const caught: unknown[] = [];
  const tester = await startTestBot<C>(
    (bot) => {
      bot.use(conversations({ ...options, onExit: (_ctx, end) => void ends.push(end) }));
      bot.use(createConversation(dialog, 'dialog'));
      bot.hears('go', (ctx) => ctx.conversation.enter('dialog'));
      extra?.(bot);
      bot.on('message:text', (ctx) => ctx.reply(`after: ${ctx.text}`));
      bot.catch((error) => void caught.push(error));
    },
    { failOnBotError: false },
  );
  testers.push(tester);
  return { tester, chat: tester.chat({ channel: 'telegram' }), ends, caught };
}

describe('how dialogs end', () => {
  it('ends a dialog that throws: the error reaches bot.catch, the customer is not stuck', async () => {
    const { chat, ends, caught } = await start(async (conv, ctx) => {
      await ctx.reply('say something');
      await conv.waitFor('message:text');
      throw new Error('broken step');
    });
    await chat.send('go').assertReply('say something');
    await chat.send('x');
    expect((caught[0] as Error).message).toBe('broken step');
    expect(ends.map((e) => e.reason)).toEqual(['threw']);
    await chat.send('y').assertReply('after: y');
  });

  it('ends a wait that timed out and passes the late message on', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { chat, ends } = await start(async (conv, ctx) => {
      await ctx.reply('quick, your code?');
      const code = await conv.waitFor('message:text', { timeoutMs: 60_000 });
      await code.reply(`got ${code.text}`);
    });
    await chat.send('go').assertReply('quick, your code?');
    vi.setSystemTime(Date.now() + 61_000);
    await chat.send('1234').assertReply('after: 1234');
    expect(ends.map((e) => e.reason)).toEqual(['timeout']);
  });

  it('ends a dialog idle past expireAfterMs', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { chat, ends } = await start(
      async (conv, ctx) => {
        await ctx.reply('and then?');
        await conv.wait();
        await ctx.reply('never');
      },
      { expireAfterMs: 3_600_000 },
    );
    await chat.send('go').assertReply('and then?');
    vi.setSystemTime(Date.now() + 2 * 3_600_000);
    await chat.send('hello').assertReply('after: hello');
    expect(ends.map((e) => e.reason)).toEqual(['expired']);
  });

  it('ends a dialog that takes more steps than maxSteps', async () => {
    const { chat, ends } = await start(
      async (conv, ctx) => {
        for (;;) {
          await ctx.reply('again');
          await conv.wait();
        }
      },
      { maxSteps: 5 },
    );
    await chat.send('go');
    await chat.send('1');
    await chat.send('2');
    await chat.send('3').assertReply('after: 3');
    expect(ends.map((e) => e.reason)).toEqual(['too-long']);
  });

  it('ends a dialog started by other code rather than replaying it into the wrong step', async () => {
    const store = new MemorySessionStore<DialogState>();
    const first = await start(
      async (conv, ctx) => {
        await ctx.reply('v1: name?');
        await conv.wait();
        await ctx.reply('v1: done');
      },
      { store },
    );
    await first.chat.send('go').assertReply('v1: name?');
    // The same conversation, the same stored record, new code under the same id.
    const record = store.get(`42:conversation:${first.chat.conversationId}`)!;
    const second = await start(
      async (conv, ctx) => {
        await ctx.reply('v2: age?');
        await conv.wait();
      },
      { store },
    );
    store.set(`42:conversation:${second.chat.conversationId}`, record);
    await second.chat.send('Ann').assertReply('after: Ann');
    expect(second.ends.map((e) => e.reason)).toEqual(['changed']);
  });
});

describe('waits', () => {
  it('hears, takes a press of given ids, runs otherwise for what does not match', async () => {
    const { chat } = await start(async (conv, ctx) => {
      await ctx.reply('yes or no?');
      const said = await conv.waitForHears(/^(yes|no)$/i, {
        otherwise: (c) => c.reply('yes or no, please'),
      });
      await ctx.buttons('sure?', [{ title: 'Sure', id: 'sure' }, 'Nope']);
      const pressed = await conv.waitForAction('sure', {
        otherwise: (c) => c.reply('press Sure'),
      });
      await pressed.reply(`${String(said.match?.[1])} + ${pressed.action.id}`);
    });
    await chat.send('go');
    await chat.send('maybe').assertReply('yes or no, please');
    await chat.send('Yes').assertReply({ text: /^sure\?/ });
    await chat.press('Nope').assertReply('press Sure');
    await chat.press('Sure').assertReply('Yes + sure');
  });

  it('does not feed a redelivered message to the dialog twice', async () => {
    const seen: string[] = [];
    const { tester, chat } = await start(async (conv, ctx) => {
      await ctx.reply('first?');
      const a = await conv.waitFor('message:text');
      seen.push(a.text);
      await a.reply('second?');
      const b = await conv.waitFor('message:text');
      seen.push(b.text);
      await b.reply('done');
    });
    await chat.send('go');
    await chat.send('one').assertReply('second?');
    // The same webhook again, as Pact re-sends one: the bot knows it, so it does not run again.
    const last = chat.customer
      .messages()
      .filter((m) => m.from === 'customer')
      .at(-1)!;
    const answer = await tester.bot.handleWebhook({
      type: 'message',
      event: 'new',
      data: {
        external_id: last.id,
        channel_id: 1,
        channel_type: 'telegram',
        conversation_id: chat.conversationId,
        message: 'one',
        income: true,
      },
    });
    expect(answer.status).toBe(200);
    await chat.send('two').assertReply('done');
    expect(seen).toEqual(['one', 'two']);
  });

  it('refuses steps of a dialog that ended', async () => {
    let kept: Conversation<C> | undefined;
    const { chat } = await start(async (conv, ctx) => {
      kept = conv;
      await ctx.reply('bye');
    });
    await chat.send('go').assertReply('bye');
    await expect(kept!.wait()).rejects.toMatchObject({ code: 'PACTBOT_NOT_IN_DIALOG' });
  });
});
