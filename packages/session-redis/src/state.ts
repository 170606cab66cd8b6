import { randomUUID } from 'node:crypto';
import {
  DEFAULT_RATE_LIMIT,
  type BotState,
  type ClaimOptions,
  type ClaimResult,
  type ConversationLock,
  type LockOptions,
  type RateLimitOptions,
  type UpdateClaim,
  type ValueOptions,
} from '@pactbot/core';
import { NOT_KNOWN, PEEK_VALUE } from '@pactbot/core/internal';
import { RedisClaims } from './claims.js';
import { connect, type RedisClient, type RedisInput } from './connection.js';
import { guarded } from './errors.js';
import { KeyNames } from './keys.js';
import { RedisInbox } from './inbox.js';
import { RedisLocks } from './locks.js';
import { LuaScript } from './lua-script.js';
import { placeOf } from './place.js';
import { RedisRateLimiter } from './rate-limiter.js';

/** Deletes a value if it still holds ARGV[1]. KEYS: the value. */
const DELETE_IF = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`);

/** Options of {@link redisState}. */
export interface RedisStateOptions {
  /** Prefix of every key; use the same one for `RedisSessionStore`. Default `pactbot:`. */
  prefix?: string | undefined;
  /** The sending budget all processes share. Default 5 per second (Pact's limit); `false` leaves each process its own. */
  rateLimit?: RateLimitOptions | false | undefined;
  /**
   * Keep admitted updates in a durable inbox in Redis (default true): a webhook is answered 200
   * as soon as its update is queued there, and any process of the bot runs it — also after the
   * one that took it died. `false` answers once the update was handled, as the memory state does.
   */
  inbox?: boolean | undefined;
}

/**
 * The coordination state of a bot in Redis, shared by every process that uses it: a durable
 * inbox of admitted updates (one line per conversation, run one entry at a time by whichever
 * process holds the line), dedup claims, fair per-conversation locks with fencing tokens, button
 * menus, and the sending budget. Failures surface as `StateUnavailableError`, which the bot
 * answers with 503 so Pact re-sends the webhook; the bot recovers by itself when Redis returns.
 *
 * A conversation's turn — taken by the inbox or granted by its lock — reads the conversation's
 * button menu and (for a `RedisSessionStore` on the same client and prefix) its session in the
 * same script, so neither costs a round trip of its own; on the inbox, the session's write and
 * the menu's use are staged on the turn and made by the script that completes the update.
 */
export class RedisState implements BotState {
  /** The shared sending budget, unless disabled. */
  readonly rateLimiter: RedisRateLimiter | undefined;
  /** The durable inbox, unless disabled. */
  readonly inbox: RedisInbox | undefined;
  readonly #redis: RedisClient;
  readonly #owned: boolean;
  readonly #keys: KeyNames;
  readonly #claims: RedisClaims;
  readonly #locks: RedisLocks;
  readonly #place: object;

  constructor(redis: RedisInput, options: RedisStateOptions = {}) {
    ({ redis: this.#redis, owned: this.#owned } = connect(redis));
    const prefix = options.prefix ?? 'pactbot:';
    this.#keys = new KeyNames(prefix);
    this.#place = placeOf(this.#redis, prefix);
    // Names this process's claims, places in lines and grants; unique across machines.
    const owner = randomUUID();
    this.#claims = new RedisClaims(this.#redis, this.#keys, owner);
    this.#locks = new RedisLocks(this.#redis, this.#keys, owner, this.#place);
    this.inbox =
      options.inbox === false
        ? undefined
        : new RedisInbox(this.#redis, this.#keys, owner, this.#place);
    this.rateLimiter =
      options.rateLimit === false
        ? undefined
        : new RedisRateLimiter(
            this.#redis,
            this.#keys,
            options.rateLimit ?? DEFAULT_RATE_LIMIT,
            owner,
          );
  }

  /** Claims an update for this process. */
  claim(id: string, options: ClaimOptions): Promise<UpdateClaim | undefined> {
    return this.#claims.claim(id, options);
  }

  /** Claims an update for this process, or says whether it was handled or is held elsewhere. */
  claimUpdate(id: string, options: ClaimOptions): Promise<ClaimResult> {
    return this.#claims.claimUpdate(id, options);
  }

  /** Waits for this caller's turn in a conversation's line, across processes. */
  lock(key: string, options: LockOptions): Promise<ConversationLock> {
    return this.#locks.lock(key, options);
  }

  /** Reads a small value; from the caller's turn when it read it (a line's button menu). */
  getValue(key: string, options?: ValueOptions): Promise<string | undefined> {
    const name = this.#keys.value(key);
    const values = options?.lock?.values;
    const read = values?.place === this.#place ? values.read(name) : undefined;
    if (read !== undefined) return Promise.resolve(read ?? undefined);
    return guarded('read', async () => (await this.#redis.get(name)) ?? undefined);
  }

  /**
   * Reads a value at once when the caller's turn read it (see `peekValue`); else not known. The
   * core's alone: not part of the documented API.
   *
   * @hidden
   */
  [PEEK_VALUE](key: string, options?: ValueOptions): string | undefined | typeof NOT_KNOWN {
    const values = options?.lock?.values;
    if (values?.place !== this.#place) return NOT_KNOWN;
    const read = values.read(this.#keys.value(key));
    return read === undefined ? NOT_KNOWN : (read ?? undefined);
  }

  /** Writes a small value for `ttlMs`. */
  async setValue(key: string, value: string, ttlMs: number): Promise<void> {
    await guarded('write', () =>
      this.#redis.set(this.#keys.value(key), value, 'PX', Math.max(1, Math.ceil(ttlMs))),
    );
  }

  /** Removes a value. */
  async deleteValue(key: string): Promise<void> {
    await guarded('delete', () => this.#redis.del(this.#keys.value(key)));
  }

  /**
   * Removes a value if it still is `expected`: staged on the caller's turn when it can take it
   * (made when the update completes), else in one script.
   */
  async deleteValueIf(key: string, expected: string, options?: ValueOptions): Promise<void> {
    const name = this.#keys.value(key);
    const values = options?.lock?.values;
    if (values?.place === this.#place && values.stage?.(name, { value: null, ifValue: expected })) {
      return;
    }
    await guarded('delete', () => DELETE_IF.run(this.#redis, [name], [expected]));
  }

  /** Stops timers and the lock announcements' connection; closes the client if it was opened from a URL. */
  async close(): Promise<void> {
    this.#claims.close();
    await this.inbox?.close();
    await this.#locks.close();
    if (this.#owned) await this.#redis.quit().catch(() => this.#redis.disconnect());
  }
}

/**
 * Shares a bot's coordination state through Redis, so several processes act as one:
 * `new Bot({ token, companyId, state: redisState(redis, { prefix: 'shop:' }) })`. Takes an ioredis
 * client (standalone or Cluster) or a `redis://` URL.
 */
export function redisState(redis: RedisInput, options?: RedisStateOptions): RedisState {
  return new RedisState(redis, options);
}
