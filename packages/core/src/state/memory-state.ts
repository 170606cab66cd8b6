import { TtlMap } from '../util/ttl-map.js';
import type {
  BotState,
  ClaimOptions,
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

/**
 * The coordination state of a bot in one process: dedup marks in a bounded map, a FIFO line per
 * conversation, values with a time to live. Nothing outlives the process.
 */
export class MemoryState implements BotState {
  readonly #claims: TtlMap<string, 'handling' | 'done'>;
  readonly #values: TtlMap<string, string>;
  readonly #tails = new Map<string, Promise<void>>();
  #fence = 0;

  constructor(options: MemoryStateOptions = {}) {
    this.#claims = new TtlMap(options.maxClaims ?? 200_000);
    this.#values = new TtlMap(options.maxValues ?? 100_000);
  }

  /** Claims an update unless it is handled or being handled. */
  claim(id: string, options: ClaimOptions): Promise<UpdateClaim | undefined> {
    if (this.#claims.get(id) !== undefined) return Promise.resolve(undefined);
    // A process crash takes the claim with it, so no lease is needed here.
    this.#claims.set(id, 'handling', Number.MAX_SAFE_INTEGER / 2);
    return Promise.resolve({
      complete: () => {
        this.#claims.set(id, 'done', options.ttlMs);
        return Promise.resolve();
      },
      release: () => {
        this.#claims.delete(id);
        return Promise.resolve();
      },
    });
  }

  /** Joins the line of `key`; resolves at the caller's turn. */
  async lock(key: string, options: LockOptions): Promise<ConversationLock> {
    const previous = this.#tails.get(key);
    let open!: () => void;
    const mine = new Promise<void>((resolve) => (open = resolve));
    this.#tails.set(key, mine);
    const token = ++this.#fence;
    const release = (): Promise<void> => {
      if (this.#tails.get(key) === mine) this.#tails.delete(key);
      open();
      return Promise.resolve();
    };
    if (previous) {
      try {
        await waitOrAbort(previous, options.signal);
      } catch (error) {
        // Giving up the place must not stall those behind it: pass the turn on when it comes.
        void previous.then(release);
        throw error;
      }
    }
    return { fence: { key, token }, lost: NEVER, release };
  }

  /** Reads a value. */
  getValue(key: string): Promise<string | undefined> {
    return Promise.resolve(this.#values.get(key));
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
}

function waitOrAbort(promise: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, reject);
  });
}

/** The default, single-process coordination state. */
export function memoryState(options?: MemoryStateOptions): MemoryState {
  return new MemoryState(options);
}
