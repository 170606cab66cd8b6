import type { InboxEntry, InboxOptions, InboxTurn, Update } from '@pactbot/core';
import type { RedisClient } from './connection.js';
import { guarded, SessionConflictError } from './errors.js';
import type { HoldIndex } from './hold-index.js';
import { COMPLETE, DUE_NOW, RELEASE } from './inbox-scripts.js';
import type { KeyNames } from './keys.js';
import { LineValues, type KeyedWrite } from './turn-values.js';

/** How long an idle line's keys (its empty queue, tickets, fence) are kept. */
export const IDLE_TTL_MS = 24 * 60 * 60 * 1000;

/** A turn this process holds, for the heartbeat. */
export interface Held {
  line: string;
  token: string;
  ticket: number;
  /** Its member in the index of held turns. */
  hold: string;
  leaseMs: number;
  /** When the last extension that succeeded was sent: the lease runs from when Redis got it. */
  extendedAt: number;
  lost: AbortController;
}

/** A line's session and menu, as a script read them (null: none). */
export type LineRead = [session: string | null, menu: string | null];

/** What a turn needs of its inbox. */
export interface TurnHost {
  readonly redis: RedisClient;
  readonly keys: KeyNames;
  /** Where the turn's values live (see `placeOf`). */
  readonly place: object;
  readonly holds: HoldIndex;
  /** Stops extending `held`, if it is still the line's turn here. */
  forget(held: Held): void;
  /** Has the next look for work look at `line` again: this process may hold it unawares. */
  lookAgain(line: string): void;
}

/** An entry as the queue stores it: its identity, a newline, the update as JSON. */
export function encodeEntry(entry: InboxEntry): string {
  return `${entry.id}\n${JSON.stringify(entry.update)}`;
}

function decodeEntry(line: string, stored: string): InboxEntry {
  const cut = stored.indexOf('\n');
  return {
    id: stored.slice(0, cut),
    line,
    update: JSON.parse(stored.slice(cut + 1)) as Update,
  };
}

/**
 * The turn of `held` for its head entry `stored` (as the queue stores it, or the entry itself when
 * the caller has it), and for each next one its completion moves to.
 * Completing marks the entry handled, makes the writes staged on the turn's values (its session
 * and button menu), and moves to the next entry or lets the line go, in one script.
 */
export function inboxTurn(
  host: TurnHost,
  held: Held,
  stored: string | InboxEntry,
  read: LineRead,
  options: InboxOptions,
): InboxTurn {
  const { redis, keys: names, holds } = host;
  const { line, token, ticket, hold } = held;
  const keys = names.inbox(line);
  /** Lets go of the turn here: no more extensions, and its hold leaves the index. */
  const letGo = () => {
    host.forget(held);
    holds.drop(hold, options.leaseMs);
  };
  /**
   * The turn lapsed: no more extensions, but the hold stays in the index, due already — the line
   * may have nobody now (a lease that lapsed and nobody took over yet), and the process that finds
   * the hold takes the line, or drops the hold if someone else holds it.
   */
  const lapsed = () => {
    held.lost.abort(lostError(line));
    host.forget(held);
  };
  const turnFor = (stored: string | InboxEntry, [session, menu]: LineRead): InboxTurn => {
    const entry = typeof stored === 'string' ? decodeEntry(line, stored) : stored;
    const values = new LineValues(
      host.place,
      new Map([
        [keys.session, session],
        [keys.menu, menu],
      ]),
    );
    let settled = false;
    /** A try of COMPLETE failed without an answer: it may have run all the same. */
    let triedBefore = false;
    return {
      entry,
      fence: { key: line, token: ticket },
      lost: held.lost.signal,
      values,
      stillHeld: () => {
        if (!held.lost.signal.aborted && Date.now() - held.extendedAt > held.leaseMs) {
          held.lost.abort(new Error(`the turn of ${line} was not extended for a whole lease`));
        }
        return !held.lost.signal.aborted;
      },
      // Safe to call again after a failure: COMPLETE finds its entry gone and repeats nothing but
      // the staged writes, which leave what they left; a try whose answer was lost and that let
      // the turn go is recognised by the entry's mark.
      complete: async () => {
        if (settled) return undefined;
        const writes = values.seal();
        let answer: [string, (string | null)?, (string | null)?, (string | null)?];
        try {
          answer = (await guarded('inbox completion', () =>
            COMPLETE.run(
              redis,
              [keys.owner, keys.queue, names.inboxClaim(line, entry.id), keys.session, keys.menu],
              [
                token,
                `${entry.id}\n`,
                options.dedupTtlMs,
                options.leaseMs,
                IDLE_TTL_MS,
                ...encodeWrites(writes, [keys.session, keys.menu]),
              ],
            ),
          )) as typeof answer;
        } catch (error) {
          triedBefore = true;
          throw error;
        }
        if (answer[0] === 'lost' && !(triedBefore && answer[1] === 'done')) {
          settled = true;
          lapsed();
          throw refusal(line, ticket, writes, keys.session);
        }
        settled = true;
        held.extendedAt = Date.now();
        if (answer[0] === 'next')
          return turnFor(answer[1]!, [answer[2] ?? null, answer[3] ?? null]);
        letGo();
        return undefined;
      },
      release: async () => {
        if (settled) return;
        settled = true;
        host.forget(held);
        try {
          await guarded('inbox release', () => RELEASE.run(redis, [keys.owner], [token]));
          // Its entries stay queued: due at once, for whoever has room. The hold stands for the
          // line until then, and goes only once the line is pending.
          await guarded('inbox index', () => DUE_NOW.run(redis, [names.inboxPending], [line]));
        } catch (error) {
          // Maybe still held by this process, unawares: looked at again with the next look for
          // work, rather than once the lease ran out.
          host.lookAgain(line);
          throw error;
        }
        holds.drop(hold, options.leaseMs);
      },
    };
  };
  return turnFor(stored, read);
}

/** The ARGV tail of COMPLETE for `writes` to `keys` (their KEYS indexes start at 4). */
function encodeWrites(writes: KeyedWrite[], keys: string[]): Array<string | number> {
  const args: Array<string | number> = [writes.length];
  for (const write of writes) {
    args.push(
      4 + keys.indexOf(write.key),
      write.value === null ? 'del' : 'set',
      write.value ?? '',
      Math.max(0, Math.ceil(write.ttlMs ?? 0)),
      write.ifValue === undefined ? '' : `=${write.ifValue}`,
    );
  }
  return args;
}

/** The error of a completion refused because the turn was lost: a session write's conflict, if one was staged. */
function refusal(line: string, ticket: number, writes: KeyedWrite[], sessionKey: string): Error {
  const lost = lostError(line);
  if (!writes.some((write) => write.key === sessionKey)) return lost;
  const conflict = new SessionConflictError(line, ticket);
  (conflict as { cause?: unknown }).cause = lost;
  return conflict;
}

/** The turn of a line passed to another holder while this one still acted on it. */
class TurnLostError extends Error {
  override name = 'TurnLostError';
}

/** The error of a turn that lapsed and passed to another holder. */
export function lostError(line: string): Error {
  return new TurnLostError(`the turn of ${line} lapsed and passed to another holder`);
}
