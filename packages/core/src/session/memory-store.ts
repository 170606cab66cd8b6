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
  // One Map ordered by last use: the head is both the least recently used and the first to expire.
  readonly #entries = new Map<string, { json: string; expiresAt: number }>();
  readonly #maxEntries: number;
  readonly #ttlMs: number;

  constructor(options: MemorySessionStoreOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 100_000;
    this.#ttlMs = options.ttlMs ?? 24 * 60 * 60 * 1000;
  }

  /** The session under `key`, or undefined. Reading refreshes its time to live. */
  get(key: string): S | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    const now = Date.now();
    this.#entries.delete(key);
    if (entry.expiresAt <= now) return undefined;
    entry.expiresAt = now + this.#ttlMs;
    this.#entries.set(key, entry);
    return JSON.parse(entry.json) as S;
  }

  /** Stores the session under `key`. */
  set(key: string, value: S): void {
    const now = Date.now();
    this.#entries.delete(key);
    this.#entries.set(key, { json: JSON.stringify(value), expiresAt: now + this.#ttlMs });
    for (const [oldest, entry] of this.#entries) {
      if (this.#entries.size > this.#maxEntries || entry.expiresAt <= now)
        this.#entries.delete(oldest);
      else break;
    }
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
