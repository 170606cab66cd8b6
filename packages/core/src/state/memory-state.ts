import { TtlMap } from '../util/ttl-map.js';
import { PEEK_VALUE } from './peek-value.js';
import type {
  BotState,
  ClaimOptions,
  ClaimResult,
  ConversationLock,
  LockOptions,
  UpdateClaim,
} from './types.js';

/** Options of {@link MemoryState}. */
export interface MemoryStateOptions {
  /** Most update identities remembered for dedup. Default 200 000. */
  maxClaims?: number | undefined;
  /** Most small values (button menus) kept. Default 100 000. */
  maxValues?: number | undefined;
}

const NEVER = new AbortController().signal;
const DONE: ClaimResult = { status: 'done' };
const HELD: ClaimResult = { status: 'held' };

/**
 * The coordination state of a bot in one process: dedup marks in a bounded map, a FIFO line per
 * conversation, values with a time to live. Nothing outlives the process.
 */
export class MemoryState implements BotState {
  readonly #claims: TtlMap<string, 'handling' | 'done'>;
  readonly #values: TtlMap<string, string>;
  /** Per key, those waiting for their turn; a key is present while someone holds its turn. */
  readonly #lines = new Map<string, Array<() => void>>();
  #fence = 0;

  constructor(options: MemoryStateOptions = {}) {
    this.#claims = new TtlMap(options.maxClaims ?? 200_000);
    this.#values = new TtlMap(options.maxValues ?? 100_000);
  }

  /** Claims an update unless it is handled or being handled. */
  claim(id: string, options: ClaimOptions): Promise<UpdateClaim | undefined> {
    const result = this.#claim(id, options);
    return Promise.resolve(result.status === 'claimed' ? result.claim : undefined);
  }

  /** Claims an update, or says whether it was handled or is being handled. */
  claimUpdate(id: string, options: ClaimOptions): Promise<ClaimResult> {
    return Promise.resolve(this.#claim(id, options));
  }

  #claim(id: string, options: ClaimOptions): ClaimResult {
    const held = this.#claims.get(id);
    if (held !== undefined) return held === 'done' ? DONE : HELD;
    // A process crash takes the claim with it, so no lease is needed here. The entry is kept to
    // be marked done in place: no second lookup in a map of every recent update.
    const entry = this.#claims.add(id, 'handling', Number.MAX_SAFE_INTEGER / 2);
    const claim: UpdateClaim = {
      complete: () => {
        entry.value = 'done';
        entry.expiresAt = Date.now() + options.ttlMs;
        return Promise.resolve();
      },
      release: () => {
        // Only this claim: past `maxClaims` it may have been dropped and the id claimed anew.
        if (this.#claims.entry(id) === entry) this.#claims.delete(id);
        return Promise.resolve();
      },
    };
    return { status: 'claimed', claim };
  }

  /** Joins the line of `key`; resolves at the caller's turn. */
  lock(key: string, options: LockOptions): Promise<ConversationLock> {
    const token = ++this.#fence;
    let released = false;
    const turn: ConversationLock = {
      fence: { key, token },
      lost: NEVER,
      release: () => {
        if (released) return Promise.resolve();
        released = true;
        return this.#pass(key);
      },
    };
    const waiting = this.#lines.get(key);
    if (waiting === undefined) {
      // Nobody holds the line: the turn is the caller's at once.
      this.#lines.set(key, []);
      return Promise.resolve(turn);
    }
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        const index = waiting.indexOf(grant);
        if (index >= 0) waiting.splice(index, 1);
        reject(signal!.reason as Error);
      };
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve(turn);
      };
      waiting.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Ends the current turn of `key`: the next in line goes, or the line closes. */
  #pass(key: string): Promise<void> {
    const waiting = this.#lines.get(key);
    const next = waiting?.shift();
    if (next) next();
    else this.#lines.delete(key);
    return Promise.resolve();
  }

  /** Reads a value (from this process's memory: a button-menu lookup costs no round trip here). */
  getValue(key: string): Promise<string | undefined> {
    return Promise.resolve(this.#values.get(key));
  }

  /** Reads a value at once, with no promise (see `peekValue`). */
  [PEEK_VALUE](key: string): string | undefined {
    return this.#values.get(key);
  }

  /** Writes a value for `ttlMs`. */
  setValue(key: string, value: string, ttlMs: number): Promise<void> {
    this.#values.set(key, value, ttlMs);
    return Promise.resolve();
  }

  /** Removes a value. */
  deleteValue(key: string): Promise<void> {
    this.#values.delete(key);
    return Promise.resolve();
  }

  /** Removes a value if it is still `expected`. */
  deleteValueIf(key: string, expected: string): Promise<void> {
    if (this.#values.get(key) === expected) this.#values.delete(key);
    return Promise.resolve();
  }
}

/** The default, single-process coordination state. */
export function memoryState(options?: MemoryStateOptions): MemoryState {
  return new MemoryState(options);
}
