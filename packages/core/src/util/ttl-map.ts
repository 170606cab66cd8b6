/**
 * A live entry of a {@link TtlMap}. Changing its fields in place keeps its place in the Map's order
 * and costs no lookup: the cheapest way to update an entry known to be there.
 */
export interface TtlEntry<V> {
  value: V;
  expiresAt: number;
}

type Entry<V> = TtlEntry<V>;

/**
 * A Map whose entries expire after a time to live and whose size is bounded: past `maxEntries`,
 * the oldest entries go. Writing an entry (and `touch`) moves it to the young end, so with one
 * time to live the Map's order is the order of expiry, and expired entries are dropped from the
 * old end when the oldest one is due — never by scanning.
 *
 * The old end is read with one long-lived iterator. A fresh iterator would start at the Map's
 * first slot and step over every slot deleted since V8 last compacted the table; with entries
 * leaving from the old end all the time, that is most of the table, on every write. A kept
 * iterator passes each slot once, and V8 carries it over when the table is compacted.
 */
export class TtlMap<K, V> {
  readonly #entries = new Map<K, Entry<V>>();
  readonly #maxEntries: number;
  #cursor: Iterator<[K, Entry<V>]> | undefined;
  /** The entry the cursor stopped at: the oldest, unless it has since been rewritten or deleted. */
  #oldest: [K, Entry<V>] | undefined;
  /** When the oldest entry expires: no sweep is needed before then. */
  #nextExpiry = Number.POSITIVE_INFINITY;

  constructor(maxEntries: number) {
    this.#maxEntries = Math.max(1, maxEntries);
  }

  /** The live value under `key`, or undefined. */
  get(key: K): V | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** The live entry under `key`, to read or change in place; or undefined. */
  entry(key: K): TtlEntry<V> | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /**
   * Stores `value` under a `key` the caller knows is absent (one Map operation instead of two),
   * and returns the entry to change in place later.
   */
  add(key: K, value: V, ttlMs: number): TtlEntry<V> {
    const now = Date.now();
    const entry = { value, expiresAt: now + ttlMs };
    this.#entries.set(key, entry);
    this.#afterInsert(now, entry.expiresAt);
    return entry;
  }

  /** The live value under `key`, given `ttlMs` more to live and moved to the young end; or undefined. */
  touch(key: K, ttlMs: number): V | undefined {
    const value = this.get(key);
    if (value !== undefined) this.set(key, value, ttlMs);
    return value;
  }

  /** Stores `value` under `key` for `ttlMs`, at the young end. */
  set(key: K, value: V, ttlMs: number): void {
    const now = Date.now();
    // A new entry object each time, so the cursor can tell a rewritten entry from the one it saw.
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAt: now + ttlMs });
    this.#afterInsert(now, now + ttlMs);
  }

  #afterInsert(now: number, expiresAt: number): void {
    if (this.#entries.size > this.#maxEntries || now >= this.#nextExpiry) this.#trim(now);
    else if (this.#nextExpiry === Number.POSITIVE_INFINITY) this.#nextExpiry = expiresAt;
  }

  /** Removes `key`. */
  delete(key: K): boolean {
    return this.#entries.delete(key);
  }

  /** Entries held, expired ones not yet dropped included. */
  get size(): number {
    return this.#entries.size;
  }

  /** Drops entries from the old end while there are too many or they have expired. */
  #trim(now: number): void {
    for (;;) {
      const oldest = this.#peekOldest();
      if (oldest === undefined) {
        this.#nextExpiry = Number.POSITIVE_INFINITY;
        return;
      }
      const [key, entry] = oldest;
      if (this.#entries.size <= this.#maxEntries && entry.expiresAt > now) {
        this.#nextExpiry = entry.expiresAt;
        return;
      }
      this.#entries.delete(key);
      this.#oldest = undefined;
    }
  }

  /** The oldest live entry, moving the cursor past slots deleted or rewritten since. */
  #peekOldest(): [K, Entry<V>] | undefined {
    for (;;) {
      const seen = this.#oldest;
      if (seen !== undefined && this.#entries.get(seen[0]) === seen[1]) return seen;
      this.#cursor ??= this.#entries.entries();
      const step = this.#cursor.next();
      if (step.done) {
        // The cursor passed every entry: all that were there have gone.
        this.#cursor = undefined;
        this.#oldest = undefined;
        if (this.#entries.size === 0) return undefined;
        this.#cursor = this.#entries.entries();
        continue;
      }
      this.#oldest = step.value;
    }
  }
}
