import { afterEach, describe, expect, it } from 'vitest';
import { RedisSessionStore, redisState, SessionConflictError } from '@pactbot/session-redis';
import { eventually, monitorCommands, testPrefix, testRedis } from './redis.js';

const clients: Array<{ disconnect(): void }> = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.disconnect();
});

describe('RedisSessionStore', () => {
  it('stores JSON, loads in one round trip and saves in one, refreshing the time to live', async () => {
    const redis = testRedis();
    clients.push(redis);
    const prefix = testPrefix();
    const store = new RedisSessionStore<{ step: number; name?: string }>(redis, {
      prefix,
      ttlMs: 60_000,
    });
    const monitor = await monitorCommands(prefix);
    expect(await store.get('42:conversation:1')).toBeUndefined();
    await store.set('42:conversation:1', { step: 2, name: 'Ann' });
    expect(await store.get('42:conversation:1')).toEqual({ step: 2, name: 'Ann' });
    await eventually(
      () => Promise.resolve(monitor.commands.length >= 3),
      2000,
      'the monitor to see three commands',
    );
    await monitor.stop();
    expect(monitor.commands.map((c) => c[0]!.toLowerCase())).toEqual(['get', 'set', 'get']);
    const ttl = await redis.pttl(`${prefix}{42:conversation:1}:session`);
    expect(ttl).toBeGreaterThan(55_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    await store.delete('42:conversation:1');
    expect(await store.get('42:conversation:1')).toBeUndefined();
  });

  it('refuses a write whose conversation lock has passed to a newer holder', async () => {
    const redis = testRedis();
    clients.push(redis);
    const prefix = testPrefix();
    const state = redisState(redis, { prefix, rateLimit: false });
    const store = new RedisSessionStore<{ n: number }>(redis, { prefix });
    const key = '42:conversation:7';
    const first = await state.lock(key, { leaseMs: 5000 });
    const secondTurn = state.lock(key, { leaseMs: 5000 });
    await first.release();
    const second = await secondTurn;
    expect(second.fence.token).toBeGreaterThan(first.fence.token);
    await store.set(key, { n: 2 }, { fence: second.fence });
    await expect(store.set(key, { n: 1 }, { fence: first.fence })).rejects.toThrow(
      SessionConflictError,
    );
    await expect(store.delete(key, { fence: first.fence })).rejects.toThrow(
      `session ${key} was not written: its conversation lock (token ${first.fence.token}) passed to a newer handler`,
    );
    expect(await store.get(key)).toEqual({ n: 2 });
    await second.release();
    await state.close();
  });

  it('accepts a redis:// URL and reports a bad one clearly', () => {
    expect(() => new RedisSessionStore('http://localhost:6379')).toThrow(
      'Redis URL must start with redis:// or rediss://, got http://',
    );
    expect(() => new RedisSessionStore({} as never)).toThrow(
      'expected an ioredis client (Redis or Cluster) or a redis:// URL',
    );
  });
});
