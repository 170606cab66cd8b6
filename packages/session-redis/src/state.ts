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
} from '@pactbot/core';
import { RedisClaims } from './claims.js';
import { connect, type RedisClient, type RedisInput } from './connection.js';
import { guarded } from './errors.js';
import { KeyNames } from './keys.js';
import { RedisInbox } from './inbox.js';
import { RedisLocks } from './locks.js';
import { RedisRateLimiter } from './rate-limiter.js';

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

  constructor(redis: RedisInput, options: RedisStateOptions = {}) {
    ({ redis: this.#redis, owned: this.#owned } = connect(redis));
    this.#keys = new KeyNames(options.prefix ?? 'pactbot:');
    // Names this process's claims, places in lines and grants; unique across machines.
    const owner = randomUUID();
    this.#claims = new RedisClaims(this.#redis, this.#keys, owner);
    this.#locks = new RedisLocks(this.#redis, this.#keys, owner);
    this.inbox =
      options.inbox === false ? undefined : new RedisInbox(this.#redis, this.#keys, owner);
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

  /** Reads a small value. */
  getValue(key: string): Promise<string | undefined> {
    return guarded('read', async () => (await this.#redis.get(this.#keys.value(key))) ?? undefined);
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

  /** Stops timers and the lock announcements' connection; closes the client if it was opened from a URL. */
  async close(): Promise<void> {
    this.#claims.close();
    this.inbox?.close();
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
