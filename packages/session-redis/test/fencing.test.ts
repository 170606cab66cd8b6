import { afterEach, describe, expect, it } from 'vitest';
import {
  Bot,
  conversationKey,
  session,
  type Context,
  type SessionFlavor,
  type SessionWriteOptions,
} from '@pactbot/core';
import { RedisSessionStore, redisState, SessionConflictError } from '@pactbot/session-redis';
import { testPrefix, testRedis } from './redis.js';

const clients: Array<{ disconnect(): void }> = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.disconnect();
});

describe('session fencing', () => {
  it('fences every write that carries a fence, whatever the key looks like', async () => {
    const redis = testRedis();
    clients.push(redis);
    const prefix = testPrefix();
    const state = redisState(redis, { prefix, rateLimit: false });
    const store = new RedisSessionStore<{ n: number }>(redis, { prefix });
    const line = conversationKey(42, 9);
    const stale = await state.lock(line, { leaseMs: 5000 });
    const nextTurn = state.lock(line, { leaseMs: 5000 });
    await stale.release();
    const current = await nextTurn;
    // A key spelt differently from the lock's used to turn fencing off without a word.
    await expect(store.set('42:conversation:09', { n: 1 }, { fence: stale.fence })).rejects.toThrow(
      SessionConflictError,
    );
    await store.set(line, { n: 2 }, { fence: current.fence });
    expect(await store.get(line)).toEqual({ n: 2 });
    await current.release();
    await state.close();
  });

  it('gives the session middleware the lock key of the conversation it keys', async () => {
    const redis = testRedis();
    clients.push(redis);
    const prefix = testPrefix();
    const writes: Array<{ key: string; fenced: string | undefined }> = [];
    class Recording extends RedisSessionStore<{ n: number }> {
      override set(key: string, value: { n: number }, options?: SessionWriteOptions) {
        writes.push({ key, fenced: options?.fence?.key });
        return super.set(key, value, options);
      }
    }
    const bot = new Bot<Context & SessionFlavor<{ n: number }>>({
      token: 't',
      companyId: 42,
      apiUrl: 'http://127.0.0.1:9',
      state: redisState(redis, { prefix, rateLimit: false }),
    });
    bot.use(session({ initial: () => ({ n: 0 }), store: new Recording(redis, { prefix }) }));
    bot.on('message', (ctx) => void ctx.session.n++);
    await bot.handleUpdate({
      type: 'message',
      event: 'new',
      data: {
        external_id: 1,
        channel_id: 1,
        channel_type: 'whatsapp',
        channel: { id: 1, type: 'whatsapp' },
        conversation_id: 9,
        message: 'hi',
        location: null,
        income: true,
        attachments: [],
      },
    });
    expect(writes).toEqual([{ key: conversationKey(42, 9), fenced: conversationKey(42, 9) }]);
    await bot.stop();
    await bot.state.close?.();
  });
});
