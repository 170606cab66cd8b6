/**
 * A Map whose entries expire after a time to live and whose size is bounded: past `maxEntries`,
 * the oldest entry goes. Insertion order is kept as expiry order by re-inserting on every write,
 * so sweeping expired entries only ever looks at the head.
 */
export class TtlMap<K, V> {
  readonly #entries = new Map<K, { value: V; expiresAt: number }>();
  readonly #maxEntries: number;

  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries;
  }

  /** The live value under `key`, or undefined. */
  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Stores `value` under `key` for `ttlMs`. */
  set(key: K, value: V, ttlMs: number): void {
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAt: Date.now() + ttlMs });
    this.#sweep();
  }

  /** Removes `key`. */
  delete(key: K): boolean {
    return this.#entries.delete(key);
  }

  /** Entries held, expired ones not yet swept included. */
  get size(): number {
    return this.#entries.size;
  }

  #sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.#entries) {
      if (this.#entries.size > this.#maxEntries || entry.expiresAt <= now)
        this.#entries.delete(key);
      else break;
    }
  }
}
