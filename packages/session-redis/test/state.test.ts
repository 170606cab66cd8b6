import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { StateUnavailableError, type ConversationLock } from '@pactbot/core';
import { redisState, type RedisState } from '@pactbot/session-redis';
import { eventually, monitorCommands, testPrefix, testRedis } from './redis.js';

const states: RedisState[] = [];
function twoProcesses(
  rateLimit: { sends: number; perMs: number } | false = false,
): [RedisState, RedisState] {
  const prefix = testPrefix();
  // Two states on two connections stand for two bot processes.
  const a = redisState(testRedis(), { prefix, rateLimit });
  const b = redisState(testRedis(), { prefix, rateLimit });
  states.push(a, b);
  return [a, b];
}
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await Promise.all(states.splice(0).map((s) => s.close()));
});

describe('claims', () => {
  it('lets one process claim an update; the other sees a duplicate until the claim is released', async () => {
    const [a, b] = twoProcesses();
    const options = { leaseMs: 5000, ttlMs: 60_000 };
    const claim = await a.claim('message:new:1', options);
    expect(claim).toBeDefined();
    expect(await b.claim('message:new:1', options)).toBeUndefined();
    await claim!.release();
    const again = await b.claim('message:new:1', options);
    expect(again).toBeDefined();
    await again!.complete();
    expect(await a.claim('message:new:1', options)).toBeUndefined();
  });

  it('lets a claim lapse when its holder vanished, so a redelivery is handled', async () => {
    const [a, b] = twoProcesses();
    expect(await a.claim('message:new:2', { leaseMs: 200, ttlMs: 60_000 })).toBeDefined();
    await a.close(); // the process is gone: nobody extends the lease
    await eventually(
      async () => (await b.claim('message:new:2', { leaseMs: 5000, ttlMs: 60_000 })) !== undefined,
      3000,
      'the lease to lapse',
    );
  });

  it('keeps extending a claim while its update is handled', async () => {
    const prefix = testPrefix();
    const a = redisState(testRedis(), { prefix, rateLimit: false });
    const b = redisState(testRedis(), { prefix, rateLimit: false });
    states.push(a, b);
    const monitor = await monitorCommands(`${prefix}claim:message:new:3`);
    const claim = await a.claim('message:new:3', { leaseMs: 150, ttlMs: 60_000 });
    // Four extensions, a third of a lease apart: more than a whole lease has passed since the claim.
    await eventually(
      () =>
        Promise.resolve(
          monitor.commands.filter((c) => c[0]!.toLowerCase() === 'evalsha').length >= 5,
        ),
      5000,
      'four extensions',
    );
    await monitor.stop();
    expect(await b.claim('message:new:3', { leaseMs: 150, ttlMs: 60_000 })).toBeUndefined();
    await claim!.complete();
  });
});

describe('conversation locks', () => {
  it('grants turns one at a time, in the order they were asked for across processes', async () => {
    const prefix = testPrefix();
    const a = redisState(testRedis(), { prefix, rateLimit: false });
    const b = redisState(testRedis(), { prefix, rateLimit: false });
    states.push(a, b);
    const redis = testRedis();
    const line = `${prefix}{42:conversation:1}:line`;
    const granted: number[] = [];
    let holding = 0;
    let released = 0;
    let overlap = false;
    const turns: Array<Promise<void>> = [];
    for (let i = 0; i < 40; i++) {
      const state = i % 2 === 0 ? a : b;
      turns.push(
        state.lock('42:conversation:1', { leaseMs: 5000 }).then(async (lock) => {
          if (++holding > 1) overlap = true;
          granted.push(i);
          await new Promise((r) => setTimeout(r, Math.random() * 3));
          holding--;
          await lock.release();
          released++;
        }),
      );
      // Ask in a strict order: the next request is made once this one has its place in the line
      // (every request so far is either in the line or done).
      await eventually(
        async () => (await redis.zcard(line)) + released === i + 1,
        2000,
        `request ${i} to reach Redis`,
      );
    }
    await Promise.all(turns);
    redis.disconnect();
    expect(overlap).toBe(false);
    expect(granted).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it('hands the turn on when a holder vanishes', async () => {
    const [a, b] = twoProcesses();
    const first = await a.lock('42:conversation:2', { leaseMs: 200 });
    await a.close(); // stops the heartbeat, as a crash would
    const second = await b.lock('42:conversation:2', { leaseMs: 5000 });
    expect(second.fence.token).toBeGreaterThan(first.fence.token);
    await second.release();
  });

  it('gives up its place when waiting is aborted, without stalling those behind it', async () => {
    const [a, b] = twoProcesses();
    const holder = await a.lock('42:conversation:3', { leaseMs: 5000 });
    const abort = new AbortController();
    const quitter = b.lock('42:conversation:3', { leaseMs: 5000, signal: abort.signal });
    const patient = a.lock('42:conversation:3', { leaseMs: 5000 });
    abort.abort(new Error('stopping'));
    await expect(quitter).rejects.toThrow('stopping');
    await holder.release();
    const next: ConversationLock = await patient;
    await next.release();
  });

  it('fails with StateUnavailableError when Redis is gone', async () => {
    const prefix = testPrefix();
    const redis = testRedis();
    const state = redisState(redis, { prefix, rateLimit: false });
    redis.disconnect();
    await expect(state.claim('x', { leaseMs: 100, ttlMs: 100 })).rejects.toThrow(
      StateUnavailableError,
    );
    await expect(state.getValue('menu')).rejects.toThrow('Redis read failed');
    await state.close();
  });
});

describe('shared sending budget', () => {
  it('holds across processes: no window holds more than its sends', async () => {
    const [a, b] = twoProcesses({ sends: 3, perMs: 300 });
    const times: number[] = [];
    const startedAt = Date.now();
    await Promise.all(
      Array.from({ length: 9 }, (_, i) =>
        (i % 2 ? a : b).rateLimiter!.acquire('company:42').then(() => times.push(Date.now())),
      ),
    );
    times.sort((x, y) => x - y);
    // Measured when each process learns of its grant, a little after Redis gave it.
    for (let i = 3; i < times.length; i++)
      expect(times[i]! - times[i - 3]!).toBeGreaterThanOrEqual(270);
    expect(times.at(-1)! - startedAt).toBeGreaterThanOrEqual(595);
  });

  it('pauses every process when one saw a 429', async () => {
    const [a, b] = twoProcesses({ sends: 100, perMs: 1000 });
    await a.rateLimiter!.pause('company:42', 400);
    const started = Date.now();
    await b.rateLimiter!.acquire('company:42');
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);
  });
});

describe('process lifetime', () => {
  it('lets a process exit once its client is disconnected, also after its conversations contended', async () => {
    const child = spawn(
      process.execPath,
      [
        '--conditions=pactbot-source',
        '--import',
        'tsx',
        new URL('./exit-child.ts', import.meta.url).pathname,
      ],
      {
        env: { ...process.env, REDIS_URL: inject('redisUrl'), PREFIX: testPrefix() },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    children.push(child);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // A connection left open would keep the process alive: the test would time out here.
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(JSON.parse(output)).toEqual({ waited: true });
  }, 20_000);
});
