import { describe, expect, it } from 'vitest';
import type { Bot } from '@pactbot/core';
import { startTestBot, type ChatMessage, type Sandbox, type TestBot } from '../src/index.js';
import { closeAfterTest } from './helpers.js';

const DAY = 24 * 3_600_000;

function echo(bot: Bot) {
  bot.on('message:text', (ctx) => ctx.reply(`You said: ${ctx.text}`));
}

async function testBot(apiVersion: 1 | 2 = 1): Promise<TestBot> {
  return closeAfterTest(await startTestBot(echo, { apiVersion }));
}

/** Resolves with a message of the conversation once its delivery is settled (read, or not delivered). */
function settled(sandbox: Sandbox, conversationId: number, id: number): Promise<ChatMessage> {
  return new Promise((resolve) => {
    const check = () => {
      const [customer] = sandbox.customers().filter((c) => c.conversationId === conversationId);
      const message = customer?.messages().find((m) => m.id === id);
      if (message && (message.status === 'read' || message.status === 'not delivered')) {
        sandbox.events.off('message', check);
        resolve(message);
      }
    };
    sandbox.events.on('message', check);
    check();
  });
}

describe('chat.advance: the customer stays silent', () => {
  it('closes the WhatsApp Business window: a free-form send is not delivered, a template is, and the customer’s answer reopens it', async () => {
    const tester = await testBot();
    const chat = tester.chat({ name: 'Ann' });
    await chat.send('hi').assertReply('You said: hi');
    expect(chat.customer.window?.open).toBe(true);

    expect(chat.advance('25h')).toBe(chat);
    expect(chat.customer.window?.open).toBe(false);
    const { messages, channels } = tester.bot.api;
    const nudge = await messages.send(chat.conversationId, { message: 'Still there?' });
    const [, , late] = chat.transcript;
    expect(late).toMatchObject({ jobId: nudge.id, text: 'Still there?' });
    const refused = await settled(tester.sandbox, chat.conversationId, late!.id);
    expect(refused.status).toBe('not delivered');
    expect(refused.failure).toMatch(/^\(#131047\) Re-engagement message: More than 24 hours/);

    await channels.sendFirstMessage(chat.customer.channel.id, {
      phone: chat.customer.senderId,
      template: { id: 'order_update', language_code: 'en', parameters: ['#42'] },
    });
    const template = chat.transcript[3]!;
    expect(await settled(tester.sandbox, chat.conversationId, template.id)).toMatchObject({
      text: 'Your order #42 has shipped',
      status: 'read',
      failure: null,
      template: { name: 'order_update', language: 'en', parameters: ['#42'] },
    });
    expect(chat.customer.window?.open).toBe(false);

    await chat.send('thanks').assertReply({ text: 'You said: thanks' });
    expect(chat.lastReply.status).not.toBe('not delivered');
    expect(chat.customer.window?.open).toBe(true);
    expect(
      chat.transcript.map((m) => m.sentAt.getTime() - chat.transcript[0]!.sentAt.getTime()),
    ).toSatisfy((gaps: number[]) => gaps.slice(2).every((gap) => gap >= 25 * 3_600_000));
  });

  it('on API v2, a send outside the window ends in error with WhatsApp’s 131047', async () => {
    const tester = await testBot(2);
    const chat = tester.chat();
    await chat.send('hi').assertReply('You said: hi');
    chat.advance('2d');
    const sent = await tester.bot.api.v2.messages.send(chat.conversationId, { text: 'Hello?' });
    expect(await settled(tester.sandbox, chat.conversationId, sent.id)).toMatchObject({
      status: 'not delivered',
    });
    const read = await tester.bot.api.v2.messages.get(chat.conversationId, sent.id);
    expect(read).toMatchObject({
      status: 'error',
      details: {
        result: 'NOT DELIVERED',
        internal_reason: { errors: [expect.objectContaining({ code: 131047 })] },
      },
    });
  });

  it('waits for actions still running, and takes effect at once otherwise', async () => {
    const tester = await testBot();
    const chat = tester.chat({ channel: 'telegram' });
    const first = chat.send('one');
    chat.advance('2d');
    await first;
    await chat.send('two');
    const [one, , two] = chat.transcript;
    expect(two!.sentAt.getTime() - one!.sentAt.getTime()).toBeGreaterThanOrEqual(2 * DAY);
    expect(one!.sentAt.getTime()).toBeLessThan(Date.now() + 60_000);
    const before = chat.customer.now().getTime();
    chat.advance(90_000).advance('15m');
    expect(chat.customer.now().getTime() - before).toBeGreaterThanOrEqual(16.5 * 60_000);
    expect(chat.customer.window).toBeUndefined();
  });

  it('refuses what is no duration, saying what it takes', async () => {
    const tester = await testBot();
    const chat = tester.chat();
    expect(() => chat.advance('tomorrow' as never)).toThrow(
      `chat.advance() takes a duration such as '90s', '15m', '25h', '2d' or a number of milliseconds, from 0 to 3650 days (the clock only moves forward); got "tomorrow"`,
    );
    expect(() => chat.advance(-1000)).toThrow(/got -1000$/);
    expect(() => chat.advance('12 parsecs' as never)).toThrow(TypeError);
  });
});
