import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import {
  conversationKey,
  session,
  type Context,
  type InboxTurn,
  type SessionFlavor,
  type Update,
} from '@pactbot/core';
import { RedisSessionStore, redisState, SessionConflictError } from '@pactbot/session-redis';
import { startBot } from '@pactbot/testkit/support/bot-fixture';
import { FreezingProxy } from '@pactbot/testkit/support/freezing-proxy';
import { countHandled } from '@pactbot/testkit/support/handled';
import { startPactStub } from '@pactbot/testkit/support/pact-stub';
import { acceptSends } from '@pactbot/testkit/support/bot-fixture';
import { messageNew } from '@pactbot/testkit/support/webhooks';
import { eventually, testPrefix, testRedis } from './redis.js';

type Tally = { count: number; by: string };
type TallyContext = Context & SessionFlavor<Tally>;

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function client(url = inject('redisUrl')): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 2 });
  redis.on('error', () => undefined);
  cleanups.push(() => redis.disconnect());
  return redis;
}

describe('a session write staged on the turn', () => {
  it('is made by the completion, and refused there when the turn passed to a newer holder: the session stays the new holder’s', async () => {
    const redis = testRedis();
    cleanups.push(() => redis.disconnect());
    const prefix = testPrefix();
    // Two processes on one client: the same place, different holders.
    const first = redisState(redis, { prefix, rateLimit: false });
    const second = redisState(redis, { prefix, rateLimit: false });
    cleanups.push(
      () => first.close(),
      () => second.close(),
    );
    const store = new RedisSessionStore<Tally>(redis, { prefix });
    const line = conversationKey(42, 21);
    const sessionKey = `${prefix}{${line}}:session`;
    await store.set(line, { count: 5, by: 'before' });
    const update = messageNew({ conversationId: 21, text: 'x' }) as Update;
    const options = { leaseMs: 300, dedupTtlMs: 60_000, take: true };

    const admitted = await first.inbox!.admit({ id: 'u1', line, update }, options);
    expect(admitted.status).toBe('taken');
    const stale = (admitted as { turn: InboxTurn }).turn;
    expect(await store.get(line, { lock: stale })).toEqual({ count: 5, by: 'before' });
    await store.set(line, { count: 6, by: 'stale' }, { fence: stale.fence, lock: stale });
    // Staged, not written.
    expect(JSON.parse((await redis.get(sessionKey))!)).toEqual({ count: 5, by: 'before' });

    // The first holder stalls: nothing extends its turn, which lapses; the second takes it.
    await first.inbox!.close();
    await eventually(
      async () => (await redis.exists(`${prefix}{${line}}:owner`)) === 0,
      3000,
      'the stalled turn to lapse',
    );
    const current = await second.inbox!.take(line, { leaseMs: 5000, dedupTtlMs: 60_000 });
    expect(current?.entry.id).toBe('u1');
    expect(await store.get(line, { lock: current })).toEqual({ count: 5, by: 'before' });

    await expect(stale.complete()).rejects.toThrow(SessionConflictError);
    expect(JSON.parse((await redis.get(sessionKey))!)).toEqual({ count: 5, by: 'before' });
    expect(stale.lost.aborted).toBe(true);

    await store.set(line, { count: 6, by: 'current' }, { fence: current!.fence, lock: current });
    expect(await current!.complete()).toBeUndefined();
    expect(JSON.parse((await redis.get(sessionKey))!)).toEqual({ count: 6, by: 'current' });
    // Handled: a redelivery is a duplicate, and the line was let go.
    expect((await second.inbox!.admit({ id: 'u1', line, update }, options)).status).toBe(
      'duplicate',
    );
    expect(await redis.exists(`${prefix}{${line}}:owner`)).toBe(0);
  });

  it('of a handler that learns its turn lapsed is refused in the handler, as SessionConflictError', async () => {
    const prefix = testPrefix();
    const proxy = await new FreezingProxy({
      host: new URL(inject('redisUrl')).hostname,
      port: Number(new URL(inject('redisUrl')).port || 6379),
    }).start();
    cleanups.push(() => proxy.close());
    const stub = await startPactStub();
    acceptSends(stub);
    cleanups.push(() => stub.close());
    const leaseMs = 500;

    // The stalling process: its connection to Redis freezes while its handler waits.
    const frozenRedis = client(`redis://127.0.0.1:${proxy.port}`);
    const frozenState = redisState(frozenRedis, { prefix, rateLimit: false });
    let started!: () => void;
    const handlerStarted = new Promise<void>((resolve) => (started = resolve));
    let goOn!: () => void;
    const gate = new Promise<void>((resolve) => (goOn = resolve));
    const caught: unknown[] = [];
    const stalling = await startBot<TallyContext>(
      { state: frozenState, leaseMs },
      (bot) => {
        bot.use(
          session({
            initial: () => ({ count: 0, by: '' }),
            store: new RedisSessionStore(frozenRedis, { prefix }),
          }),
        );
        bot.on('message:text', async (ctx) => {
          started();
          await gate;
          ctx.session.count += 100;
          ctx.session.by = 'stalled';
        });
        bot.catch((error) => void caught.push(error));
      },
      { stub },
    );
    cleanups.push(
      () => stalling.close(),
      () => frozenState.close(),
    );

    // The process that takes the conversation over.
    const redis = client();
    const state = redisState(redis, { prefix, rateLimit: false });
    const store = new RedisSessionStore<Tally>(redis, { prefix });
    const next = await startBot<TallyContext>(
      { state, leaseMs },
      (bot) => {
        bot.use(session({ initial: () => ({ count: 0, by: '' }), store }));
        bot.on('message:text', (ctx) => {
          ctx.session.count += 1;
          ctx.session.by = 'next';
        });
      },
      { stub },
    );
    cleanups.push(
      () => next.close(),
      () => state.close(),
    );
    const handledNext = countHandled(next.bot);

    expect((await stalling.post(messageNew({ conversationId: 31, text: 'slow' }))).status).toBe(
      200,
    );
    await handlerStarted;
    proxy.freeze();
    await handledNext.reach(1);
    expect(await store.get(conversationKey(42, 31))).toEqual({ count: 1, by: 'next' });

    goOn();
    await eventually(() => Promise.resolve(caught.length > 0), 5000, 'the stalled handler’s error');
    expect(caught[0]).toBeInstanceOf(SessionConflictError);
    proxy.thaw();
    expect(await store.get(conversationKey(42, 31))).toEqual({ count: 1, by: 'next' });
  });

  it('of a handler that does not know its turn passed on is refused by the completion, reported on bot.events', async () => {
    const redis = client();
    const prefix = testPrefix();
    const state = redisState(redis, { prefix, rateLimit: false });
    const other = redisState(redis, { prefix, rateLimit: false });
    cleanups.push(
      () => state.close(),
      () => other.close(),
    );
    const store = new RedisSessionStore<Tally>(redis, { prefix });
    const line = conversationKey(42, 41);
    let taken: InboxTurn | undefined;
    const fixture = await startBot<TallyContext>({ state }, (bot) => {
      bot.use(session({ initial: () => ({ count: 0, by: '' }), store }));
      bot.on('message:text', async (ctx) => {
        ctx.session.count += 1;
        ctx.session.by = 'stale';
        // Meanwhile its lease lapsed unnoticed (a clock that jumped, say) and another process took
        // the conversation over.
        await redis.del(`${prefix}{${line}}:owner`);
        taken = await other.inbox!.take(line, { leaseMs: 5000, dedupTtlMs: 60_000 });
      });
    });
    cleanups.push(() => fixture.close());
    const errors: unknown[] = [];
    const handled = countHandled(fixture.bot);
    fixture.bot.events.on('error', ({ error }) => errors.push(error));

    await fixture.post(messageNew({ conversationId: 41, text: 'x' }));
    await eventually(() => Promise.resolve(errors.length > 0), 5000, 'the refusal');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(SessionConflictError);
    // Not handled here: the entry is the new holder's to run.
    expect(handled.count).toBe(0);
    expect(await store.get(line)).toBeUndefined();
    expect(taken?.entry.update).toMatchObject({ data: { conversation_id: 41 } });
    await taken!.complete();
  });
});
