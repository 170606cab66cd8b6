import { afterEach, describe, expect, it } from 'vitest';
import { RedisSessionStore, redisState, SessionConflictError } from '@pactbot/session-redis';
import { testPrefix, testRedis } from './redis.js';

const clients: Array<{ disconnect(): void }> = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.disconnect();
});

describe('two stores on one prefix', () => {
  it('keep their values apart by name, each fenced by the conversation locks', async () => {
    const redis = testRedis();
    clients.push(redis);
    const prefix = testPrefix();
    const sessions = new RedisSessionStore<{ n: number }>(redis, { prefix });
    const dialogs = new RedisSessionStore<{ step: string }>(redis, { prefix, name: 'dialog' });
    const key = '42:conversation:5';
    await sessions.set(key, { n: 1 });
    await dialogs.set(key, { step: 'name' });
    expect(await sessions.get(key)).toEqual({ n: 1 });
    expect(await dialogs.get(key)).toEqual({ step: 'name' });
    expect(await redis.get(`${prefix}{${key}}:dialog`)).toBe('{"step":"name"}');

    const state = redisState(redis, { prefix, rateLimit: false });
    const stale = await state.lock(key, { leaseMs: 5000 });
    const next = state.lock(key, { leaseMs: 5000 });
    await stale.release();
    const current = await next;
    await expect(dialogs.set(key, { step: 'late' }, { fence: stale.fence })).rejects.toThrow(
      SessionConflictError,
    );
    await current.release();
    await state.close();
  });

  it('refuses a name that cannot be the end of a key', () => {
    const redis = testRedis();
    clients.push(redis);
    expect(() => new RedisSessionStore(redis, { name: 'a:b' })).toThrow(
      'RedisSessionStore name must be 1–40 letters, digits, "-" or "_" (the last part of its keys), got "a:b"',
    );
  });
});
