import { afterEach, describe, expect, it, vi } from 'vitest';
import { WindowClosedError, type Bot, type WabaWindow } from '@pactbot/core';
import {
  startTestBot,
  type ApiCallEvent,
  type ChatMessage,
  type Sandbox,
  type TestBot,
} from '@pactbot/sandbox';

const HOUR = 3_600_000;

const testers: TestBot[] = [];
afterEach(async () => {
  for (const tester of testers.splice(0)) await tester.close();
  vi.useRealTimers();
});

/** Moves the clock the bot and the sandbox share — and nothing else: timers and I/O keep real time. */
function later(ms: number): void {
  vi.setSystemTime(Date.now() + ms);
}

/** Every call the bot makes to the sandbox's API, as `METHOD path`. */
function apiCalls(sandbox: Sandbox): string[] {
  const calls: string[] = [];
  sandbox.events.on('api', (event: ApiCallEvent) => calls.push(`${event.method} ${event.path}`));
  return calls;
}

/** Resolves with a message of the conversation once the customer has it (delivered or read), or it failed. */
function settled(sandbox: Sandbox, conversationId: number, id: number): Promise<ChatMessage> {
  return new Promise((resolve) => {
    const check = () => {
      const customer = sandbox.customers().find((c) => c.conversationId === conversationId);
      const message = customer?.messages().find((m) => m.id === id);
      if (message && ['delivered', 'read', 'not delivered'].includes(message.status)) {
        sandbox.events.off('message', check);
        resolve(message);
      }
    };
    sandbox.events.on('message', check);
    check();
  });
}

/** An echo bot that notes the window each handler saw. */
function windowEcho(seen: Array<WabaWindow | undefined>) {
  return (bot: Bot) =>
    bot.on('message:text', (ctx) => {
      seen.push(ctx.window);
      return ctx.reply(`You said: ${ctx.text}`);
    });
}

describe.each([1, 2] as const)('the window against the sandbox, on API v%i', (apiVersion) => {
  it('opens with the customer, closes a day later (no free-form send reaches Pact), takes a template, and opens again with the answer', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const seen: Array<WabaWindow | undefined> = [];
    const tester = await startTestBot(windowEcho(seen), { apiVersion });
    testers.push(tester);
    const { bot, sandbox } = tester;
    const chat = tester.chat({ name: 'Ann' });
    await chat.send('hi').assertReply('You said: hi');
    // The message's time as Pact tells it: in whole seconds.
    const writtenAt = Math.floor(chat.transcript[0]!.sentAt.getTime() / 1000) * 1000;
    expect(seen).toEqual([{ open: true, closesAt: new Date(writtenAt + 24 * HOUR) }]);

    later(25 * HOUR);
    expect(chat.customer.window?.open).toBe(false);
    expect(await bot.window(chat.conversationId)).toEqual({
      open: false,
      closesAt: new Date(writtenAt + 24 * HOUR),
    });
    const calls = apiCalls(sandbox);
    await expect(bot.send(chat.conversationId, 'Still there?')).rejects.toBeInstanceOf(
      WindowClosedError,
    );
    expect(calls).toEqual([]);

    await bot.sendTemplate(chat.conversationId, 'appointment_reminder', {
      language: 'en',
      parameters: ['Ann', 'Monday', '10:00'],
    });
    const template = chat.transcript.at(-1)!;
    expect(await settled(sandbox, chat.conversationId, template.id)).toMatchObject({
      text: 'Appointment reminder\nHi Ann, see you on Monday at 10:00',
      template: {
        name: 'appointment_reminder',
        language: 'en',
        parameters: ['Ann', 'Monday', '10:00'],
      },
      failure: null,
    });
    // A template opens no window: the customer's answer does.
    expect((await bot.window(chat.conversationId))?.open).toBe(false);

    await chat.send('thanks').assertReply('You said: thanks');
    expect(chat.lastReply.status).not.toBe('not delivered');
    expect(seen.at(-1)?.open).toBe(true);
  });

  it('sends ctx.template in order with replies, in the language asked for', async () => {
    const tester = await startTestBot(
      (bot) =>
        bot.hears(/^track (.+)$/, async (ctx) => {
          await ctx.reply('One moment…');
          await ctx.template('order_update', {
            language: 'ru',
            parameters: [String(ctx.match[1])],
          });
          await ctx.reply('Anything else?');
        }),
      { apiVersion },
    );
    testers.push(tester);
    const chat = tester.chat();
    await chat
      .send('track #7')
      .assertReply('One moment…')
      .assertReply({ text: 'Ваш заказ #7 отправлен' })
      .assertReply('Anything else?');
    expect(chat.replies[1]!.template).toEqual({
      name: 'order_update',
      language: 'ru',
      parameters: ['#7'],
    });
  });

  it('writes first to a phone with bot.sendTemplate', async () => {
    const tester = await startTestBot((bot) => bot.on('message', () => undefined), {
      apiVersion,
    });
    testers.push(tester);
    // The company's WhatsApp Business channel is there once a customer wrote through it.
    await tester.chat().send('hello');
    const sent = await tester.bot.sendTemplate({ phone: '+7 900 555-01-23' }, 'welcome_back');
    const customer = tester.sandbox.customers().find((c) => c.senderId === '79005550123');
    expect(customer?.channel.type).toBe('whatsapp_business');
    expect(customer!.messages().map((m) => m.text)).toEqual([
      'Welcome back! Reply to this message to pick up where we left off.',
    ]);
    if (apiVersion === 2) expect(sent.conversationId).toBe(customer!.conversationId);
  });
});
