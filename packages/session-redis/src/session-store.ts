import type {
  ConversationLock,
  SessionReadOptions,
  SessionStore,
  SessionWriteOptions,
  TurnValues,
} from '@pactbot/core';
import { PactArgumentError } from '@pactbot/core';
import { connect, type RedisClient, type RedisInput } from './connection.js';
import { guarded, persistent, SessionConflictError } from './errors.js';
import { KeyNames } from './keys.js';
import { LuaScript } from './lua-script.js';
import { placeOf } from './place.js';

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
  /**
   * What the values are, as the last part of their keys (`shop:{42:conversation:7}:session`):
   * letters, digits, `-` and `_`. Default `session`. A second store on the same prefix — the
   * dialogs of `conversations()`, say — takes another (`name: 'dialog'`), so both keep their
   * values beside the conversation's other keys (one hash slot, fenced by the same locks) without
   * overwriting each other's.
   */
  name?: string | undefined;
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
 *
 * Given the same client object and prefix as `redisState`, the store costs no round trips of its
 * own in a conversation's turn (the `session()` middleware passes the turn): the session is read
 * in the step that takes the turn, and on the durable inbox its write is staged on the turn and
 * made in the step that marks the update handled — at once, so an update that runs again after
 * its process ended applies to its session once; a stale holder's staged write is refused there
 * (`SessionConflictError`, reported on `bot.events`). Another client (even of the same server) or
 * prefix reads and writes here, as above.
 */
export class RedisSessionStore<S = unknown> implements SessionStore<S> {
  readonly #redis: RedisClient;
  readonly #keys: KeyNames;
  readonly #ttlMs: number;
  readonly #owned: boolean;
  readonly #retryMs: number;
  readonly #place: object;
  readonly #name: string;

  constructor(redis: RedisInput, options: RedisSessionStoreOptions = {}) {
    ({ redis: this.#redis, owned: this.#owned } = connect(redis));
    const prefix = options.prefix ?? 'pactbot:';
    this.#keys = new KeyNames(prefix);
    this.#place = placeOf(this.#redis, prefix);
    this.#ttlMs = options.ttlMs ?? 30 * 24 * 60 * 60 * 1000;
    this.#retryMs = options.writeRetryMs ?? 10_000;
    const name = options.name ?? 'session';
    if (typeof name !== 'string' || !/^[A-Za-z0-9_-]{1,40}$/.test(name)) {
      throw new PactArgumentError(
        `RedisSessionStore name must be 1–40 letters, digits, "-" or "_" (the last part of its keys), got ${JSON.stringify(name) ?? String(name)}`,
      );
    }
    this.#name = name;
  }

  /** The Redis key of a value. */
  #key(key: string): string {
    return this.#keys.session(key, this.#name);
  }

  /** The values of the caller's turn, when the turn is of this session's conversation and in this store's place. */
  #turnValues(key: string, lock: ConversationLock | undefined): TurnValues | undefined {
    const values = lock?.values;
    return values?.place === this.#place && lock!.fence.key === key ? values : undefined;
  }

  /** The session under `key`, or undefined; from the caller's turn when it read it. */
  async get(key: string, options?: SessionReadOptions): Promise<S | undefined> {
    const read = this.#turnValues(key, options?.lock)?.read(this.#key(key));
    if (read !== undefined) return read === null ? undefined : (JSON.parse(read) as S);
    return guarded('session read', async () => {
      const json = await this.#redis.get(this.#key(key));
      return json === null ? undefined : (JSON.parse(json) as S);
    });
  }

  /**
   * Stages a write on the caller's turn when it can take one; refuses it at once when the turn is
   * known to be lost. False: write it here.
   */
  #staged(key: string, json: string | null, options: SessionWriteOptions | undefined): boolean {
    const lock = options?.lock;
    const values = this.#turnValues(key, lock);
    if (!values?.stage || !options?.fence) return false;
    if (lock!.lost.aborted || lock!.stillHeld?.() === false) {
      throw new SessionConflictError(key, options.fence.token);
    }
    return values.stage(this.#key(key), { value: json, ttlMs: this.#ttlMs });
  }

  /** Stores the session under `key`, fenced by the writer's lock when it holds the conversation's. */
  async set(key: string, value: S, options?: SessionWriteOptions): Promise<void> {
    const json = JSON.stringify(value);
    if (this.#staged(key, json, options)) return;
    const fence = options?.fence;
    // A fence comes only with a session kept under its conversation's key (see `session()`), so
    // the fence's key and the session's share a hash slot.
    if (fence) {
      const written = await persistent('session write', this.#retryMs, () =>
        FENCED_SET.run(
          this.#redis,
          [this.#key(key), this.#keys.fence(fence.key)],
          [json, this.#ttlMs, fence.token],
        ),
      );
      if (written !== 1) throw new SessionConflictError(key, fence.token);
      return;
    }
    await persistent('session write', this.#retryMs, () =>
      this.#ttlMs > 0
        ? this.#redis.set(this.#key(key), json, 'PX', this.#ttlMs)
        : this.#redis.set(this.#key(key), json),
    );
  }

  /** Removes the session under `key`, on the same fencing terms as `set`. */
  async delete(key: string, options?: SessionWriteOptions): Promise<void> {
    if (this.#staged(key, null, options)) return;
    const fence = options?.fence;
    if (fence) {
      const deleted = await persistent('session delete', this.#retryMs, () =>
        FENCED_DELETE.run(
          this.#redis,
          [this.#key(key), this.#keys.fence(fence.key)],
          [fence.token],
        ),
      );
      if (deleted !== 1) throw new SessionConflictError(key, fence.token);
      return;
    }
    await persistent('session delete', this.#retryMs, () => this.#redis.del(this.#key(key)));
  }

  /** Closes the connection, when the store opened it from a URL. */
  async close(): Promise<void> {
    if (this.#owned) await this.#redis.quit();
  }
}
