import { TtlMap } from '../util/ttl-map.js';
import type { SessionStore } from './types.js';

/** Options of {@link MemorySessionStore}. */
export interface MemorySessionStoreOptions {
  /** Most sessions kept; past it, the least recently used goes. Default 100 000. */
  maxEntries?: number | undefined;
  /** A session unused this long is forgotten, in ms. Default 24 hours. */
  ttlMs?: number | undefined;
}

/**
 * Sessions in this process's memory, bounded by count (least recently used goes first) and by
 * idle time. Values are kept as JSON text, so what a handler holds is always its own copy.
 */
export class MemorySessionStore<S = unknown> implements SessionStore<S> {
  // Ordered by last use: the oldest entry is both the least recently used and the first to expire.
  readonly #entries: TtlMap<string, string>;
  readonly #ttlMs: number;

  constructor(options: MemorySessionStoreOptions = {}) {
    this.#entries = new TtlMap(options.maxEntries ?? 100_000);
    this.#ttlMs = options.ttlMs ?? 24 * 60 * 60 * 1000;
  }

  /** The session under `key`, or undefined. Reading refreshes its time to live. */
  get(key: string): S | undefined {
    const json = this.#entries.touch(key, this.#ttlMs);
    return json === undefined ? undefined : (JSON.parse(json) as S);
  }

  /** Stores the session under `key`. */
  set(key: string, value: S): void {
    this.#entries.set(key, JSON.stringify(value), this.#ttlMs);
  }

  /** Removes the session under `key`. */
  delete(key: string): void {
    this.#entries.delete(key);
  }

  /** Sessions held. */
  get size(): number {
    return this.#entries.size;
  }
}
