import { setTimeout as sleep } from 'node:timers/promises';
import type { RateLimiter, RateLimitOptions } from '@pactbot/core';
import { RateBudgetTable } from '@pactbot/core/internal';
import type { RedisClient } from './connection.js';
import { guarded } from './errors.js';
import type { KeyNames } from './keys.js';
import { LuaScript, NOW_MS } from './lua-script.js';

/**
 * Takes one grant from a budget of several sliding windows, unless paused: KEYS log, pause; ARGV
 * member, then each window's sends and ms. Grants only when every window has room, so a grant is
 * counted in all of them at once. Answers 0 when granted, otherwise the ms to wait before asking
 * again (the longest any window or the pause needs).
 */
const ACQUIRE = new LuaScript(`${NOW_MS}
local paused = tonumber(redis.call('GET', KEYS[2]) or '0')
if paused > now then return paused - now end
local longest = 0
for i = 2, #ARGV, 2 do
  local window = tonumber(ARGV[i + 1])
  if window > longest then longest = window end
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - longest)
local wait = 0
for i = 2, #ARGV, 2 do
  local sends, window = tonumber(ARGV[i]), tonumber(ARGV[i + 1])
  local since = '(' .. string.format('%d', now - window)
  local count = redis.call('ZCOUNT', KEYS[1], since, '+inf')
  if count >= sends then
    local blocking = redis.call('ZRANGEBYSCORE', KEYS[1], since, '+inf', 'WITHSCORES', 'LIMIT', count - sends, 1)
    local needed = tonumber(blocking[2]) + window - now
    if needed > wait then wait = needed end
  end
end
if wait > 0 then return math.max(1, wait) end
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('PEXPIRE', KEYS[1], longest)
return 0`);

/** Holds every grant back for a while, never shortening a longer pause: KEYS pause; ARGV ms. */
const PAUSE = new LuaScript(`${NOW_MS}
local resume = now + tonumber(ARGV[1])
if resume > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], resume, 'PX', ARGV[1])
end
return 1`);

/**
 * Rate budgets shared by every process of a bot: a sliding log per key in Redis, checked against
 * every window of the key's class at once (`company:42:v2-send` must fit 5 a second and 30 a
 * minute; see `BudgetClass` and `RateBudgetTable`), so no window holds more than its `sends`
 * across all processes, and a 429 seen by one process pauses the key in them all. Times are the
 * Redis server's, so the processes' clocks do not matter. Within a process, asks for one key go
 * one at a time, so waiting calls do not each poll Redis.
 */
export class RedisRateLimiter implements RateLimiter {
  readonly #redis: RedisClient;
  readonly #keys: KeyNames;
  readonly #table: RateBudgetTable;
  readonly #owner: string;
  readonly #lines = new Map<string, Promise<void>>();
  #sequence = 0;

  constructor(redis: RedisClient, keys: KeyNames, rate: RateLimitOptions, owner: string) {
    this.#redis = redis;
    this.#keys = keys;
    this.#table = new RateBudgetTable(rate);
    this.#owner = owner;
  }

  /** Resolves when one more call under `key` fits every window of its shared budget. */
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
    const windows = this.#table.windowsOf(key).flatMap((w) => [w.sends, Math.ceil(w.perMs)]);
    for (;;) {
      signal?.throwIfAborted();
      const member = `${this.#owner}:${++this.#sequence}`;
      const waitMs = Number(
        await guarded('rate budget', () =>
          ACQUIRE.run(this.#redis, [log, pause], [member, ...windows]),
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
