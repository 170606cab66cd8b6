import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { session, type Context, type SessionFlavor } from '@pactbot/core';
import { RedisSessionStore, redisState, type RedisState } from '@pactbot/session-redis';
import { acceptSends, startBot, type BotFixture } from '@pactbot/testkit/support/bot-fixture';
import { deliverLikePact } from '@pactbot/testkit/support/deliver';
import { countHandled } from '@pactbot/testkit/support/handled';
import { startPactStub, type PactStub } from '@pactbot/testkit/support/pact-stub';
import { messageNew } from '@pactbot/testkit/support/webhooks';

type CounterContext = Context & SessionFlavor<{ count: number }>;

interface Cluster {
  stub: PactStub;
  bots: Array<BotFixture<CounterContext>>;
  states: RedisState[];
  clients: Redis[];
  prefix: string;
  handled: string[];
}

let cluster: Cluster | undefined;
afterEach(async () => {
  if (!cluster) return;
  await Promise.all(cluster.bots.map((b) => b.close()));
  await Promise.all(cluster.states.map((s) => s.close()));
  for (const c of cluster.clients) c.disconnect();
  await cluster.stub.close();
  cluster = undefined;
});

function client(): Redis {
  const redis = new Redis(inject('redisUrl'));
  redis.on('error', () => undefined);
  return redis;
}

/** Two bots — two "processes", each with its own Redis connection — on one Redis and one stand-in of Pact. */
async function startTwo(
  options: { rate?: { sends: number; perMs: number } } = {},
): Promise<Cluster & { grants: number[] }> {
  const stub = await startPactStub();
  acceptSends(stub);
  const prefix = `pactbot-test:${randomUUID()}:`;
  const handled: string[] = [];
  const grants: number[] = [];
  const states: RedisState[] = [];
  const clients: Redis[] = [];
  const bots: Array<BotFixture<CounterContext>> = [];
  for (let i = 0; i < 2; i++) {
    const redis = client();
    clients.push(redis);
    const state = redisState(redis, { prefix, rateLimit: options.rate ?? false });
    states.push(state);
    const limiter = state.rateLimiter;
    if (limiter) {
      // Records when the shared budget grants a send, in either process.
      const acquire = limiter.acquire.bind(limiter);
      limiter.acquire = async (key, signal) => {
        await acquire(key, signal);
        grants.push(Date.now());
      };
    }
    const store = new RedisSessionStore<{ count: number }>(redis, { prefix });
    bots.push(
      await startBot<CounterContext>(
        { state, rateLimit: false, webhookTimeoutMs: 60_000 },
        (bot) => {
          bot.use(session({ initial: () => ({ count: 0 }), store }));
          bot.on('message:text', async (ctx) => {
            await new Promise((r) => setTimeout(r, Math.random() * 3));
            ctx.session.count++;
            handled.push(ctx.text);
            await ctx.reply(`${ctx.session.count}`);
          });
        },
        { stub },
      ),
    );
  }
  return { stub, bots, states, clients, prefix, handled, grants };
}

async function sessionCount(c: Cluster, conversationId: number): Promise<number | undefined> {
  const json = await c.clients[0]!.get(`${c.prefix}{42:conversation:${conversationId}}:session`);
  return json === null ? undefined : (JSON.parse(json) as { count: number }).count;
}

describe('two bot processes on one Redis', () => {
  it('handle 200 updates of one conversation, each delivered to both at once, once each and in order', async () => {
    cluster = await startTwo();
    const [a, b] = cluster.bots;
    const handled = countHandled(a!.bot, b!.bot);
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => {
        const body = messageNew({ conversationId: 9, text: `u${i}` });
        return Promise.all([a!.post(body), b!.post(body)]);
      }),
    );
    // Each update is queued in the durable inbox once; both deliveries are answered 200 for it.
    expect(answers.flat().every((answer) => answer.status === 200)).toBe(true);
    await handled.reach(200);
    expect(cluster.handled).toHaveLength(200);
    expect(new Set(cluster.handled).size).toBe(200);
    expect(await sessionCount(cluster, 9)).toBe(200);
    const replies = cluster.stub.requests
      .filter((r) => r.method === 'POST')
      .map((r) => (r.json as { message: string }).message);
    expect(replies).toEqual(Array.from({ length: 200 }, (_, i) => String(i + 1)));
  });

  it('recover from a killed Redis connection without losing an update', async () => {
    cluster = await startTwo();
    const [a, b] = cluster.bots;
    const handled = countHandled(a!.bot, b!.bot);
    const admin = client();
    cluster.clients.push(admin);
    let cut = 0;
    for (const redis of cluster.clients) redis.on('close', () => cut++);
    const deliveries: Array<Promise<number[]>> = [];
    for (let i = 0; i < 100; i++) {
      const target = i % 2 ? a! : b!;
      deliveries.push(
        deliverLikePact(target.url, messageNew({ conversationId: 10 + (i % 5), text: `k${i}` })),
      );
      if (i === 40) {
        // Every connection of both bots (commands in flight included) is cut.
        await admin.client('KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
      }
      await new Promise((r) => setImmediate(r));
    }
    const statuses = await Promise.all(deliveries);
    expect(cut).toBeGreaterThanOrEqual(2);
    expect(statuses.every((s) => s.at(-1) === 200)).toBe(true);
    await handled.reach(100);
    expect(new Set(cluster.handled)).toEqual(
      new Set(Array.from({ length: 100 }, (_, i) => `k${i}`)),
    );
    const counts = await Promise.all([10, 11, 12, 13, 14].map((id) => sessionCount(cluster!, id)));
    expect(counts.reduce((sum, n) => sum! + (n ?? 0), 0)).toBe(cluster.handled.length);
  });

  it('share one sending budget', async () => {
    const two = await startTwo({ rate: { sends: 4, perMs: 400 } });
    cluster = two;
    const [a, b] = two.bots;
    const handled = countHandled(a!.bot, b!.bot);
    const startedAt = Date.now();
    await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        (i % 2 ? a! : b!).post(messageNew({ conversationId: 100 + i, text: `r${i}` })),
      ),
    );
    await handled.reach(16);
    expect(two.stub.requests.filter((r) => r.method === 'POST')).toHaveLength(16);
    const grants = two.grants.sort((x, y) => x - y);
    expect(grants).toHaveLength(16);
    // Across both processes no window of 400 ms holds a 5th grant (measured when each process learns
    // of its grant, a little after Redis gave it); 16 grants take three windows.
    for (let i = 4; i < grants.length; i++)
      expect(grants[i]! - grants[i - 4]!).toBeGreaterThanOrEqual(360);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(1195);
  });
});
