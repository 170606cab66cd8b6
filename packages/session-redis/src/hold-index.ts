import type { RedisClient } from './connection.js';
import { guarded } from './errors.js';
import { DUE, HOLD } from './inbox-scripts.js';
import type { KeyNames } from './keys.js';

/** Most ended holds removed from the index in one command. */
const DROPS_PER_COMMAND = 256;

/** The line a member of the index of held turns (`<line>\n<owner>:<n>`) is about. */
export function lineOfHold(member: string): string {
  return member.slice(0, member.lastIndexOf('\n'));
}

/** The process a member of the index of held turns or a holder token (`<owner>:<ticket>`) names. */
export function processOf(holdOrToken: string): string {
  const from = holdOrToken.lastIndexOf('\n') + 1;
  return holdOrToken.slice(from, holdOrToken.lastIndexOf(':'));
}

/**
 * This process's side of the index of held turns: one member per hold (`<line>\n<owner>:<n>`),
 * scored by when the hold would lapse unless extended, so a process that finds one due takes the
 * line of a holder that died. Each member names its own hold, so removing one never removes
 * another's, and removing it may wait: holds that ended leave with the next command this process
 * sends to the index (recording a hold, or a heartbeat's extension), or within half a lease when
 * none goes sooner — before they would come due. (A hold found due before it was removed is
 * merely early: the process that found it takes the line, finds it empty or runs what came since,
 * and lets go.)
 */
export class HoldIndex {
  readonly #redis: RedisClient;
  readonly #keys: KeyNames;
  readonly #owner: string;
  /** Holds that ended, to remove with the next command to the index. */
  readonly #ended = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #count = 0;
  #closed = false;

  constructor(redis: RedisClient, keys: KeyNames, owner: string) {
    this.#redis = redis;
    this.#keys = keys;
    this.#owner = owner;
  }

  /** A new member for a hold of `line` by this process. */
  create(line: string): string {
    return `${line}\n${this.#owner}:${++this.#count}`;
  }

  /** Whether `hold` ended here and waits to be removed. */
  ended(hold: string): boolean {
    return this.#ended.has(hold);
  }

  /** Members that came due: their holders stopped extending them. */
  due(most: number): Promise<string[]> {
    return guarded('inbox index', () =>
      DUE.run(this.#redis, [this.#keys.inboxHeld], [most]),
    ) as Promise<string[]>;
  }

  /**
   * Records a hold as due `delayMs` from now (or moves it later), removing ended holds in the same
   * command; `hold` '' only removes.
   */
  record(hold: string, delayMs: number): Promise<unknown> {
    const ended = [...this.#ended].slice(0, DROPS_PER_COMMAND);
    for (const member of ended) this.#ended.delete(member);
    if (this.#ended.size === 0) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    return guarded('inbox index', () =>
      HOLD.run(
        this.#redis,
        [this.#keys.inboxHeld],
        [hold, Math.max(0, Math.ceil(delayMs)), ...ended],
      ),
    ).catch((error: unknown) => {
      // Removed another time, then.
      for (const member of ended) this.#ended.add(member);
      if (ended.length > 0) this.#schedule(delayMs);
      throw error;
    });
  }

  /** Marks a hold as over; it leaves the index later (see the class comment). */
  drop(hold: string, leaseMs: number): void {
    this.#ended.add(hold);
    this.#schedule(leaseMs);
  }

  #schedule(leaseMs: number): void {
    if (this.#timer || this.#closed) return;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        void this.#flush();
      },
      Math.max(10, Math.floor(leaseMs / 2)),
    );
    this.#timer.unref();
  }

  async #flush(): Promise<void> {
    while (this.#ended.size > 0) {
      try {
        await this.record('', 0);
      } catch {
        return;
      }
    }
  }

  /** Removes the holds that ended, and schedules nothing more. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    // Left in the index if this fails: they come due, and are found over.
    await this.#flush();
  }
}
