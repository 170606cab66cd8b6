import type { RedisClient } from './connection.js';

const places = new WeakMap<RedisClient, Map<string, object>>();

/**
 * The place a client and a key prefix stand for: the same object for the same client and prefix,
 * whoever asks. A `RedisSessionStore` uses the values a turn of `redisState` read (and stages its
 * writes on the turn) only when both are in the same place — given the same client object and the
 * same prefix; two clients of one server do not count, as nothing tells them apart from clients of
 * two servers.
 */
export function placeOf(redis: RedisClient, prefix: string): object {
  let byPrefix = places.get(redis);
  if (!byPrefix) places.set(redis, (byPrefix = new Map<string, object>()));
  let place = byPrefix.get(prefix);
  if (!place) byPrefix.set(prefix, (place = Object.freeze({ prefix })));
  return place;
}
