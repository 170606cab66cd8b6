// @pactbot/session-redis takes the clients of ioredis 5 and 6, standalone and Cluster: the app's
// own ioredis, whichever major it installed ("ioredis" is 6 here, "ioredis5" an alias of 5).
import { Cluster as Cluster6, Redis as Redis6 } from 'ioredis';
import { Cluster as Cluster5, Redis as Redis5 } from 'ioredis5';
import {
  RedisSessionStore,
  redisState,
  URL_CLIENT_OPTIONS,
  type RedisClient,
} from '@pactbot/session-redis';

export function clients(): RedisClient[] {
  const six = new Redis6('redis://127.0.0.1:6379', { ...URL_CLIENT_OPTIONS, lazyConnect: true });
  const five = new Redis5('redis://127.0.0.1:6379', { ...URL_CLIENT_OPTIONS, lazyConnect: true });
  const cluster6 = new Cluster6([{ host: '127.0.0.1', port: 7000 }], { lazyConnect: true });
  const cluster5 = new Cluster5([{ host: '127.0.0.1', port: 7000 }], { lazyConnect: true });
  for (const client of [six, five, cluster6, cluster5]) {
    redisState(client, { prefix: 'check:' });
    new RedisSessionStore(client, { prefix: 'check:' });
  }
  return [six, five, cluster6, cluster5];
}
