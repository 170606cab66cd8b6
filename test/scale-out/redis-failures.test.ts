import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { session, type Context, type SessionFlavor } from '@pactbot/core';
import { RedisSessionStore, redisState, type RedisState } from '@pactbot/session-redis';
import { acceptSends, startBot, type BotFixture } from '@pactbot/testkit/support/bot-fixture';
import { deliverLikePact } from '@pactbot/testkit/support/deliver';
import { countHandled } from '@pactbot/testkit/support/handled';
import { startPactStub, type PactStub } from '@pactbot/testkit/support/pact-stub';
import { TcpProxy } from '@pactbot/testkit/support/tcp-proxy';
import { messageNew } from '@pactbot/testkit/support/webhooks';

type CounterContext = Context & SessionFlavor<{ count: number; by: string }>;
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function redisUrl(): URL {
  return new URL(inject('redisUrl'));
}

describe('when Redis is unreachable', () => {
  it('answers 503 so Pact re-sends, reports it, and handles every update once Redis is back', async () => {
    const target = redisUrl();
    const proxy = await new TcpProxy({
      host: target.hostname,
      port: Number(target.port || 6379),
    }).start();
    cleanups.push(() => proxy.cut());
    const prefix = `pactbot-test:${randomUUID()}:`;
    const state = redisState(`redis://127.0.0.1:${proxy.port}`, { prefix, rateLimit: false });
    cleanups.push(() => state.close());
    const store = new RedisSessionStore<{ count: number; by: string }>(
      `redis://127.0.0.1:${proxy.port}`,
      { prefix },
    );
    cleanups.push(() => store.close());
    const handled: string[] = [];
    const reported: unknown[] = [];
    let outageSeen!: () => void;
    const outage = new Promise<void>((resolve) => (outageSeen = resolve));
    const fixture: BotFixture<CounterContext> = await startBot<CounterContext>({ state }, (bot) => {
      bot.use(session({ initial: () => ({ count: 0, by: '' }), store }));
      bot.on('message:text', (ctx) => {
        ctx.session.count++;
        handled.push(ctx.text);
      });
      bot.events.on('error', ({ error }) => {
        if (reported.push(error) >= 3) outageSeen();
      });
      bot.catch(() => undefined);
    });
    cleanups.push(() => fixture.close());
    const counter = countHandled(fixture.bot);

    expect((await fixture.post(messageNew({ conversationId: 1, text: 'before' }))).status).toBe(
      200,
    );
    await counter.reach(1);
    await proxy.cut();
    const during = Array.from({ length: 10 }, (_, i) =>
      deliverLikePact(
        fixture.url,
        messageNew({ conversationId: 1 + (i % 3), text: `during${i}` }),
        { attempts: 100, intervalMs: 100 },
      ),
    );
    // Pact keeps re-sending while Redis is away; the first answers are 503.
    await outage;
    await proxy.restore();
    const statuses = await Promise.all(during);
    expect(statuses.every((s) => s.at(-1) === 200)).toBe(true);
    expect(statuses.some((s) => s.includes(503))).toBe(true);
    await counter.reach(11);
    expect(reported.some((e) => (e as Error).name === 'StateUnavailableError')).toBe(true);
    expect(handled.slice(1).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `during${i}`).sort(),
    );
  });
});

describe('a holder that stalls past its lease', () => {
  it('loses the turn, cannot overwrite the session of the next holder, and its unfinished update runs there', async () => {
    const stub: PactStub = await startPactStub();
    acceptSends(stub);
    cleanups.push(() => stub.close());
    const prefix = `pactbot-test:${randomUUID()}:`;
    const leaseMs = 300;
    const child: ChildProcess = spawn(
      process.execPath,
      [
        '--conditions=pactbot-source',
        '--import',
        'tsx',
        new URL('./stall-child.ts', import.meta.url).pathname,
      ],
      {
        env: {
          ...process.env,
          PACT_URL: stub.url,
          REDIS_URL: inject('redisUrl'),
          PREFIX: prefix,
          LEASE_MS: String(leaseMs),
        },
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    cleanups.push(() => {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    });
    const events: Array<{ event: string; [k: string]: unknown }> = [];
    const waiters: Array<() => void> = [];
    createInterface({ input: child.stdout! }).on('line', (line) => {
      events.push(JSON.parse(line) as { event: string });
      for (const wake of waiters.splice(0)) wake();
    });
    const nextEvent = async (name: string) => {
      for (;;) {
        const found = events.find((e) => e.event === name);
        if (found) return found;
        await new Promise<void>((r) => waiters.push(r));
      }
    };
    const port = Number((await nextEvent('listening')).port);

    const redis = new Redis(inject('redisUrl'));
    cleanups.push(() => redis.disconnect());
    const state: RedisState = redisState(redis, { prefix, rateLimit: false });
    cleanups.push(() => state.close());
    const handled: string[] = [];
    const fixture = await startBot<CounterContext>(
      { state, leaseMs },
      (bot) => {
        bot.use(
          session({
            initial: () => ({ count: 0, by: '' }),
            store: new RedisSessionStore(redis, { prefix }),
          }),
        );
        bot.on('message:text', (ctx) => {
          ctx.session.count += 1;
          ctx.session.by = 'next';
          handled.push(ctx.text);
        });
      },
      { stub },
    );
    cleanups.push(() => fixture.close());
    const counter = countHandled(fixture.bot);

    const slow = deliverLikePact(
      `http://127.0.0.1:${port}/pact`,
      messageNew({ conversationId: 5, text: 'slow' }),
      { attempts: 1 },
    );
    // The holder waits for its cue from here on, so freezing it now stops its heartbeats mid-handler.
    await nextEvent('started');
    child.kill('SIGSTOP');
    // Queued behind the frozen holder's update, in the durable inbox: answered at once.
    expect((await fixture.post(messageNew({ conversationId: 5, text: 'next' }))).status).toBe(200);
    // The stalled holder's lease lapses; another process takes the line over and runs what the
    // holder had not finished, then what came after it.
    await counter.reach(2);
    expect(handled).toEqual(['slow', 'next']);
    child.kill('SIGCONT');
    child.stdin!.write('go on\n');
    expect(await nextEvent('lost')).toMatchObject({
      reason: 'the turn of 42:conversation:5 lapsed and passed to another holder',
    });
    const error = await nextEvent('error');
    expect(error).toMatchObject({ name: 'SessionConflictError' });
    expect(await slow).toEqual([200]);
    const stored = JSON.parse((await redis.get(`${prefix}{42:conversation:5}:session`))!) as {
      count: number;
      by: string;
    };
    expect(stored).toEqual({ count: 2, by: 'next' });
  });
});
