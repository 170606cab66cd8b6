import { afterEach, describe, expect, it, vi } from 'vitest';
import { WindowClosedError, type Context, type WabaWindow } from '@pactbot/core';
import { startBot, type BotFixture } from '@pactbot/testkit/support/bot-fixture';
import { webhooks } from '@pactbot/testkit/support/reference-webhooks';
import { messageNew } from '@pactbot/testkit/support/webhooks';
import { reference } from '../fixtures/reference-responses.js';
import { referenceV2 } from '@pactbot/testkit/support/reference-v2';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.parse('2025-06-02T12:00:00.000Z');

let fixture: BotFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
  vi.useRealTimers();
});

/** Freezes the bot's clock (and only it: timers and I/O run for real) at `at`. */
function clockAt(at: number): void {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(at);
}

/** A customer's message on WhatsApp Business, written at `at`. */
function wabaMessage(conversationId: number, at: number, text = 'hi') {
  return messageNew({
    channelType: 'whatsapp_business',
    conversationId,
    text,
    writtenAt: new Date(at),
  });
}

/** Calls to Pact other than sends of messages (which `fixture.sends()` lists). */
function otherCalls(stub: BotFixture['stub']) {
  return stub.requests.filter((r) => !/\/conversations\/\d+\/messages$/.test(r.path));
}

/** A v1 conversation as `conversations.get` answers it. */
function v1Conversation(id: number, channelType: string, lastIncome: number | null) {
  const { conversation } = reference.conversation.data;
  return {
    status: 'ok',
    data: {
      conversation: {
        ...conversation,
        external_id: id,
        channel_type: channelType,
        last_income_message_at: lastIncome,
      },
    },
  };
}

describe('the WhatsApp Business window', () => {
  it("opens with the customer's message, by the message's own time, and closes 24 hours later", async () => {
    clockAt(NOW);
    const seen: Array<WabaWindow | undefined> = [];
    fixture = await startBot({}, (bot) => bot.on('message', (ctx) => void seen.push(ctx.window)));
    const writtenAt = NOW - 60_000;
    await fixture.post(wabaMessage(7, writtenAt));
    const closesAt = new Date(writtenAt + DAY);
    expect(seen).toEqual([{ open: true, closesAt }]);

    vi.setSystemTime(writtenAt + DAY - 1);
    expect(await fixture.bot.window(7)).toEqual({ open: true, closesAt });
    vi.setSystemTime(writtenAt + DAY);
    expect(await fixture.bot.window(7)).toEqual({ open: false, closesAt });
    // All of it known from the webhook: Pact was not asked.
    expect(fixture.stub.requests).toEqual([]);
  });

  it('moves only forward: an older message arriving late neither extends nor shortens it', async () => {
    clockAt(NOW);
    fixture = await startBot({}, (bot) => bot.on('message', () => undefined));
    await fixture.post(wabaMessage(7, NOW - HOUR, 'newer'));
    await fixture.post(wabaMessage(7, NOW - 3 * HOUR, 'older, redelivered late'));
    expect(await fixture.bot.window(7)).toEqual({
      open: true,
      closesAt: new Date(NOW - HOUR + DAY),
    });
  });

  it('refuses ctx.reply, ctx.attach and ctx.buttons on a closed window before they reach Pact', async () => {
    clockAt(NOW);
    const refusals: unknown[] = [];
    let window: WabaWindow | undefined;
    fixture = await startBot({}, (bot) =>
      bot.on('message', async (ctx: Context) => {
        window = ctx.window;
        for (const send of [
          () => ctx.reply('Still there?'),
          () => ctx.attach('https://example.com/a.png'),
          () => ctx.buttons('Pick one', ['Yes', 'No']),
        ]) {
          await send().catch((error: unknown) => refusals.push(error));
        }
      }),
    );
    // Pact delivers a webhook an hour late: the message is 25 hours old, and so is the window.
    const writtenAt = NOW - 25 * HOUR;
    await fixture.post(wabaMessage(7, writtenAt));
    const closedAt = new Date(writtenAt + DAY);
    expect(window).toEqual({ open: false, closesAt: closedAt });
    expect(refusals).toHaveLength(3);
    for (const refusal of refusals) {
      expect(refusal).toBeInstanceOf(WindowClosedError);
      expect(refusal).toMatchObject({
        name: 'WindowClosedError',
        code: 'PACTBOT_WINDOW_CLOSED',
        conversationId: 7,
        closedAt,
      });
    }
    expect((refusals[0] as Error).message).toBe(
      "ctx.reply() refused: WhatsApp Business conversation 7 has its 24-hour window closed since 2025-06-02T11:00:00.000Z (24 hours after the customer's last message), and WhatsApp delivers only approved templates there; send one with ctx.template(name, { language, parameters }) or bot.sendTemplate(conversationId, name, …) — free-form messages go through again once the customer answers",
    );
    expect((refusals[1] as Error).message).toMatch(/^ctx\.attach\(\) refused: /);
    expect((refusals[2] as Error).message).toMatch(/^ctx\.buttons\(\) refused: /);
    expect(fixture.stub.requests).toEqual([]);
  });

  it('refuses bot.send on a closed window, and sends it once the customer writes again', async () => {
    clockAt(NOW);
    fixture = await startBot({}, (bot) => bot.on('message', () => undefined));
    await fixture.post(wabaMessage(7, NOW - HOUR));
    vi.setSystemTime(NOW + DAY);
    const refused = await fixture.bot.send(7, 'Your order shipped').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(WindowClosedError);
    expect(refused).toMatchObject({
      code: 'PACTBOT_WINDOW_CLOSED',
      conversationId: 7,
      closedAt: new Date(NOW - HOUR + DAY),
    });
    expect((refused as Error).message).toMatch(/^bot\.send\(\) refused: WhatsApp Business/);
    expect(fixture.stub.requests).toEqual([]);

    await fixture.post(wabaMessage(7, NOW + DAY, 'back'));
    const sent = await fixture.bot.send(7, { text: 'Your order shipped', send_to_crm: false });
    expect(sent.conversationId).toBe(7);
    expect(fixture.sends().map((s) => [s.conversationId, s.body])).toEqual([
      [7, { message: 'Your order shipped', send_to_crm: false }],
    ]);
  });

  it('lets a bot opt out: with waba.enforceWindow false, sends go to Pact and ctx.window still tells', async () => {
    clockAt(NOW);
    let window: WabaWindow | undefined;
    fixture = await startBot({ waba: { enforceWindow: false } }, (bot) =>
      bot.on('message', async (ctx) => {
        window = ctx.window;
        await ctx.reply('I know better');
      }),
    );
    await fixture.post(wabaMessage(7, NOW - 2 * DAY));
    expect(window).toEqual({ open: false, closesAt: new Date(NOW - DAY) });
    expect(fixture.sends().map((s) => s.body.message)).toEqual(['I know better']);
    await fixture.bot.send(7, 'Me too');
    expect(fixture.sends()).toHaveLength(2);
  });

  it('is undefined on other messengers, whose sends are never held', async () => {
    clockAt(NOW);
    const seen: unknown[] = [];
    fixture = await startBot({}, (bot) =>
      bot.on('message', async (ctx) => {
        seen.push(ctx.window);
        await ctx.reply('hello');
      }),
    );
    await fixture.post(
      messageNew({
        channelType: 'telegram',
        conversationId: 8,
        writtenAt: new Date(NOW - 3 * DAY),
      }),
    );
    expect(seen).toEqual([undefined]);
    expect(await fixture.bot.window(8)).toBeUndefined();
    await fixture.bot.send(8, 'days later');
    expect(fixture.sends().map((s) => s.body.message)).toEqual(['hello', 'days later']);
    expect(otherCalls(fixture.stub)).toEqual([]);
  });
});

describe('a window the bot has not seen', () => {
  it("is read from Pact once on v1: the conversation's last_income_message_at", async () => {
    clockAt(NOW);
    fixture = await startBot();
    fixture.stub.route('GET', '/p1/companies/42/conversations/77', {
      body: v1Conversation(77, 'whatsapp_business', (NOW - 2 * HOUR) / 1000),
    });
    await fixture.bot.send(77, 'hello again');
    await fixture.bot.send(77, 'and again');
    expect(await fixture.bot.window(77)).toEqual({
      open: true,
      closesAt: new Date(NOW - 2 * HOUR + DAY),
    });
    expect(fixture.sends().map((s) => s.body.message)).toEqual(['hello again', 'and again']);
    expect(otherCalls(fixture.stub).map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /p1/companies/42/conversations/77',
    ]);
  });

  it('is closed when Pact knows no message of the customer (last_income_message_at 0)', async () => {
    clockAt(NOW);
    fixture = await startBot();
    fixture.stub.route('GET', '/p1/companies/42/conversations/78', {
      body: v1Conversation(78, 'whatsapp_business', 0),
    });
    const refused = await fixture.bot.send(78, 'hello').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(WindowClosedError);
    expect(refused).toMatchObject({ conversationId: 78, closedAt: undefined });
    expect((refused as Error).message).toBe(
      'bot.send() refused: WhatsApp Business conversation 78 has no open 24-hour window: the customer has not written to it yet (as far as the bot and Pact know), and WhatsApp delivers only approved templates there; send one with ctx.template(name, { language, parameters }) or bot.sendTemplate(conversationId, name, …) — free-form messages go through again once the customer answers',
    );
    expect(fixture.sends()).toEqual([]);
  });

  it('on v2, is closed without reading messages when the latest message is a day old', async () => {
    clockAt(NOW);
    fixture = await startBot({ apiVersion: 2 });
    fixture.stub.route('GET', '/api/p2/conversations/90', {
      body: {
        conversation: {
          ...referenceV2.conversationGet.conversation,
          id: 90,
          provider: 'whatsapp_business',
          last_updated_at: new Date(NOW - 2 * DAY).toISOString(),
        },
      },
    });
    expect(await fixture.bot.window(90)).toEqual({ open: false, closesAt: new Date(NOW - DAY) });
    expect(fixture.stub.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /api/p2/conversations/90',
    ]);
  });

  it("on v2, reads the messages when the latest is recent: the window follows the customer's, not the bot's", async () => {
    clockAt(NOW);
    fixture = await startBot({ apiVersion: 2 });
    fixture.stub.route('GET', '/api/p2/conversations/91', {
      body: {
        conversation: {
          ...referenceV2.conversationGet.conversation,
          id: 91,
          provider: 'whatsapp_business',
          last_updated_at: new Date(NOW - 10 * 60_000).toISOString(),
        },
      },
    });
    const message = referenceV2.messageObject.message;
    fixture.stub.route('GET', '/api/p2/conversations/91/messages', {
      body: {
        messages: [
          {
            ...message,
            id: 1,
            conversation_id: 91,
            income: true,
            external_created_at: new Date(NOW - 30 * HOUR).toISOString(),
          },
          {
            ...message,
            id: 2,
            conversation_id: 91,
            income: true,
            external_created_at: new Date(NOW - 3 * HOUR).toISOString(),
          },
          {
            ...message,
            id: 3,
            conversation_id: 91,
            income: false,
            status: 'delivered',
            external_created_at: new Date(NOW - 10 * 60_000).toISOString(),
          },
        ],
        meta: { page: 1, entries_count: 3, per_page: 150 },
      },
    });
    expect(await fixture.bot.window(91)).toEqual({
      open: true,
      closesAt: new Date(NOW - 3 * HOUR + DAY),
    });
    expect(fixture.stub.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /api/p2/conversations/91',
      'GET /api/p2/conversations/91/messages',
    ]);
  });

  it('is asked of Pact only when a send needs it: a welcome on conversation:new goes through', async () => {
    clockAt(NOW);
    fixture = await startBot({}, (bot) => {
      bot.on('conversation:new', async (ctx) => {
        // Nobody knows this window yet: it reads closed, and the reply asks Pact first.
        expect(ctx.window).toEqual({ open: false, closesAt: undefined });
        if (ctx.conversationId === 79) await ctx.reply('Welcome!');
      });
    });
    const created = (id: number) => ({
      ...webhooks.conversationNew,
      data: {
        ...webhooks.conversationNew.data,
        external_id: id,
        channel_type: 'whatsapp_business',
      },
    });
    // The customer's first message made the conversation; Pact has it already.
    fixture.stub.route('GET', '/p1/companies/42/conversations/79', {
      body: v1Conversation(79, 'whatsapp_business', NOW / 1000 - 5),
    });
    await fixture.post(created(80));
    expect(fixture.stub.requests).toEqual([]);
    await fixture.post(created(79));
    expect(fixture.sends().map((s) => [s.conversationId, s.body.message])).toEqual([
      [79, 'Welcome!'],
    ]);
    expect(otherCalls(fixture.stub).map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /p1/companies/42/conversations/79',
    ]);
  });
});
