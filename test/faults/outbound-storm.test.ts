import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bot } from '@pactbot/core';
import { FaultyPact, seededRandom } from '@pactbot/testkit/support/faulty-pact';
import { deliverLikePact } from '@pactbot/testkit/support/deliver';
import { messageNew } from '@pactbot/testkit/support/webhooks';

const SEED = Number(process.env.FAULT_SEED ?? 20261121);
const CONVERSATIONS = 50;
const MESSAGES_EACH = 20;

let pact: FaultyPact;
let bot: Bot;
let url: string;
const handled = new Map<string, number>();
/** Replies whose send failed for good, by the text they answered. */
const failed = new Map<string, unknown>();
let apiErrors = 0;

beforeAll(async () => {
  pact = await new FaultyPact(seededRandom(SEED)).start();
  // A bad day: 429 on 30% of sends, 503 on 10%, connections reset on 5% after the request was
  // written (half of them after Pact accepted the message): those Pact may have taken, so they are
  // reported and never sent again.
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
    await ctx.reply(`re: ${ctx.text}`).catch((error: unknown) => {
      failed.set(ctx.text, error);
    });
  });
  bot.events.on('api:error', () => apiErrors++);
  const server = await bot.listen({ port: 0, host: '127.0.0.1', path: '/pact' });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/pact`;
});

afterAll(async () => {
  await bot.stop({ timeoutMs: 2000 });
  await pact.close();
});

describe(`outbound campaign (seed ${SEED})`, () => {
  it('sends 1,000 replies across 50 conversations at most once and in order, each webhook delivered three times at once, and reports every reply it could not be sure of', async () => {
    await Promise.all(
      Array.from({ length: CONVERSATIONS }, async (_, c) => {
        const conversationId = 500 + c;
        for (let i = 0; i < MESSAGES_EACH; i++) {
          const text = `c${c}m${i}`;
          const written = pact.customerWrites(conversationId, text);
          const body = messageNew({ conversationId, text, externalId: written.external_id });
          // Deliveries that arrive while the first is handled get 503 and come back, as Pact's
          // would (every 60 s, ten times; scaled down here).
          const like = { attempts: 100, intervalMs: 50 };
          const deliveries = await Promise.all([
            deliverLikePact(url, body, like),
            deliverLikePact(url, body, like),
            deliverLikePact(url, body, like),
          ]);
          expect(deliveries.every((statuses) => statuses.at(-1) === 200)).toBe(true);
        }
      }),
    );
    const { rate429, rate503, resetBefore, resetAfter } = pact.faultsInjected;
    for (let c = 0; c < CONVERSATIONS; c++) {
      const replies = Array.from({ length: MESSAGES_EACH }, (_, i) => `c${c}m${i}`);
      const sentHere = pact.sentTo(500 + c);
      // In the order asked for, none twice…
      const positions = sentHere.map((reply) => replies.indexOf(reply.slice('re: '.length)));
      expect(positions.every((at, k) => at >= 0 && (k === 0 || at > positions[k - 1]!))).toBe(true);
      // …and every reply not reported as failed is there.
      for (const text of replies) {
        if (!failed.has(text)) expect(sentHere).toContain(`re: ${text}`);
      }
    }
    const sent = Array.from({ length: CONVERSATIONS }, (_, c) => pact.sentTo(500 + c)).flat();
    expect(sent).toHaveLength(CONVERSATIONS * MESSAGES_EACH - resetBefore);
    // Every reset was reported to its handler and on bot.events: nothing was lost silently.
    expect(failed.size).toBe(resetBefore + resetAfter);
    expect(apiErrors).toBe(resetBefore + resetAfter);
    expect(handled.size).toBe(CONVERSATIONS * MESSAGES_EACH);
    expect([...handled.values()].every((n) => n === 1)).toBe(true);
    // The day was as bad as announced.
    expect(rate429).toBeGreaterThan(300);
    expect(rate503).toBeGreaterThan(80);
    expect(resetBefore).toBeGreaterThan(10);
    expect(resetAfter).toBeGreaterThan(10);
  });
});
