import type { RateLimiter } from '../api/rate-limit.js';

/**
 * Proof of holding a conversation's lock, for storage that must refuse a stale holder: tokens
 * only grow, so a write carrying a token lower than the newest granted one comes from a holder
 * whose lock expired.
 */
export interface Fence {
  /** The lock's key (the conversation's line). */
  key: string;
  /** The holder's token. */
  token: number;
}

/** A claim on an update: this process handles it; redeliveries meanwhile are duplicates. */
export interface UpdateClaim {
  /** Handled: remember the update for the dedup window, so redeliveries are not run again. */
  complete(): Promise<void>;
  /** Not handled: forget the claim, so Pact's redelivery can run the update again. */
  release(): Promise<void>;
}

/** A turn in a conversation's line: held until released. */
export interface ConversationLock {
  /** The fencing token of this turn. */
  readonly fence: Fence;
  /** Aborted if the lock is lost before release (its lease ran out, or the store went away). */
  readonly lost: AbortSignal;
  /** Ends the turn; the next in line goes. Only the holder can release its turn. */
  release(): Promise<void>;
}

/** Options of {@link BotState.claim}. */
export interface ClaimOptions {
  /** How long a claim lasts if its holder vanishes without completing or releasing it. */
  leaseMs: number;
  /** How long a completed update is remembered; longer than Pact's redelivery window. */
  ttlMs: number;
}

/** Options of {@link BotState.lock}. */
export interface LockOptions {
  /** How long the lock lasts if its holder vanishes; a live holder's lock is extended. */
  leaseMs: number;
  /** Stop waiting for the turn. */
  signal?: AbortSignal | undefined;
}

/**
 * The coordination state of a bot: dedup claims, per-conversation locks, a small store for button
 * menus, and optionally a sending budget. The memory implementation serves one process;
 * `redisState` from `@pactbot/session-redis` shares it between processes.
 */
export interface BotState {
  /** Claims an update by its identity. Resolves undefined when it is already handled or being handled. */
  claim(id: string, options: ClaimOptions): Promise<UpdateClaim | undefined>;
  /**
   * Joins the line of `key`; resolves when it is the caller's turn. Turns are granted one at a
   * time, in the order `lock` was called.
   */
  lock(key: string, options: LockOptions): Promise<ConversationLock>;
  /** Reads a small value. */
  getValue(key: string): Promise<string | undefined>;
  /** Writes a small value for `ttlMs`. */
  setValue(key: string, value: string, ttlMs: number): Promise<void>;
  /** Removes a value. */
  deleteValue(key: string): Promise<void>;
  /** A sending budget shared by every process using this state, if it has one. */
  readonly rateLimiter?: RateLimiter | undefined;
  /** Releases the state's resources (timers, connections it opened). */
  close?(): Promise<void>;
}
