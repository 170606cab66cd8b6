import { lineValueKey } from '@pactbot/core/internal';

/**
 * Redis key names. Every key of one conversation carries the same hash tag — `{42:conversation:7}`,
 * the conversation's lock key, which is also its default session key — so they share a hash slot
 * and one script can touch them all on Redis Cluster.
 */
export class KeyNames {
  readonly #prefix: string;

  constructor(prefix: string) {
    this.#prefix = prefix;
  }

  /** The keys of a conversation's lock: its line, the deadlines of those in it, the ticket counter and the current fence. */
  lock(key: string): { queue: string; deadlines: string; tickets: string; fence: string } {
    const tag = `${this.#prefix}{${key}}`;
    return {
      queue: `${tag}:line`,
      deadlines: `${tag}:deadlines`,
      tickets: `${tag}:tickets`,
      fence: `${tag}:fence`,
    };
  }

  /** The fence key of a lock: the token of its newest holder. */
  fence(lockKey: string): string {
    return `${this.#prefix}{${lockKey}}:fence`;
  }

  /**
   * The keys of a line of the durable inbox: its queue, the version of its last admission, its
   * holder, and the tickets and fence it shares with the conversation's lock (one fencing
   * sequence, whichever of the two granted the turn).
   */
  inbox(line: string): {
    queue: string;
    version: string;
    owner: string;
    tickets: string;
    fence: string;
    session: string;
    menu: string;
  } {
    const tag = `${this.#prefix}{${line}}`;
    return {
      queue: `${tag}:inbox`,
      version: `${tag}:inbox-version`,
      owner: `${tag}:owner`,
      tickets: `${tag}:tickets`,
      fence: `${tag}:fence`,
      ...this.lineValues(line),
    };
  }

  /**
   * The values kept with a line that a turn of it reads when it is taken: the session of
   * `RedisSessionStore` under the line's key, and the button menu (a state value under
   * `lineValueKey(line, 'menu')`).
   */
  lineValues(line: string): { session: string; menu: string } {
    return { session: this.session(line), menu: this.value(lineValueKey(line, 'menu')) };
  }

  /** The dedup mark of an update admitted to a line: `queued`, then `done`. */
  inboxClaim(line: string, id: string): string {
    return `${this.#prefix}{${line}}:claim:${id}`;
  }

  /**
   * The index of lines that may have queued entries nobody works on, scored by when to look at
   * them; its members are lines.
   */
  get inboxPending(): string {
    return `${this.#prefix}inbox-pending`;
  }

  /**
   * The index of turns being held, scored by when each would lapse unless extended: what lets a
   * process find the lines of a holder that died. Its members name a line and a hold of one
   * process (`<line>\n<owner>:<n>`), so each is removed only by what it concerns.
   */
  get inboxHeld(): string {
    return `${this.#prefix}inbox-held`;
  }

  /** A session. */
  session(key: string, name = 'session'): string {
    return `${this.#prefix}{${key}}:${name}`;
  }

  /** A dedup claim on an update. */
  claim(id: string): string {
    return `${this.#prefix}claim:${id}`;
  }

  /**
   * A small value (button menus). A key kept with a line, `{<line>}:<name>`, keeps its hash tag,
   * so it lives in the line's slot.
   */
  value(key: string): string {
    return key.startsWith('{') ? `${this.#prefix}${key}` : `${this.#prefix}value:${key}`;
  }

  /** The sending log and pause of a rate budget. */
  rate(key: string): { log: string; pause: string } {
    const tag = `${this.#prefix}{rate:${key}}`;
    return { log: `${tag}:log`, pause: `${tag}:pause` };
  }

  /** The pub/sub channel on which released locks are announced. */
  get releases(): string {
    return `${this.#prefix}lock-released`;
  }
}
