import type {
  DurableInbox,
  InboxAdmission,
  InboxEntry,
  InboxOptions,
  InboxTurn,
  Update,
} from '@pactbot/core';
import type { RedisClient } from './connection.js';
import { guarded } from './errors.js';
import {
  ADMIT,
  COMPLETE,
  DUE,
  DUE_NOW,
  EXTEND,
  FINISH,
  INDEX,
  RELEASE,
  TAKE,
  UNINDEX,
} from './inbox-scripts.js';
import type { KeyNames } from './keys.js';

/** How long an idle line's keys (its empty queue, tickets, fence) are kept. */
const IDLE_TTL_MS = 24 * 60 * 60 * 1000;

/** An entry as the queue stores it: its identity, a newline, the update as JSON. */
function encode(entry: InboxEntry): string {
  return `${entry.id}\n${JSON.stringify(entry.update)}`;
}

function decode(line: string, stored: string): InboxEntry {
  const cut = stored.indexOf('\n');
  return {
    id: stored.slice(0, cut),
    line,
    update: JSON.parse(stored.slice(cut + 1)) as Update,
  };
}

/** A turn this process holds, for the heartbeat. */
interface Held {
  line: string;
  token: string;
  leaseMs: number;
  /** When the last extension that succeeded was sent: the lease runs from when Redis got it. */
  extendedAt: number;
  lost: AbortController;
}

/**
 * The durable inbox in Redis. Each line (a conversation) is a list of entries under the
 * conversation's hash tag, with the dedup marks of its updates, its holder (a lease) and the
 * fencing tickets it shares with the conversation's lock — so admitting an update (dedup, queue,
 * and taking the turn when it is free) is one script, one round trip. An index of lines (a sorted
 * set, scored by when a line is due to be looked at) lets any process find lines nobody works:
 * lines admitted by a process with no room, and lines whose holder died, once its lease ran out.
 *
 * A line leaves the index only while its holder still holds it and finds it empty afterwards
 * (remove, then look again, then let go), so an entry that arrives meanwhile is never left
 * unindexed and unheld.
 */
export class RedisInbox implements DurableInbox {
  readonly #redis: RedisClient;
  readonly #keys: KeyNames;
  readonly #owner: string;
  readonly #held = new Map<string, Held>();
  #heartbeat: NodeJS.Timeout | undefined;
  #heartbeatMs = 0;

  constructor(redis: RedisClient, keys: KeyNames, owner: string) {
    this.#redis = redis;
    this.#keys = keys;
    this.#owner = owner;
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
        ],
        [
          encode(entry),
          options.dedupTtlMs,
          IDLE_TTL_MS,
          take ? `${this.#owner}:` : '',
          options.leaseMs,
        ],
      ),
    );
    // Indexed in the same round trip: due when the turn's lease would run out, so a process
    // that dies holding it is taken over. (Without the turn, the line is indexed as due now,
    // after the entry is queued — see below.)
    const indexed = take ? this.#index(entry.line, options.leaseMs) : undefined;
    const [answer] = await Promise.all([admitted, indexed]);
    const [status, ticket, head] = answer as [string, number?, string?];
    if (status === 'duplicate') return { status: 'duplicate' };
    if (status === 'present') return { status: 'queued', fresh: false };
    if (status === 'taken') {
      return { status: 'taken', turn: this.#turn(entry.line, Number(ticket), head!, options) };
    }
    // Queued for whoever has room: due at once. Indexed only now, after the entry is queued, so
    // a holder that empties the line meanwhile cannot remove the entry's index before it exists.
    if (!take) await this.#index(entry.line, 0);
    return { status: 'queued', fresh: true };
  }

  /** Takes a line's turn unless someone holds it; undefined when it is held or empty. */
  async take(line: string, options: InboxOptions): Promise<InboxTurn | undefined> {
    const keys = this.#keys.inbox(line);
    const answer = (await guarded('inbox take', () =>
      TAKE.run(
        this.#redis,
        [keys.owner, keys.tickets, keys.fence, keys.queue],
        [`${this.#owner}:`, options.leaseMs, IDLE_TTL_MS],
      ),
    )) as [string, number, string | null];
    if (answer[0] === 'busy') {
      // Someone holds it: look again when that turn's lease would run out.
      await this.#index(line, Math.max(1, Number(answer[1])));
      return undefined;
    }
    const ticket = Number(answer[1]);
    const head = answer[2] ?? (await this.#finish(line, `${this.#owner}:${ticket}`, options));
    // Empty: it left the index while this process held it, and the turn was given up.
    return head ? this.#turn(line, ticket, head, options) : undefined;
  }

  /** Lines due to be looked at: nobody holds them, or their holder's lease is about to run out. */
  async pending(limit: number): Promise<string[]> {
    return (await guarded('inbox index', () =>
      DUE.run(this.#redis, [this.#keys.inboxPending], [Math.max(1, limit)]),
    )) as string[];
  }

  #index(line: string, delayMs: number): Promise<unknown> {
    return guarded('inbox index', () =>
      INDEX.run(this.#redis, [this.#keys.inboxPending], [line, Math.max(0, Math.ceil(delayMs))]),
    );
  }

  /**
   * Removes an empty line from the index, then gives its turn up unless an entry arrived in
   * between; answers that entry's turn then (and indexes the line again, for the holder's lease).
   */
  async #finish(line: string, token: string, options: InboxOptions): Promise<string | undefined> {
    const keys = this.#keys.inbox(line);
    await guarded('inbox index', () => UNINDEX.run(this.#redis, [this.#keys.inboxPending], [line]));
    const answer = (await guarded('inbox finish', () =>
      FINISH.run(this.#redis, [keys.owner, keys.queue], [token, options.leaseMs]),
    )) as [string, string?];
    if (answer[0] === 'next') {
      await this.#index(line, options.leaseMs);
      return answer[1];
    }
    if (answer[0] === 'lost') throw lostError(line);
    return undefined;
  }

  #turn(line: string, ticket: number, head: string, options: InboxOptions): InboxTurn {
    const token = `${this.#owner}:${ticket}`;
    const held: Held = {
      line,
      token,
      leaseMs: options.leaseMs,
      extendedAt: Date.now(),
      lost: new AbortController(),
    };
    this.#held.set(line, held);
    this.#startHeartbeat(options.leaseMs);
    const keys = this.#keys.inbox(line);
    const letGo = () => {
      if (this.#held.get(line) === held) this.#held.delete(line);
    };
    const turnFor = (stored: string): InboxTurn => {
      const entry = decode(line, stored);
      let settled = false;
      let completed = false;
      return {
        entry,
        fence: { key: line, token: ticket },
        lost: held.lost.signal,
        stillHeld: () => {
          if (!held.lost.signal.aborted && Date.now() - held.extendedAt > held.leaseMs) {
            held.lost.abort(new Error(`the turn of ${line} was not extended for a whole lease`));
          }
          return !held.lost.signal.aborted;
        },
        // Safe to call again after a failure: COMPLETE finds its entry gone and repeats nothing,
        // and a line found empty is let go of by FINISH, which may be tried again as well.
        complete: async () => {
          if (!completed) {
            const answer = (await guarded('inbox completion', () =>
              COMPLETE.run(
                this.#redis,
                [keys.owner, keys.queue, this.#keys.inboxClaim(line, entry.id)],
                [token, `${entry.id}\n`, options.dedupTtlMs, options.leaseMs, IDLE_TTL_MS],
              ),
            )) as [string, string?];
            if (answer[0] === 'lost') {
              settled = true;
              held.lost.abort(lostError(line));
              letGo();
              throw lostError(line);
            }
            completed = true;
            held.extendedAt = Date.now();
            if (answer[0] === 'next') {
              settled = true;
              return turnFor(answer[1]!);
            }
          }
          const next = await this.#finish(line, token, options).catch((error: unknown) => {
            if (error instanceof TurnLostError) {
              settled = true;
              held.lost.abort(error);
              letGo();
            }
            throw error;
          });
          settled = true;
          if (next) return turnFor(next);
          letGo();
          return undefined;
        },
        release: async () => {
          if (settled) return;
          settled = true;
          letGo();
          await guarded('inbox release', () => RELEASE.run(this.#redis, [keys.owner], [token]));
          // Its entries stay queued: due at once, for whoever has room.
          await guarded('inbox index', () =>
            DUE_NOW.run(this.#redis, [this.#keys.inboxPending], [line]),
          );
        },
      };
    };
    return turnFor(head);
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
      EXTEND.run(this.#redis, [keys.owner], [held.token, held.leaseMs]).then(
        (still) => {
          if (still === 1) held.extendedAt = sentAt;
          else held.lost.abort(lostError(held.line));
        },
        () => {
          // Redis is away; once a whole lease went by without an extension, the turn is surely gone.
          if (Date.now() - held.extendedAt > held.leaseMs) held.lost.abort(lostError(held.line));
        },
      );
      // The index keeps the line due when this lease would run out, should the holder die.
      INDEX.run(this.#redis, [this.#keys.inboxPending], [held.line, held.leaseMs]).catch(
        () => undefined,
      );
    }
  }

  /** Stops extending turns. */
  close(): void {
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
  }
}

/** The turn of a line passed to another holder while this one still acted on it. */
class TurnLostError extends Error {
  override name = 'TurnLostError';
}

function lostError(line: string): TurnLostError {
  return new TurnLostError(`the turn of ${line} lapsed and passed to another holder`);
}
