import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bot } from '@pactbot/core';
import { FaultyPact, seededRandom } from '../support/faulty-pact.js';
import { deliverLikePact } from '../support/deliver.js';
import { messageNew } from '../support/webhooks.js';

const SEED = Number(process.env.FAULT_SEED ?? 20261121);
const CONVERSATIONS = 50;
const MESSAGES_EACH = 20;

let pact: FaultyPact;
let bot: Bot;
let url: string;
const handled = new Map<string, number>();

beforeAll(async () => {
  pact = await new FaultyPact(seededRandom(SEED)).start();
  // A bad day: 429 on 30% of sends, 503 on 10%, connections reset on 5% (half of them after Pact
  // accepted the message, so only checking can tell).
  pact.faults = { rate429: 0.3, rate503: 0.1, resetBefore: 0.025, resetAfter: 0.025 };
  bot = new Bot({
    token: 'campaign',
    companyId: 42,
    apiUrl: pact.url,
    rateLimit: false,
    retry: { maxAttempts: 30, baseDelayMs: 2, maxDelayMs: 20, deadlineMs: 60_000 },
    webhookTimeoutMs: 30_000,
  });
  bot.on('message:text', async (ctx) => {
    handled.set(ctx.text, (handled.get(ctx.text) ?? 0) + 1);
    await ctx.reply(`re: ${ctx.text}`);
  });
  const server = await bot.listen({ port: 0, host: '127.0.0.1', path: '/pact' });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/pact`;
});

afterAll(async () => {
  await bot.stop({ timeoutMs: 2000 });
  await pact.close();
});

describe(`outbound campaign (seed ${SEED})`, () => {
  it('gets 1,000 replies across 50 conversations accepted exactly once and in order, each webhook delivered three times at once', async () => {
    await Promise.all(
      Array.from({ length: CONVERSATIONS }, async (_, c) => {
        const conversationId = 500 + c;
        for (let i = 0; i < MESSAGES_EACH; i++) {
          const text = `c${c}m${i}`;
          const written = pact.customerWrites(conversationId, text);
          const body = messageNew({ conversationId, text, externalId: written.external_id });
          const deliveries = await Promise.all([
            deliverLikePact(url, body),
            deliverLikePact(url, body),
            deliverLikePact(url, body),
          ]);
          expect(deliveries.every((statuses) => statuses.at(-1) === 200)).toBe(true);
        }
      }),
    );
    for (let c = 0; c < CONVERSATIONS; c++) {
      expect(pact.sentTo(500 + c)).toEqual(
        Array.from({ length: MESSAGES_EACH }, (_, i) => `re: c${c}m${i}`),
      );
    }
    expect(handled.size).toBe(CONVERSATIONS * MESSAGES_EACH);
    expect([...handled.values()].every((n) => n === 1)).toBe(true);
    // The day was as bad as announced.
    const { rate429, rate503, resetBefore, resetAfter } = pact.faultsInjected;
    expect(rate429).toBeGreaterThan(300);
    expect(rate503).toBeGreaterThan(80);
    expect(resetBefore).toBeGreaterThan(10);
    expect(resetAfter).toBeGreaterThan(10);
  });
});
