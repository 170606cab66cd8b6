import type { SessionStore, SessionWriteOptions } from '@pactbot/core';
import { connect, type RedisClient, type RedisInput } from './connection.js';
import { guarded, persistent, SessionConflictError } from './errors.js';
import { KeyNames } from './keys.js';
import { LuaScript } from './lua-script.js';

/** Options of {@link RedisSessionStore}. */
export interface RedisSessionStoreOptions {
  /** Prefix of every key; use the same one as `redisState` so writes are fenced by its locks. Default `pactbot:`. */
  prefix?: string | undefined;
  /** A session unused this long expires, in ms; every write refreshes it. Default 30 days; 0 keeps sessions forever. */
  ttlMs?: number | undefined;
  /**
   * How long a write keeps trying through an outage of Redis (a restart, a failover), in ms,
   * before it fails. A failed write fails its update, which then runs again — repeating its
   * replies — so it is worth waiting out a short outage. Default 10 000.
   */
  writeRetryMs?: number | undefined;
}

/**
 * Writes a session unless the conversation's lock has passed to a newer holder than the writer:
 * KEYS[1] session, KEYS[2] fence; ARGV json, ttl ms (0: none), writer's token.
 */
const FENCED_SET = new LuaScript(`
local fence = tonumber(redis.call('GET', KEYS[2]) or '0')
if fence > tonumber(ARGV[3]) then return 0 end
if tonumber(ARGV[2]) > 0 then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
else
  redis.call('SET', KEYS[1], ARGV[1])
end
return 1`);

/** Deletes a session on the same condition: KEYS[1] session, KEYS[2] fence; ARGV token. */
const FENCED_DELETE = new LuaScript(`
local fence = tonumber(redis.call('GET', KEYS[2]) or '0')
if fence > tonumber(ARGV[1]) then return 0 end
redis.call('DEL', KEYS[1])
return 1`);

/**
 * Sessions in Redis, as JSON: one round trip to load, one to save, the time to live refreshed on
 * every write. A write made under a conversation lock of `redisState` (same prefix) is refused with
 * `SessionConflictError` if that lock has since passed to a newer handler — a handler that stalled
 * past its lease cannot overwrite the session of the one after it.
 */
export class RedisSessionStore<S = unknown> implements SessionStore<S> {
  readonly #redis: RedisClient;
  readonly #keys: KeyNames;
  readonly #ttlMs: number;
  readonly #owned: boolean;
  readonly #retryMs: number;

  constructor(redis: RedisInput, options: RedisSessionStoreOptions = {}) {
    ({ redis: this.#redis, owned: this.#owned } = connect(redis));
    this.#keys = new KeyNames(options.prefix ?? 'pactbot:');
    this.#ttlMs = options.ttlMs ?? 30 * 24 * 60 * 60 * 1000;
    this.#retryMs = options.writeRetryMs ?? 10_000;
  }

  /** The session under `key`, or undefined. */
  get(key: string): Promise<S | undefined> {
    return guarded('session read', async () => {
      const json = await this.#redis.get(this.#keys.session(key));
      return json === null ? undefined : (JSON.parse(json) as S);
    });
  }

  /** Stores the session under `key`, fenced by the writer's lock when it holds the conversation's. */
  async set(key: string, value: S, options?: SessionWriteOptions): Promise<void> {
    const json = JSON.stringify(value);
    const fence = options?.fence;
    // A fence comes only with a session kept under its conversation's key (see `session()`), so
    // the fence's key and the session's share a hash slot.
    if (fence) {
      const written = await persistent('session write', this.#retryMs, () =>
        FENCED_SET.run(
          this.#redis,
          [this.#keys.session(key), this.#keys.fence(fence.key)],
          [json, this.#ttlMs, fence.token],
        ),
      );
      if (written !== 1) throw new SessionConflictError(key, fence.token);
      return;
    }
    await persistent('session write', this.#retryMs, () =>
      this.#ttlMs > 0
        ? this.#redis.set(this.#keys.session(key), json, 'PX', this.#ttlMs)
        : this.#redis.set(this.#keys.session(key), json),
    );
  }

  /** Removes the session under `key`, on the same fencing terms as `set`. */
  async delete(key: string, options?: SessionWriteOptions): Promise<void> {
    const fence = options?.fence;
    if (fence) {
      const deleted = await persistent('session delete', this.#retryMs, () =>
        FENCED_DELETE.run(
          this.#redis,
          [this.#keys.session(key), this.#keys.fence(fence.key)],
          [fence.token],
        ),
      );
      if (deleted !== 1) throw new SessionConflictError(key, fence.token);
      return;
    }
    await persistent('session delete', this.#retryMs, () =>
      this.#redis.del(this.#keys.session(key)),
    );
  }

  /** Closes the connection, when the store opened it from a URL. */
  async close(): Promise<void> {
    if (this.#owned) await this.#redis.quit();
  }
}
