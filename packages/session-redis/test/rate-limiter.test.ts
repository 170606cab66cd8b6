import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import type { RateLimitOptions } from '@pactbot/core';
import { redisState, type RedisState } from '@pactbot/session-redis';
import { testPrefix, testRedis } from './redis.js';

const states: RedisState[] = [];
const clients: Redis[] = [];
afterEach(async () => {
  await Promise.all(states.splice(0).map((s) => s.close()));
  for (const client of clients.splice(0)) client.disconnect();
});

/** Two states on two connections with one prefix stand for two bot processes. */
function twoProcesses(rateLimit: RateLimitOptions): {
  a: RedisState;
  b: RedisState;
  prefix: string;
} {
  const prefix = testPrefix();
  const a = redisState(testRedis(), { prefix, rateLimit });
  const b = redisState(testRedis(), { prefix, rateLimit });
  states.push(a, b);
  return { a, b, prefix };
}

function reader(): Redis {
  const client = testRedis();
  clients.push(client);
  return client;
}

/** The Redis server's clock in ms: the clock the limiter grants by. */
async function redisNow(redis: Redis): Promise<number> {
  const [seconds, micros] = await redis.time();
  return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
}

/** Every grant of a key, read from the limiter's own log in Redis: member → Redis time of the grant. */
async function collectGrants(redis: Redis, logKey: string, into: Map<string, number>) {
  const flat = await redis.zrange(logKey, 0, -1, 'WITHSCORES');
  for (let i = 0; i < flat.length; i += 2) into.set(flat[i]!, Number(flat[i + 1]));
}

function countIn(times: readonly number[], from: number, toExclusive: number): number {
  return times.filter((t) => t >= from && t < toExclusive).length;
}

const SMALL_V2: RateLimitOptions = {
  sends: 100,
  perMs: 1000,
  // Pact's "5 a second and 30 a minute", at a scale a test can watch.
  budgets: {
    'v2-send': [
      { sends: 3, perMs: 300 },
      { sends: 5, perMs: 1500 },
    ],
  },
};

describe('RedisRateLimiter with several windows', () => {
  it('keeps every window of a key within its sends across two processes, by the grants Redis recorded', async () => {
    const { a, b, prefix } = twoProcesses(SMALL_V2);
    const key = 'company:42:v2-send';
    const logKey = `${prefix}{rate:${key}}:log`;
    const redis = reader();
    const grants = new Map<string, number>();
    const perProcess = { a: 0, b: 0 };
    await Promise.all(
      Array.from({ length: 10 }, async (_, i) => {
        const name = i % 2 ? 'a' : 'b';
        await (name === 'a' ? a : b).rateLimiter!.acquire(key);
        perProcess[name]++;
        // Read right after the grant: the log keeps a grant for the longest window (1500 ms).
        await collectGrants(redis, logKey, grants);
      }),
    );
    const times = [...grants.values()].sort((x, y) => x - y);
    expect(times).toHaveLength(10);
    expect(perProcess.a).toBeGreaterThan(0);
    expect(perProcess.b).toBeGreaterThan(0);
    // Every 4th grant is at least 300 ms after the 1st before it, every 6th 1500 ms.
    for (let i = 0; i + 3 < times.length; i++)
      expect(times[i + 3]! - times[i]!).toBeGreaterThanOrEqual(300);
    for (let i = 0; i + 5 < times.length; i++)
      expect(times[i + 5]! - times[i]!).toBeGreaterThanOrEqual(1500);
    // And the budget is spent, not wasted: 3 in the first 300 ms, 5 in the first 1500 ms.
    const first = times[0]!;
    expect(countIn(times, first, first + 300)).toBe(3);
    expect(countIn(times, first, first + 1500)).toBe(5);
    expect(countIn(times, first + 1500, first + 1800)).toBe(3);
  });

  it('gives each class of a company its own windows: the default v2 conversation reads stop at 10', async () => {
    const { a, b } = twoProcesses({ sends: 5, perMs: 1000 });
    const key = 'company:7:v2-conversation-read';
    for (let i = 0; i < 10; i++) await (i % 2 ? a : b).rateLimiter!.acquire(key);
    // The 11th would wait most of a minute; give up long before.
    await expect(a.rateLimiter!.acquire(key, AbortSignal.timeout(300))).rejects.toThrow();
    // The v1 sending budget of the same company is untouched.
    await b.rateLimiter!.acquire('company:7');
  });

  it('pauses a key in every process after a 429, and only that key', async () => {
    const { a, b, prefix } = twoProcesses(SMALL_V2);
    const redis = reader();
    const pausedAt = await redisNow(redis);
    await a.rateLimiter!.pause('company:42:v2-send', 400);
    await Promise.all([
      b.rateLimiter!.acquire('company:42:v2-send'),
      b.rateLimiter!.acquire('company:42:v2-message-read'),
    ]);
    const sent = new Map<string, number>();
    const read = new Map<string, number>();
    await collectGrants(redis, `${prefix}{rate:company:42:v2-send}:log`, sent);
    await collectGrants(redis, `${prefix}{rate:company:42:v2-message-read}:log`, read);
    expect([...sent.values()][0]! - pausedAt).toBeGreaterThanOrEqual(400);
    expect([...read.values()][0]! - pausedAt).toBeLessThan(400);
  });
});
