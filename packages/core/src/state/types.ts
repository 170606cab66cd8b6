import type { RateLimiter } from '../api/rate-limit.js';
import type { Update } from '../webhook/types.js';

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

/** Options of reads and writes of {@link BotState} values. */
export interface ValueOptions {
  /** The caller's turn of the line the value is kept with: its read may come from the turn's values. */
  lock?: ConversationLock | undefined;
}

/** A claim on an update: this process handles it; redeliveries meanwhile are duplicates. */
export interface UpdateClaim {
  /** Handled: remember the update for the dedup window, so redeliveries are not run again. */
  complete(): Promise<void>;
  /** Not handled: forget the claim, so Pact's redelivery can run the update again. */
  release(): Promise<void>;
}

/**
 * A write a turn applies when it completes, in the same step that records its update as handled
 * (see {@link TurnValues.stage}).
 */
export interface StagedWrite {
  /** The new value; null removes it. */
  value: string | null;
  /** How long a new value lives, in ms; 0 or none keeps it for good. */
  ttlMs?: number | undefined;
  /** Apply the write only if the stored value is still this one, as it is when the turn completes. */
  ifValue?: string | undefined;
}

/**
 * Values of a conversation that its turn read when it was taken, and writes it applies when it
 * completes. A state offers them when taking and completing a turn are scripts that can reach the
 * conversation's other keys (the Redis inbox: the step that takes the turn also reads the session
 * and the button menu; the step that completes the update also saves them, atomically with
 * marking it handled — so an update that runs again after a crash never counts twice). A store
 * uses them only when `place` is its own: same server, same key prefix.
 */
export interface TurnValues {
  /** Where the values live: a store or state keeping its data in the same place holds this same object. */
  readonly place: object;
  /**
   * A value as read with the turn, by its key in that place, with this turn's staged writes
   * applied: its text, null when there was none, undefined when the turn did not read it (read it
   * yourself then).
   */
  read(key: string): string | null | undefined;
  /**
   * Applies `write` to `key` when the turn completes — in one step with the completion, and only
   * if the turn is still held then; a later write to the same key replaces this one. False when
   * the turn cannot (the key is not kept with its conversation, or it completed already): write it
   * yourself then. Absent where turns complete in a step of their own (a plain conversation lock).
   */
  stage?(key: string, write: StagedWrite): boolean;
}

/** A turn in a conversation's line: held until released. */
export interface ConversationLock {
  /** The fencing token of this turn. */
  readonly fence: Fence;
  /**
   * What the turn read of its conversation when it was taken (the session, the button menu), and
   * the writes it can apply with its completion. Only some states offer it; see {@link TurnValues}.
   */
  readonly values?: TurnValues | undefined;
  /** Aborted if the lock is lost before release (its lease ran out, or the store went away). */
  readonly lost: AbortSignal;
  /** Ends the turn; the next in line goes. Only the holder can release its turn. */
  release(): Promise<void>;
  /**
   * Whether the turn is surely still held: false once its lease may have run out (no successful
   * extension within a lease), which also aborts `lost`. Checked before every send, so a holder
   * that stalled past its lease does not reply after another process took over.
   */
  stillHeld?(): boolean;
}

/** What `claimUpdate` found: the claim is the caller's, the update was handled, or someone holds it. */
export type ClaimResult =
  { status: 'claimed'; claim: UpdateClaim } | { status: 'done' } | { status: 'held' };

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

/** An update admitted to a durable inbox: its identity, its line and the update itself. */
export interface InboxEntry {
  /** The update's identity (equal for every redelivery of its webhook). */
  readonly id: string;
  /** The line it waits in: its conversation's key, or a line of its own. */
  readonly line: string;
  /** The update. */
  readonly update: Update;
}

/** Options of {@link DurableInbox.admit} and {@link DurableInbox.take}. */
export interface InboxOptions {
  /** How long a turn lasts if its holder vanishes; a live holder's turn is extended. */
  leaseMs: number;
  /** How long a handled update is remembered against redeliveries. */
  dedupTtlMs: number;
  /** Take the line's turn at once if it is free (the caller has room to run it). */
  take?: boolean | undefined;
}

/** What became of an update offered to a durable inbox. */
export type InboxAdmission =
  /** Handled before: a redelivery. */
  | { status: 'duplicate' }
  /** Queued (`fresh`: now; otherwise by an earlier delivery): some process will run it. */
  | { status: 'queued'; fresh: boolean }
  /** Queued, and the line's turn is the caller's: run `turn.entry`. */
  | { status: 'taken'; turn: InboxTurn };

/**
 * The turn of one line of a durable inbox, held by one process: it runs the line's head entry,
 * then completes it and moves on to the next. Its lease is extended while held; a holder that
 * stalls past it loses the turn (`lost`), and another process takes the line over.
 */
export interface InboxTurn extends ConversationLock {
  /** The entry at the head of the line: the one to run now. */
  readonly entry: InboxEntry;
  /**
   * The head was run: removes it, remembers it as handled for the dedup window, applies the writes
   * staged on the turn's `values` (all in one step), and moves to the next entry — resolving with
   * the turn for it, or undefined when the line is empty (the turn is then given up). Rejects when
   * the turn was lost meanwhile; its staged writes are not applied then.
   */
  complete(): Promise<InboxTurn | undefined>;
}

/**
 * A durable, shared queue of admitted updates, one line per conversation: what lets a webhook be
 * answered 200 as soon as its update is queued, with any process of the bot running it — also
 * after the one that admitted it died. Lines are run one entry at a time, in arrival order.
 */
export interface DurableInbox {
  /** Deduplicates an update by its identity and queues it in its line, in one step. */
  admit(entry: InboxEntry, options: InboxOptions): Promise<InboxAdmission>;
  /** Takes the turn of a line with queued entries, unless someone holds it. */
  take(line: string, options: InboxOptions): Promise<InboxTurn | undefined>;
  /** Lines that may have queued entries, for a process with room to look for work. */
  pending(limit: number): Promise<string[]>;
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
   * Claims an update and, when it cannot, says why: handled already (a redelivery to answer 200)
   * or held by someone still handling it (to answer 503 until it is handled). States without it
   * are read through `claim`, whose refusals count as handled.
   */
  claimUpdate?(id: string, options: ClaimOptions): Promise<ClaimResult>;
  /**
   * A durable inbox. With one, the bot answers a webhook as soon as its update is queued there,
   * and runs the queue from any of its processes; without, the answer waits for the handler.
   */
  readonly inbox?: DurableInbox | undefined;
  /**
   * Joins the line of `key`; resolves when it is the caller's turn. Turns are granted one at a
   * time, in the order `lock` was called.
   */
  lock(key: string, options: LockOptions): Promise<ConversationLock>;
  /**
   * Reads a small value. A key of the form `{<line>}:<name>` (see `lineValueKey`) is kept with
   * that line — in its hash slot on Redis — and, given the caller's turn of the line, may be
   * answered from what the turn read when it was taken.
   */
  getValue(key: string, options?: ValueOptions): Promise<string | undefined>;
  /** Writes a small value for `ttlMs`. */
  setValue(key: string, value: string, ttlMs: number): Promise<void>;
  /** Removes a value. */
  deleteValue(key: string): Promise<void>;
  /**
   * Removes a value if it is still `expected`, in one step. Given the caller's turn of the line the
   * key is kept with, the removal may be staged on the turn and applied when it completes. States
   * without it are read, compared and written in three steps, which is as good inside a turn.
   */
  deleteValueIf?(key: string, expected: string, options?: ValueOptions): Promise<void>;
  /** A sending budget shared by every process using this state, if it has one. */
  readonly rateLimiter?: RateLimiter | undefined;
  /** Releases the state's resources (timers, connections it opened). */
  close?(): Promise<void>;
}
