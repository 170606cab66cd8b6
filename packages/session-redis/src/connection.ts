import { PactArgumentError } from '@pactbot/core';
import { Redis } from 'ioredis';

/**
 * An ioredis client, standalone (`Redis`) or `Cluster`, of ioredis 5 or 6: what pactbot calls on
 * it, written out rather than imported, so the client of whichever ioredis the app installed fits
 * — the app's own copy, the only one (ioredis is a peer dependency).
 */
export interface RedisClient {
  /** GET. */
  get(key: string): Promise<string | null>;
  /** SET, for good. */
  set(key: string, value: string): Promise<unknown>;
  /** SET with an expiry in milliseconds. */
  set(key: string, value: string, mode: 'PX', milliseconds: number): Promise<unknown>;
  /** DEL. */
  del(key: string): Promise<number>;
  /** EVAL: a Lua script, its number of keys, then keys and arguments. */
  eval(script: string, numkeys: number, ...keysAndArgs: Array<string | number>): Promise<unknown>;
  /** EVALSHA: a known script by its SHA-1. */
  evalsha(sha1: string, numkeys: number, ...keysAndArgs: Array<string | number>): Promise<unknown>;
  /** A new connection with the same options (for subscriptions). */
  duplicate(): RedisClient;
  /** SUBSCRIBE. */
  subscribe(...channels: string[]): Promise<unknown>;
  /** Connection errors. */
  on(event: 'error', listener: (error: Error) => void): unknown;
  /** Messages on subscribed channels. */
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
  /** Closes the connection once pending replies have arrived. */
  quit(): Promise<unknown>;
  /** Closes the connection at once. */
  disconnect(): void;
}

/** A client, or the URL of a server (`redis://host:6379/0`). */
export type RedisInput = RedisClient | string;

/**
 * Options for clients pactbot creates from a URL, and the ones to give your own: fail a command
 * after a few reconnection attempts, or when Redis has not answered it in a second or two (a frozen or
 * overloaded server), instead of holding it for long — so a webhook is answered 503 (and re-sent by
 * Pact) rather than left waiting past Pact's timeout. (The last writes of an update keep trying
 * through a short outage on their own.)
 */
export const URL_CLIENT_OPTIONS = {
  maxRetriesPerRequest: 2,
  connectTimeout: 2000,
  commandTimeout: 1000,
  enableAutoPipelining: true,
} as const;

/** The client to use, and whether pactbot created it (and so closes it). */
export function connect(input: RedisInput): { redis: RedisClient; owned: boolean } {
  if (typeof input === 'string') {
    let url: URL;
    try {
      url = new URL(input);
    } catch {
      throw new PactArgumentError(
        `Redis URL must look like redis://host:6379, got ${JSON.stringify(input.slice(0, 40))}`,
      );
    }
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
      throw new PactArgumentError(
        `Redis URL must start with redis:// or rediss://, got ${url.protocol}//`,
      );
    }
    const redis = new Redis(input, URL_CLIENT_OPTIONS);
    // Connection trouble surfaces as failed operations (StateUnavailableError); keep ioredis from logging it too.
    redis.on('error', () => undefined);
    return { redis, owned: true };
  }
  if (
    input === null ||
    typeof input !== 'object' ||
    typeof (input as { evalsha?: unknown }).evalsha !== 'function'
  ) {
    throw new PactArgumentError('expected an ioredis client (Redis or Cluster) or a redis:// URL');
  }
  return { redis: input, owned: false };
}
