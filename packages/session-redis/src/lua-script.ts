import { createHash } from 'node:crypto';
import type { RedisClient } from './connection.js';

/**
 * A Lua script run by its SHA (EVALSHA), sent whole (EVAL) only when the server does not know it
 * yet — after a restart or on a new cluster node. Keys are declared, so Redis Cluster routes it.
 */
export class LuaScript {
  readonly #source: string;
  readonly #sha: string;

  constructor(source: string) {
    this.#source = source;
    this.#sha = createHash('sha1').update(source).digest('hex');
  }

  /** Runs the script with `keys` (all in one hash slot) and `args`. */
  run(
    redis: RedisClient,
    keys: readonly string[],
    args: ReadonlyArray<string | number>,
  ): Promise<unknown> {
    // Not `async`: the command's promise and one rejection handler are all it needs.
    let sent: Promise<unknown>;
    try {
      sent = redis.evalsha(this.#sha, keys.length, ...keys, ...args);
    } catch (error) {
      // A client that throws at once fails as it would have failed later: as a rejection, unchanged.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      return Promise.reject(error);
    }
    return sent.catch((error: unknown) => {
      if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw error;
      return redis.eval(this.#source, keys.length, ...keys, ...args);
    });
  }
}

/** Milliseconds of the Redis server's clock: every process measures leases by one clock. */
export const NOW_MS = `local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)`;
