import { RedisSessionStore, redisState } from '@pactbot/session-redis';
import { botStateContract, sessionStoreContract } from '@pactbot/testkit';
import { testPrefix, testRedis } from './redis.js';

botStateContract('redisState', () => {
  // Two processes: two connections on one prefix.
  const prefix = testPrefix();
  const [ra, rb] = [testRedis(), testRedis()];
  const a = redisState(ra, { prefix, rateLimit: false });
  const b = redisState(rb, { prefix, rateLimit: false });
  return Promise.resolve({
    a,
    b,
    close: async () => {
      await Promise.all([a.close(), b.close()]);
      ra.disconnect();
      rb.disconnect();
    },
  });
});

sessionStoreContract('RedisSessionStore', () => {
  const prefix = testPrefix();
  const redis = testRedis();
  const state = redisState(redis, { prefix, rateLimit: false });
  return Promise.resolve({
    store: new RedisSessionStore(redis, { prefix }),
    fencedBy: state,
    close: async () => {
      await state.close();
      redis.disconnect();
    },
  });
});
