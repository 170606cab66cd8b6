import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { WindowClosedError } from '@pactbot/core';
import { redisState, type RedisState } from '@pactbot/session-redis';
import { startBot, type BotFixture } from '@pactbot/testkit/support/bot-fixture';
import { countHandled } from '@pactbot/testkit/support/handled';
import type { PactStub } from '@pactbot/testkit/support/pact-stub';
import { messageNew } from '@pactbot/testkit/support/webhooks';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A bot on the shared Redis state under `prefix`, talking to a stand-in of Pact of its own. */
async function botOn(prefix: string): Promise<{ fixture: BotFixture; state: RedisState }> {
  const state = redisState(inject('redisUrl'), { prefix, rateLimit: false });
  const fixture = await startBot({ state }, (bot) => bot.on('message', () => undefined));
  cleanups.push(async () => {
    await fixture.close();
    await state.close();
  });
  return { fixture, state };
}

/** A customer's message on WhatsApp Business, written at `at`. */
function wabaMessage(at: number) {
  return messageNew({
    channelType: 'whatsapp_business',
    conversationId: 7,
    writtenAt: new Date(at),
  });
}

describe('the window on a shared Redis state', () => {
  it('is known to every bot on it, and to a bot started after the others stopped', async () => {
    const prefix = `pactbot-test:${randomUUID()}:`;
    const a = await botOn(prefix);
    const writtenAt = Date.now() - HOUR;
    // With a durable inbox a webhook is answered before its update runs: wait for the handling.
    const handledByA = countHandled(a.fixture.bot);
    await a.fixture.post(wabaMessage(writtenAt));
    await handledByA.reach(1);
    const b = await botOn(prefix);
    const open = { open: true, closesAt: new Date(Math.floor(writtenAt / 1000) * 1000 + DAY) };

    // B never saw the conversation: its messenger and window come from the state, not from Pact.
    expect(await b.fixture.bot.window(7)).toEqual(open);
    await b.fixture.bot.send(7, 'From the other process');
    expect(b.fixture.sends().map((s) => s.body.message)).toEqual(['From the other process']);
    expect(b.fixture.stub.requests).toHaveLength(1);

    // An older message, delivered late to B, moves the window for neither.
    const handled = countHandled(a.fixture.bot, b.fixture.bot);
    await b.fixture.post(wabaMessage(writtenAt - 5 * HOUR));
    await handled.reach(1);
    expect(await a.fixture.bot.window(7)).toEqual(open);

    await a.fixture.close();
    await b.fixture.close();
    const c = await botOn(prefix);
    expect(await c.fixture.bot.window(7)).toEqual(open);
    expect(c.fixture.stub.requests).toEqual([]);
  });

  it('keeps a closed window known for a week, so Pact is not asked again', async () => {
    const prefix = `pactbot-test:${randomUUID()}:`;
    const a = await botOn(prefix);
    const writtenAt = Date.now() - 2 * DAY;
    const handledByA = countHandled(a.fixture.bot);
    await a.fixture.post(wabaMessage(writtenAt));
    await handledByA.reach(1);
    const b = await botOn(prefix);
    await expect(b.fixture.bot.send(7, 'Too late')).rejects.toBeInstanceOf(WindowClosedError);
    expect(b.fixture.stub.requests).toEqual([]);

    const redis = new Redis(inject('redisUrl'));
    cleanups.push(() => redis.quit());
    const [key] = await redis.keys(`${prefix}*waba-window:42:7*`);
    expect(key).toBeDefined();
    expect(await redis.get(key!)).toBe(String(Math.floor(writtenAt / 1000) * 1000));
    // A day to close, then seven: five left of them.
    const ttl = await redis.pttl(key!);
    expect(ttl).toBeGreaterThan(5 * DAY - HOUR);
    expect(ttl).toBeLessThanOrEqual(6 * DAY);
  });

  it('is read from Pact once when the state knows nothing, and then shared', async () => {
    const prefix = `pactbot-test:${randomUUID()}:`;
    const a = await botOn(prefix);
    const b = await botOn(prefix);
    const pact: PactStub = a.fixture.stub;
    const lastIncome = Math.floor((Date.now() - 3 * HOUR) / 1000);
    pact.route('GET', '/p1/companies/42/conversations/7', {
      body: {
        status: 'ok',
        data: {
          conversation: {
            external_id: 7,
            name: 'Ann',
            channel_id: 1,
            channel_type: 'whatsapp_business',
            created_at: '2025-06-01T10:00:00.000Z',
            sender_external_id: '79250000001',
            last_income_message_at: lastIncome,
          },
        },
      },
    });
    const open = { open: true, closesAt: new Date(lastIncome * 1000 + DAY) };
    expect(await a.fixture.bot.window(7)).toEqual(open);
    expect(pact.calls('GET', '/p1/companies/42/conversations/7')).toHaveLength(1);
    // B asks Pact for the messenger (it never saw the conversation), the window comes from the state.
    b.fixture.stub.route('GET', '/p1/companies/42/conversations/7', {
      body: {
        status: 'ok',
        data: {
          conversation: {
            external_id: 7,
            name: 'Ann',
            channel_id: 1,
            channel_type: 'whatsapp_business',
            created_at: '2025-06-01T10:00:00.000Z',
            sender_external_id: '79250000001',
            last_income_message_at: 0,
          },
        },
      },
    });
    expect(await b.fixture.bot.window(7)).toEqual(open);
  });
});
