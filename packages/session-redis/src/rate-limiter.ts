import { setTimeout as sleep } from 'node:timers/promises';
import type { RateLimiter, RateLimitOptions } from '@pactbot/core';
import type { RedisClient } from './connection.js';
import { guarded } from './errors.js';
import type { KeyNames } from './keys.js';
import { LuaScript, NOW_MS } from './lua-script.js';

/**
 * Takes one grant from a sliding-window budget, unless paused: KEYS log, pause; ARGV sends, window
 * ms, member. Answers 0 when granted, otherwise the ms to wait before asking again.
 */
const ACQUIRE = new LuaScript(`${NOW_MS}
local sends, window = tonumber(ARGV[1]), tonumber(ARGV[2])
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
if paused > now then return paused - now end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < sends then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now)`);

/** Holds every grant back for a while, never shortening a longer pause: KEYS pause; ARGV ms. */
const PAUSE = new LuaScript(`${NOW_MS}
local resume = now + tonumber(ARGV[1])
if resume > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], resume, 'PX', ARGV[1])
end
return 1`);

/**
 * A sending budget shared by every process of a bot: a sliding window in Redis, so no window of
 * `perMs` holds more than `sends` grants across all processes, and a 429 seen by one process
 * pauses them all. Within a process, asks for one key go one at a time, so waiting sends do not
 * each poll Redis.
 */
export class RedisRateLimiter implements RateLimiter {
  readonly #redis: RedisClient;
  readonly #keys: KeyNames;
  readonly #rate: RateLimitOptions;
  readonly #owner: string;
  readonly #lines = new Map<string, Promise<void>>();
  #sequence = 0;

  constructor(redis: RedisClient, keys: KeyNames, rate: RateLimitOptions, owner: string) {
    this.#redis = redis;
    this.#keys = keys;
    this.#rate = rate;
    this.#owner = owner;
  }

  /** Resolves when one more send under `key` fits the shared budget. */
  acquire(key: string, signal?: AbortSignal): Promise<void> {
    const previous = this.#lines.get(key) ?? Promise.resolve();
    const mine = previous.catch(() => undefined).then(() => this.#take(key, signal));
    const tail = mine.catch(() => undefined);
    this.#lines.set(key, tail);
    void tail.then(() => {
      if (this.#lines.get(key) === tail) this.#lines.delete(key);
    });
    return mine;
  }

  async #take(key: string, signal: AbortSignal | undefined): Promise<void> {
    const { log, pause } = this.#keys.rate(key);
    for (;;) {
      signal?.throwIfAborted();
      const member = `${this.#owner}:${++this.#sequence}`;
      const waitMs = Number(
        await guarded('rate budget', () =>
          ACQUIRE.run(this.#redis, [log, pause], [this.#rate.sends, this.#rate.perMs, member]),
        ),
      );
      if (waitMs <= 0) return;
      await sleep(waitMs, undefined, signal ? { signal } : undefined);
    }
  }

  /** Pauses every process's grants under `key` for `ms`. */
  async pause(key: string, ms: number): Promise<void> {
    await guarded('rate pause', () =>
      PAUSE.run(this.#redis, [this.#keys.rate(key).pause], [Math.max(1, Math.ceil(ms))]),
    );
  }
}
