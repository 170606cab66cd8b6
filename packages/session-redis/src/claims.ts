import type { ClaimOptions, ClaimResult, UpdateClaim } from '@pactbot/core';
import type { RedisClient } from './connection.js';
import { guarded } from './errors.js';
import type { KeyNames } from './keys.js';
import { LuaScript } from './lua-script.js';

/**
 * Claims an update: KEYS[1] claim; ARGV claimer's token, lease ms. Answers 1 when the update is
 * now (or already was) this claimer's — a command re-sent after a dropped connection must not turn
 * our own claim into a duplicate —, 2 when it was handled, and 0 when someone is handling it.
 */
const CLAIM = new LuaScript(`
local held = redis.call('GET', KEYS[1])
if not held then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
if held == ARGV[1] then return 1 end
if held == 'done' then return 2 end
return 0`);

/** Extends claims still held by their claimer: KEYS[1] claim; ARGV token, lease ms. */
const EXTEND = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`);

/** Marks a claimed update handled for the dedup window: KEYS[1] claim; ARGV token, ttl ms. */
const COMPLETE = new LuaScript(`
local held = redis.call('GET', KEYS[1])
if held == ARGV[1] or not held then
  redis.call('SET', KEYS[1], 'done', 'PX', ARGV[2])
  return 1
end
return 0`);

/** Gives a claim back so a redelivery can run the update: KEYS[1] claim; ARGV token. */
const RELEASE = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`);

/**
 * Dedup claims in Redis. A claim starts as a lease (the claimer's token, for `leaseMs`), extended
 * while the update is handled; it becomes a `done` mark for the dedup window once handled, or is
 * deleted when handling failed and a redelivery should run it. A claimer that crashes leaves a
 * lease that runs out, so Pact's next redelivery is handled rather than taken for a duplicate.
 */
export class RedisClaims {
  readonly #redis: RedisClient;
  readonly #keys: KeyNames;
  readonly #owner: string;
  readonly #held = new Map<string, { token: string; leaseMs: number }>();
  #sequence = 0;
  #heartbeat: NodeJS.Timeout | undefined;

  constructor(redis: RedisClient, keys: KeyNames, owner: string) {
    this.#redis = redis;
    this.#keys = keys;
    this.#owner = owner;
  }

  /** Claims an update; undefined when it is a duplicate. */
  async claim(id: string, options: ClaimOptions): Promise<UpdateClaim | undefined> {
    const result = await this.claimUpdate(id, options);
    return result.status === 'claimed' ? result.claim : undefined;
  }

  /** Claims an update, or says whether it was handled or someone is handling it. */
  async claimUpdate(id: string, options: ClaimOptions): Promise<ClaimResult> {
    const key = this.#keys.claim(id);
    const token = `${this.#owner}:${++this.#sequence}`;
    const won = await guarded('claim', () =>
      CLAIM.run(this.#redis, [key], [token, options.leaseMs]),
    );
    if (won === 2) return { status: 'done' };
    if (won !== 1) return { status: 'held' };
    this.#held.set(key, { token, leaseMs: options.leaseMs });
    this.#startHeartbeat(options.leaseMs);
    const settle = (script: LuaScript, args: Array<string | number>, what: string) => {
      this.#held.delete(key);
      return guarded(what, async () => {
        await script.run(this.#redis, [key], args);
      });
    };
    return {
      status: 'claimed',
      claim: {
        complete: () => settle(COMPLETE, [token, options.ttlMs], 'claim completion'),
        release: () => settle(RELEASE, [token], 'claim release'),
      },
    };
  }

  #startHeartbeat(leaseMs: number): void {
    if (this.#heartbeat) return;
    // One timer extends every claim this process holds, a third of a lease before they would lapse.
    this.#heartbeat = setInterval(
      () => {
        if (this.#held.size === 0) {
          clearInterval(this.#heartbeat);
          this.#heartbeat = undefined;
          return;
        }
        for (const [key, { token, leaseMs: lease }] of this.#held) {
          EXTEND.run(this.#redis, [key], [token, lease]).catch(() => {
            // Redis is away: the claim may lapse, which leaves the update to Pact's redelivery.
          });
        }
      },
      Math.max(50, Math.floor(leaseMs / 3)),
    );
    this.#heartbeat.unref();
  }

  /** Stops extending claims. */
  close(): void {
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
  }
}
