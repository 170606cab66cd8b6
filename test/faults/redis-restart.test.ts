import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { session, type Context, type SessionFlavor } from '@pactbot/core';
import {
  RedisSessionStore,
  redisState,
  URL_CLIENT_OPTIONS,
  type RedisInput,
} from '@pactbot/session-redis';
import { acceptSends, startBot, type BotFixture } from '@pactbot/testkit/support/bot-fixture';
import { deliverLikePact } from '@pactbot/testkit/support/deliver';
import { FreezingProxy } from '@pactbot/testkit/support/freezing-proxy';
import { countHandled } from '@pactbot/testkit/support/handled';
import { deliverVia, type DeliveryAttempt } from '@pactbot/testkit/support/routed-delivery';
import { startPactStub, type PactStub } from '@pactbot/testkit/support/pact-stub';
import { TcpProxy } from '@pactbot/testkit/support/tcp-proxy';
import { messageNew } from '@pactbot/testkit/support/webhooks';

/**
 * Redis goes away while updates flow — restarted (connections reset, refused for a while) or
 * frozen (connections open, nothing answered) — under bots on the durable inbox with Redis
 * sessions. No update may be lost or run twice, and every session must count its updates.
 */

type CounterContext = Context & SessionFlavor<{ count: number }>;

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function redisTarget(): { host: string; port: number } {
  const url = new URL(inject('redisUrl'));
  return { host: url.hostname, port: Number(url.port || 6379) };
}

/** A bot on `redis` (state and sessions) that counts each conversation's updates and replies with the update's text. */
async function startCountingBot(
  stub: PactStub,
  redis: { state: RedisInput; sessions: RedisInput },
  prefix: string,
  leaseMs: number,
): Promise<BotFixture<CounterContext>> {
  const state = redisState(redis.state, { prefix, rateLimit: false });
  const store = new RedisSessionStore<{ count: number }>(redis.sessions, { prefix });
  const fixture = await startBot<CounterContext>(
    { state, leaseMs },
    (bot) => {
      bot.use(session({ initial: () => ({ count: 0 }), store }));
      bot.on('message:text', async (ctx) => {
        ctx.session.count++;
        await ctx.reply(ctx.text);
      });
      // Failures while Redis is away are expected and reported; what matters is the outcome.
      bot.catch(() => undefined);
      bot.events.on('error', () => undefined);
    },
    { stub },
  );
  cleanups.push(async () => {
    await fixture.close();
    await state.close();
    await store.close().catch(() => undefined);
  });
  return fixture;
}

/** Lost and duplicated updates by the replies Pact got (one per update), printed and answered. */
function tally(
  name: string,
  stub: PactStub,
  all: string[],
  extra = '',
): { lost: string[]; duplicated: string[] } {
  const counts = new Map<string, number>();
  for (const r of stub.requests) {
    if (r.method !== 'POST' || !/\/messages$/.test(r.path)) continue;
    const text = (r.json as { message: string }).message;
    counts.set(text, (counts.get(text) ?? 0) + 1);
  }
  const lost = all.filter((t) => !counts.has(t));
  const duplicated = all.filter((t) => (counts.get(t) ?? 0) > 1);
  console.log(
    `${name}: ${all.length} updates; lost ${lost.length}, duplicated ${duplicated.length}${extra}`,
  );
  return { lost, duplicated };
}

async function sessionCounts(
  prefix: string,
  conversations: number[],
): Promise<Array<number | undefined>> {
  const admin = new Redis(inject('redisUrl'));
  try {
    return await Promise.all(
      conversations.map(async (c) => {
        const json = await admin.get(`${prefix}{42:conversation:${c}}:session`);
        return json === null ? undefined : (JSON.parse(json) as { count: number }).count;
      }),
    );
  } finally {
    admin.disconnect();
  }
}

/** What `promise` resolves with, or undefined if it has not after `ms`. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>(
    (resolve) => (timer = setTimeout(() => resolve(undefined), ms)),
  );
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('Redis restarted while updates flow', () => {
  it('loses no update, runs none twice, and every session counts its updates', async () => {
    const proxy = await new TcpProxy(redisTarget()).start();
    cleanups.push(() => proxy.cut());
    const stub = await startPactStub();
    acceptSends(stub);
    cleanups.push(() => stub.close());
    const prefix = `pactbot-test:${randomUUID()}:`;
    // Clients made from a URL, with pactbot's own options; the lease outlasts the outage.
    const url = `redis://127.0.0.1:${proxy.port}`;
    const bots = [
      await startCountingBot(stub, { state: url, sessions: url }, prefix, 5000),
      await startCountingBot(stub, { state: url, sessions: url }, prefix, 5000),
    ];
    const handled = countHandled(...bots.map((b) => b.bot));

    const conversations = Array.from({ length: 20 }, (_, i) => 701 + i);
    const all: string[] = [];
    const deliveries: Array<Promise<DeliveryAttempt[]>> = [];
    let outage: Promise<void> | undefined;
    for (let i = 0; i < 20; i++) {
      for (const [k, conversation] of conversations.entries()) {
        const text = `c${conversation}-u${i}`;
        all.push(text);
        const route = { target: bots[(i + k) % 2]!.url };
        deliveries.push(
          deliverVia(route, messageNew({ conversationId: conversation, text }), {
            attempts: 100,
            intervalMs: 100,
          }),
        );
        // Pact's webhooks arrive over a few seconds, not all at once: Redis goes away mid-flow,
        // with updates handled, running, queued and arriving.
        await sleep(4);
        if (all.length === 150) {
          await handled.reach(100);
          outage = (async () => {
            await proxy.cut();
            // The outage itself: how long Redis is away is what this campaign is about.
            await sleep(1500);
            await proxy.restore();
          })();
        }
      }
    }
    expect(outage).toBeDefined();
    await outage;
    const restoredAt = performance.now();
    const attempts = await Promise.all(deliveries);
    await handled.reach(all.length, 25_000);
    const recoveredMs = performance.now() - restoredAt;

    const refused = attempts.flat().filter((a) => a.status !== 200).length;
    const slowest = Math.max(...attempts.flat().map((a) => a.ms));
    const { lost, duplicated } = tally(
      'Redis restarted for 1.5 s',
      stub,
      all,
      `; ${refused} answers other than 200 (re-sent), the slowest answer ${Math.round(slowest)} ms; ` +
        `all handled ${Math.round(recoveredMs)} ms after Redis came back`,
    );
    expect(attempts.every((d) => d.at(-1)!.status === 200)).toBe(true);
    // The outage was felt: some webhooks were answered 503 and re-sent.
    expect(refused).toBeGreaterThan(0);
    expect(lost).toEqual([]);
    expect(duplicated).toEqual([]);
    expect(await sessionCounts(prefix, conversations)).toEqual(conversations.map(() => 20));
  });
});

describe('Redis frozen (connections open, nothing answered)', () => {
  it('answers webhooks 503 within a few seconds, then handles them once Redis answers again', async () => {
    const proxy = await new FreezingProxy(redisTarget()).start();
    cleanups.push(() => proxy.close());
    const stub = await startPactStub();
    acceptSends(stub);
    cleanups.push(() => stub.close());
    const prefix = `pactbot-test:${randomUUID()}:`;
    // pactbot's URL options plus a command timeout. URL_CLIENT_OPTIONS has none yet, and without
    // one ioredis waits for an answer as long as the server keeps the connection open — and so
    // does the webhook (with these options alone, every webhook here hangs until the thaw).
    // Once URL_CLIENT_OPTIONS carries `commandTimeout`, this spread gives it unchanged.
    const redis = new Redis(`redis://127.0.0.1:${proxy.port}`, {
      ...URL_CLIENT_OPTIONS,
      commandTimeout: 1000,
    });
    redis.on('error', () => undefined);
    cleanups.push(() => redis.disconnect());
    const bot = await startCountingBot(stub, { state: redis, sessions: redis }, prefix, 3000);
    const handled = countHandled(bot.bot);
    const conversations = [801, 802, 803, 804, 805];
    const all: string[] = [];
    const body = (conversation: number, i: number) => {
      const text = `c${conversation}-u${i}`;
      return messageNew({
        conversationId: conversation,
        text,
        externalId: 900_000 + conversation * 10 + i,
      });
    };

    for (const conversation of conversations) {
      all.push(`c${conversation}-u0`);
      expect(await deliverLikePact(bot.url, body(conversation, 0), { attempts: 1 })).toEqual([200]);
    }
    await handled.reach(conversations.length);

    proxy.freeze();
    const during = conversations.flatMap((conversation) =>
      [1, 2].map((i) => {
        all.push(`c${conversation}-u${i}`);
        return deliverVia({ target: bot.url }, body(conversation, i), { attempts: 1 });
      }),
    );
    // Redis stays frozen until every one of these webhooks has had its answer.
    const answered = await within(Promise.all(during), 5000);
    expect(answered, 'webhooks hung for 5 s while Redis was frozen').toBeDefined();
    expect(answered!.flat().map((a) => a.status)).toEqual(during.map(() => 503));
    const slowest = Math.max(...answered!.flat().map((a) => a.ms));
    proxy.thaw();
    const thawedAt = performance.now();

    // Pact re-sends what got 503; once Redis answers, every update is queued and handled.
    const again = await Promise.all(
      conversations.flatMap((conversation) =>
        [1, 2].map((i) =>
          deliverLikePact(bot.url, body(conversation, i), { attempts: 50, intervalMs: 100 }),
        ),
      ),
    );
    expect(again.every((s) => s.at(-1) === 200)).toBe(true);
    await handled.reach(all.length, 20_000);
    const { lost, duplicated } = tally(
      'Redis frozen',
      stub,
      all,
      `; ${during.length} webhooks answered 503 while frozen, the slowest in ${Math.round(slowest)} ms; ` +
        `all handled ${Math.round(performance.now() - thawedAt)} ms after Redis answered again`,
    );
    expect(lost).toEqual([]);
    expect(duplicated).toEqual([]);
    expect(await sessionCounts(prefix, conversations)).toEqual(conversations.map(() => 3));
  });
});
