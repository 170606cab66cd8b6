import type {
  DurableInbox,
  InboxAdmission,
  InboxEntry,
  InboxOptions,
  InboxTurn,
} from '@pactbot/core';
import { isStateFailure } from '@pactbot/core/internal';
import type { RedisClient } from './connection.js';
import { guarded } from './errors.js';
import { HoldIndex, lineOfHold, processOf } from './hold-index.js';
import { ADMIT, DUE, DUE_NOW, EXTEND, FINISH, INDEX, TAKE, UNINDEX } from './inbox-scripts.js';
import {
  encodeEntry,
  IDLE_TTL_MS,
  inboxTurn,
  lostError,
  type Held,
  type LineRead,
  type TurnHost,
} from './inbox-turn.js';
import type { KeyNames } from './keys.js';

/** What the last look at the indexes found due for a line. */
interface Due {
  /** It is in the pending index. */
  pending: boolean;
  /** Its members in the index of held turns that came due: their holders stopped extending them. */
  holds: string[];
}

/**
 * The durable inbox in Redis. Each line (a conversation) is a list of entries under the
 * conversation's hash tag, with the dedup marks of its updates, its holder (a lease), the fencing
 * tickets it shares with the conversation's lock, and the session and button menu — so admitting
 * an update (dedup, queue, taking the turn when it is free, and reading the session and menu for
 * it) is one script, and completing it (marking it handled, saving the session and menu, and
 * moving on or letting go) another: two round trips for an update.
 *
 * Two indexes, each one sorted set outside any line, let any process find lines nobody works:
 * - the pending index holds lines with entries that no process may be working — admitted by a
 *   process with no room while the line was free, or left by a holder that stopped — due at once.
 *   A line leaves it only while a holder holds the line: right after taking it, or, when the line
 *   looked empty, before looking again and letting go (see FINISH). An admission that finds the
 *   line held indexes nothing: the holder finds the entry before it lets go, as completing and
 *   letting go are one step on the line's keys.
 * - the index of held turns (see `HoldIndex`) holds one member per hold, recorded in the round
 *   trip that takes the turn and due when it would lapse; the heartbeat keeps it ahead. A holder
 *   that dies leaves its member to come due, and the process that finds it takes the line over.
 *   Each member names its own hold, so a holder removes its own whenever it likes once it let go
 *   — not in the update's round trips — and a turn that lapsed leaves its own in place for
 *   whoever finds the line.
 *
 * So an entry that arrives while a line changes hands is never left unindexed and unheld: it is
 * admitted to a held line (its holder finds it) or to a free one (its admitter takes the turn, or
 * indexes the line as pending once it is queued), and a line leaves the pending index only under
 * a holder, whose own member stands for it until it lets go.
 */
export class RedisInbox implements DurableInbox {
  readonly #redis: RedisClient;
  readonly #keys: KeyNames;
  readonly #owner: string;
  readonly #holds: HoldIndex;
  readonly #host: TurnHost;
  readonly #held = new Map<string, Held>();
  /** What the last look at the indexes found due, by line, for `take`. */
  #due = new Map<string, Due>();
  /**
   * Lines whose turn this process asked for without an answer (Redis went away meanwhile): it may
   * hold them unawares (a ghost), and looks at them with the next look for work, taking its own
   * ghosts over at once rather than when their hold comes due.
   */
  readonly #unanswered = new Set<string>();
  #heartbeat: NodeJS.Timeout | undefined;
  #heartbeatMs = 0;

  constructor(redis: RedisClient, keys: KeyNames, owner: string, place: object) {
    this.#redis = redis;
    this.#keys = keys;
    this.#owner = owner;
    this.#holds = new HoldIndex(redis, keys, owner);
    this.#host = {
      redis,
      keys,
      place,
      holds: this.#holds,
      forget: (held) => {
        if (this.#held.get(held.line) === held) this.#held.delete(held.line);
      },
      lookAgain: (line) => this.#unanswered.add(line),
    };
  }

  /** Deduplicates and queues an update; takes its line's turn when asked and free. */
  async admit(entry: InboxEntry, options: InboxOptions): Promise<InboxAdmission> {
    const keys = this.#keys.inbox(entry.line);
    const take = options.take === true;
    const admitted = guarded('inbox admission', () =>
      ADMIT.run(
        this.#redis,
        [
          this.#keys.inboxClaim(entry.line, entry.id),
          keys.queue,
          keys.version,
          keys.owner,
          keys.tickets,
          keys.fence,
          keys.session,
          keys.menu,
        ],
        [
          encodeEntry(entry),
          options.dedupTtlMs,
          IDLE_TTL_MS,
          take ? `${this.#owner}:` : '',
          options.leaseMs,
        ],
      ),
    );
    // The hold is recorded in the same round trip, due when the turn's lease would run out, so a
    // process that dies holding the turn is taken over. (Without the turn, the line is indexed as
    // pending only once the entry is queued — see below.)
    const hold = take ? this.#holds.create(entry.line) : undefined;
    const [admission, recorded] = await Promise.allSettled([
      admitted,
      hold && this.#holds.record(hold, options.leaseMs),
    ]);
    // No answer: the script may have taken the turn all the same (a ghost), and the hold, if it
    // was recorded, stands for it until a process finds it due and takes the line over — this one
    // sooner, at its next look for work.
    if (admission.status === 'rejected') {
      // (Without the turn, the entry may be queued and the line not yet pending: so looked at too.)
      this.#unanswered.add(entry.line);
      throw admission.reason;
    }
    const answer = admission.value as [
      string,
      number?,
      string?,
      (string | null)?,
      (string | null)?,
    ];
    const [status] = answer;
    // Asked for the turn and answered: any ghost of this process was taken anew, or is none.
    if (take) this.#unanswered.delete(entry.line);
    if (status !== 'taken' && hold) this.#holds.drop(hold, options.leaseMs);
    if (status === 'duplicate') return { status: 'duplicate' };
    if (status === 'present') return { status: 'queued', fresh: false };
    if (status === 'taken') {
      // A hold the round trip could not record is tried again now, and by every heartbeat (which
      // adds what is missing); the turn runs meanwhile.
      if (recorded?.status === 'rejected') {
        this.#holds.record(hold!, options.leaseMs).catch(() => undefined);
      }
      const turn = this.#turn(
        entry.line,
        Number(answer[1]),
        // '' when the head is this very entry: taken as it is, not decoded from its JSON again.
        answer[2] === '' ? entry : answer[2]!,
        [answer[3] ?? null, answer[4] ?? null],
        hold!,
        options,
      );
      return { status: 'taken', turn };
    }
    // Queued for whoever has room: due at once, unless someone holds the line (who finds the entry
    // before letting go). Indexed only now, after the entry is queued, so a holder that empties the
    // line meanwhile cannot remove the entry's index before it exists.
    if (Number(answer[1]) === 0) {
      await guarded('inbox index', () =>
        DUE_NOW.run(this.#redis, [this.#keys.inboxPending], [entry.line]),
      );
    }
    return { status: 'queued', fresh: true };
  }

  /** Takes a line's turn unless someone holds it; undefined when it is held or empty. */
  async take(line: string, options: InboxOptions): Promise<InboxTurn | undefined> {
    const keys = this.#keys.inbox(line);
    // A line the indexes were not asked about is treated as pending: the careful way.
    const due = this.#due.get(line) ?? { pending: true, holds: [] };
    this.#due.delete(line);
    const hold = this.#holds.create(line);
    const [taken, recorded] = await Promise.allSettled([
      guarded('inbox take', () =>
        TAKE.run(
          this.#redis,
          [keys.owner, keys.tickets, keys.fence, keys.queue, keys.session, keys.menu],
          [`${this.#owner}:`, options.leaseMs, IDLE_TTL_MS],
        ),
      ),
      this.#holds.record(hold, options.leaseMs),
    ]);
    // No answer: the turn may be a ghost of this process now, which its hold stands for.
    if (taken.status === 'rejected') {
      this.#unanswered.add(line);
      throw taken.reason;
    }
    this.#unanswered.delete(line);
    const answer = taken.value as [
      string,
      number,
      string | null,
      (string | null)?,
      (string | null)?,
    ];
    if (answer[0] === 'busy') {
      this.#holds.drop(hold, options.leaseMs);
      const pttl = Math.max(1, Number(answer[1]));
      const holder = String(answer[2]);
      // Someone holds it: look again when that turn's lease would run out.
      if (due.pending) await this.#index(line, pttl);
      for (const stale of due.holds) {
        // A hold of another process than the holder's is over: the holder stands for the line.
        if (processOf(stale) !== processOf(holder)) this.#holds.drop(stale, options.leaseMs);
        else await this.#holds.record(stale, pttl).catch(() => undefined);
      }
      return undefined;
    }
    const ticket = Number(answer[1]);
    const token = `${this.#owner}:${ticket}`;
    // This hold stands for the line now (once recorded): the ones that came due are over.
    if (recorded.status === 'fulfilled') {
      for (const stale of due.holds) this.#holds.drop(stale, options.leaseMs);
    }
    let head = answer[2];
    let read: LineRead = [answer[3] ?? null, answer[4] ?? null];
    if (head === null) {
      // Empty: it leaves the pending index while this process holds it, and the turn is given up
      // unless an entry came meanwhile.
      const next = await this.#finish(line, token, options, hold).catch((error: unknown) => {
        // No answer: maybe still held here, unawares (its hold stands for it meanwhile).
        if (isStateFailure(error)) this.#unanswered.add(line);
        throw error;
      });
      if (!next) return undefined;
      [head, read] = next;
    } else if (due.pending && recorded.status === 'fulfilled') {
      // Held now, and its hold recorded: the line need not stay pending (see the class comment).
      void guarded('inbox index', () =>
        UNINDEX.run(this.#redis, [this.#keys.inboxPending], [line]),
      ).catch(() => undefined);
    }
    return this.#turn(line, ticket, head, read, hold, options);
  }

  /** Lines due to be looked at: nobody holds them, or their holder's lease is about to run out. */
  async pending(limit: number): Promise<string[]> {
    const most = Math.max(1, limit);
    const [pending, held] = (await Promise.all([
      guarded('inbox index', () => DUE.run(this.#redis, [this.#keys.inboxPending], [most])),
      this.#holds.due(most),
    ])) as [string[], string[]];
    const due = new Map<string, Due>();
    for (const line of pending) due.set(line, { pending: true, holds: [] });
    for (const line of this.#unanswered) {
      if (!due.has(line) && !this.#held.has(line)) due.set(line, { pending: true, holds: [] });
    }
    for (const member of held) {
      if (this.#holds.ended(member)) continue;
      const line = lineOfHold(member);
      if (this.#held.get(line)?.hold === member) continue;
      let found = due.get(line);
      if (!found) due.set(line, (found = { pending: false, holds: [] }));
      found.holds.push(member);
    }
    this.#due = due;
    return [...due.keys()].slice(0, most);
  }

  #index(line: string, delayMs: number): Promise<unknown> {
    return guarded('inbox index', () =>
      INDEX.run(this.#redis, [this.#keys.inboxPending], [line, Math.max(0, Math.ceil(delayMs))]),
    );
  }

  /**
   * Removes an empty line from the pending index, then gives its turn up unless an entry arrived
   * in between; answers that entry (and the line's session and menu) then. (Removing first is what
   * keeps an entry admitted meanwhile from being left unindexed: see the class comment.)
   */
  async #finish(
    line: string,
    token: string,
    options: InboxOptions,
    hold: string,
  ): Promise<[string, LineRead] | undefined> {
    const keys = this.#keys.inbox(line);
    await guarded('inbox index', () => UNINDEX.run(this.#redis, [this.#keys.inboxPending], [line]));
    const answer = (await guarded('inbox finish', () =>
      FINISH.run(
        this.#redis,
        [keys.owner, keys.queue, keys.session, keys.menu],
        [token, options.leaseMs],
      ),
    )) as [string, string?, (string | null)?, (string | null)?];
    if (answer[0] === 'next') return [answer[1]!, [answer[2] ?? null, answer[3] ?? null]];
    // A lost turn keeps its hold in the index (see `lapsed`).
    if (answer[0] === 'lost') throw lostError(line);
    this.#holds.drop(hold, options.leaseMs);
    return undefined;
  }

  #turn(
    line: string,
    ticket: number,
    head: string | InboxEntry,
    read: LineRead,
    hold: string,
    options: InboxOptions,
  ): InboxTurn {
    const held: Held = {
      line,
      token: `${this.#owner}:${ticket}`,
      ticket,
      hold,
      leaseMs: options.leaseMs,
      extendedAt: Date.now(),
      lost: new AbortController(),
    };
    this.#held.set(line, held);
    this.#startHeartbeat(options.leaseMs);
    return inboxTurn(this.#host, held, head, read, options);
  }

  #startHeartbeat(leaseMs: number): void {
    const every = Math.max(20, Math.floor(leaseMs / 3));
    if (this.#heartbeat && every >= this.#heartbeatMs) return;
    clearInterval(this.#heartbeat);
    this.#heartbeatMs = every;
    // One timer extends every turn this process holds, a third of a lease before they would lapse.
    this.#heartbeat = setInterval(() => this.#beat(), every);
    this.#heartbeat.unref();
  }

  #beat(): void {
    if (this.#held.size === 0) {
      clearInterval(this.#heartbeat);
      this.#heartbeat = undefined;
      return;
    }
    for (const held of this.#held.values()) {
      const sentAt = Date.now();
      const keys = this.#keys.inbox(held.line);
      const lost = () => {
        // A turn let go meanwhile (completed, released) lapsed as it should. Otherwise its hold
        // stays in the index, for whoever finds the line (see `lapsed` in `inboxTurn`).
        if (this.#held.get(held.line) !== held) return;
        held.lost.abort(lostError(held.line));
        this.#held.delete(held.line);
      };
      EXTEND.run(this.#redis, [keys.owner], [held.token, held.leaseMs]).then(
        (still) => {
          if (still === 1) held.extendedAt = sentAt;
          else lost();
        },
        () => {
          // Redis is away; once a whole lease went by without an extension, the turn is surely gone.
          if (Date.now() - held.extendedAt > held.leaseMs) lost();
        },
      );
      // The hold stays due when this lease would run out, should the holder die (and is
      // recorded here if the round trip that took the turn could not).
      this.#holds.record(held.hold, held.leaseMs).catch(() => undefined);
    }
  }

  /** Stops extending turns, and removes the holds that ended from the index. */
  async close(): Promise<void> {
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
    await this.#holds.close();
  }
}
