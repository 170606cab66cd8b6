import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { inject } from 'vitest';

export { monitorCommands } from './monitor.js';

/** A client of the test run's Redis server. */
export function testRedis(): Redis {
  const redis = new Redis(inject('redisUrl'), { maxRetriesPerRequest: 2 });
  redis.on('error', () => undefined);
  return redis;
}

/** A key prefix of its own for each test, so runs never collide. */
export function testPrefix(): string {
  return `pactbot-test:${randomUUID()}:`;
}

/** Checks `condition` until it holds, for a condition that only time can bring (a lease lapsing). */
export async function eventually(
  condition: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
