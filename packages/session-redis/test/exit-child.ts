/**
 * A process that uses `redisState` on its own client the way a bot does, with two callers of one
 * conversation contending for its turn, then disconnects its client. The test expects it to exit
 * by itself: nothing pactbot opened may keep it alive.
 */
import { Redis } from 'ioredis';
import { redisState } from '@pactbot/session-redis';

const { REDIS_URL, PREFIX } = process.env;
const redis = new Redis(REDIS_URL!);
const state = redisState(redis, { prefix: PREFIX, rateLimit: false });
const options = { leaseMs: 30_000 };

const first = await state.lock('conversation:1', options);
let secondGranted = false;
const second = state.lock('conversation:1', options).then((lock) => {
  secondGranted = true;
  return lock;
});
// The second caller waits in line (and listens for the release) until the first one leaves.
await new Promise((resolve) => setImmediate(resolve));
const waited = !secondGranted;
await first.release();
await (await second).release();
redis.disconnect();
process.stdout.write(`${JSON.stringify({ waited })}\n`);
