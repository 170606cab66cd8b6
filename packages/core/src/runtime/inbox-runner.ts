import { setTimeout as sleep } from 'node:timers/promises';
import { isStateFailure } from '../state/errors.js';
import type { DurableInbox, InboxOptions, InboxTurn } from '../state/types.js';
import { waitAtMost } from '../util/timeout.js';
import type { Update } from '../webhook/types.js';
import { lineOf } from '../webhook/update-kinds.js';
import type { Admission, RunnerDeps, RunOutcome, UpdateRunner } from './update-runner.js';

/** How often a process with room looks for lines nobody works (their holder died or left). */
const SWEEP_MS = 1000;

/**
 * How soon after a run ends a process looks for lines waiting for room, at most: a look costs a
 * round trip, and a process finishing a run every few milliseconds need not look after each.
 */
const SWEEP_AFTER_RUN_MS = 100;

/** How long a line whose run hit a state failure rests before this process tries it again. */
const REST_MS = 1000;

/**
 * Runs updates from a durable inbox, shared by every process of the bot. A webhook's update is
 * queued in its line and the webhook answered at once; the admitting process takes the line's
 * turn when it has room and runs the line, entry after entry, until it is empty. Lines it had no
 * room for, and lines whose holder died (its lease ran out) or stopped, are found by any process
 * with room, which takes them over. A turn's head entry is removed only once it ran (or failed
 * for good): an update is lost neither when this process dies nor when it stops.
 */
export class InboxRunner implements UpdateRunner {
  readonly #deps: RunnerDeps;
  readonly #inbox: DurableInbox;
  readonly #options: InboxOptions;
  /** Lines whose turn this process holds, with the run working them. */
  readonly #held = new Map<string, Promise<void>>();
  /** Lines whose turn this process is asking for right now. */
  readonly #taking = new Set<string>();
  /** Lines that failed on the state lately, and until when they rest. */
  readonly #resting = new Map<string, number>();
  /** Outcomes awaited by `handleUpdate`, by update identity. */
  readonly #awaited = new Map<string, (outcome: RunOutcome) => void>();
  readonly #sweeper: NodeJS.Timeout;
  #free: number;
  /**
   * Updates this process admitted to lines it works and has not run yet: its backlog, held to
   * `maxQueuedUpdates` as the memory runner's queue is. Entries other processes admitted to those
   * lines run here too and count the backlog down, so it errs low, never refusing for nothing.
   */
  #behind = 0;
  #stopping = false;
  /** Set once `shutdown` stopped waiting: what finishes later is left for another process. */
  #late = false;
  #sweeping = false;
  /** When the last look for lines began, and the look scheduled after a run, if any. */
  #sweptAt = 0;
  #sweepSoon: NodeJS.Timeout | undefined;

  constructor(deps: RunnerDeps, inbox: DurableInbox) {
    this.#deps = deps;
    this.#inbox = inbox;
    this.#options = { leaseMs: deps.options.leaseMs, dedupTtlMs: deps.options.dedupTtlMs };
    this.#free = Math.max(1, deps.options.concurrency);
    this.#sweeper = setInterval(() => void this.#sweep(), SWEEP_MS);
    this.#sweeper.unref();
  }

  /** Lines this process is running. */
  get queued(): number {
    return this.#held.size;
  }

  /**
   * Queues an update in its line (deduplicated by its identity); `queued` means Pact may be
   * answered 200. When this process took the line's turn, `done` settles once the update ran.
   */
  async admit(update: Update, id: string): Promise<Admission> {
    const { companyId, events } = this.#deps;
    // Updates outside any conversation (delivery jobs) wait in a line of their own.
    const line = lineOf(update, companyId) ?? `${companyId}:update:${id}`;
    // Past its bound, a process refuses more work (Pact re-sends it) rather than answering for
    // updates faster than it runs them: the inbox would grow without end, and each answered
    // update wait ever longer for its handler.
    if (this.#behind >= this.#deps.options.maxQueuedUpdates) return { status: 'busy' };
    // Only a line this process neither holds nor is taking: the inbox counts a turn held under
    // this process's name as one whose answer was lost, and takes it anew.
    const take =
      !this.#stopping && this.#free > 0 && !this.#held.has(line) && !this.#taking.has(line);
    if (take) {
      this.#free--;
      this.#taking.add(line);
    }
    let admission;
    try {
      admission = await this.#inbox.admit({ id, line, update }, { ...this.#options, take });
    } catch (error) {
      if (take) {
        this.#free++;
        this.#taking.delete(line);
      }
      throw error;
    }
    if (take) this.#taking.delete(line);
    if (take && admission.status !== 'taken') this.#free++;
    if (admission.status === 'duplicate') {
      events.emit('duplicate', { update, id });
      return { status: 'duplicate' };
    }
    if (admission.status === 'queued' && !admission.fresh) return { status: 'queued' };
    if (admission.status === 'taken' || this.#held.has(line)) this.#behind++;
    this.#deps.observe(update);
    if (events.listenerCount('update') > 0) events.emit('update', { update, id });
    if (admission.status === 'queued') {
      this.#deps.trace?.deferred(update, id);
      // No room here: a process with room finds the line. Look at once if room frees meanwhile.
      if (this.#free > 0) void this.#sweep();
      return { status: 'queued' };
    }
    const done = new Promise<RunOutcome>((resolve) => this.#awaited.set(id, resolve));
    this.#start(line, admission.turn);
    return { status: 'queued', done };
  }

  #start(line: string, turn: InboxTurn): void {
    const run = this.#work(line, turn).finally(() => {
      this.#held.delete(line);
      this.#free++;
      if (!this.#stopping) this.#sweepAfterRun();
    });
    this.#held.set(line, run);
  }

  /** Runs a line's entries one after another while this process holds its turn. */
  async #work(line: string, first: InboxTurn): Promise<void> {
    const { events } = this.#deps;
    let turn: InboxTurn | undefined = first;
    while (turn) {
      const { entry } = turn;
      const startedAt = performance.now();
      this.#deps.trace?.started(entry.update, entry.id);
      const outcome = await this.#run(turn);
      if (this.#behind > 0) this.#behind--;
      if (outcome === 'retry') {
        // Not run to the end (the state failed, or the turn was lost): the entry stays queued.
        this.#deps.trace?.ended(entry.update, entry.id, 'retry');
        this.#finish(entry.id, 'retry');
        this.#resting.set(line, Date.now() + REST_MS);
        if (!turn.lost.aborted) await turn.release().catch(() => undefined);
        return;
      }
      const { next, refused } = await this.#complete(turn);
      // A completion refused because the turn passed on (its staged session write refused with
      // it) leaves the entry to the new holder, which runs it again: not handled here.
      const ended = refused ? 'retry' : outcome;
      this.#finish(entry.id, ended);
      if (ended === 'handled' && events.listenerCount('handled') > 0) {
        events.emit('handled', {
          update: entry.update,
          id: entry.id,
          durationMs: performance.now() - startedAt,
        });
      }
      this.#deps.trace?.ended(entry.update, entry.id, outcome);
      if (next && this.#stopping) {
        // Left for another process, or this one after a restart.
        await next.release().catch(() => undefined);
        return;
      }
      turn = next;
    }
  }

  /**
   * Runs a turn's head entry. Its session write (and a press's use of its menu) may be staged on
   * the turn, to be made by the completion: a run that ends in `retry` leaves them unmade, and the
   * entry runs again from the same session.
   */
  async #run(turn: InboxTurn): Promise<RunOutcome> {
    const { entry } = turn;
    if (turn.lost.aborted) return 'retry';
    try {
      await this.#deps.handle(entry.update, entry.id, turn);
      return turn.lost.aborted || this.#late ? 'retry' : 'handled';
    } catch (error) {
      // The bot reported the failure. A failure of the state leaves the entry for another run, as
      // does one after `shutdown` gave up (its sends were cut off); any other was answered for
      // already (Pact has its 200) and is not run again.
      return isStateFailure(error) || turn.lost.aborted || this.#late ? 'retry' : 'failed';
    }
  }

  /**
   * Completes the head of a turn, retrying through a short outage of the state while the turn
   * may still be held: giving up would leave the entry to run again, repeating its replies.
   * `refused`: the state answered that the turn had passed to another holder, so the entry was not
   * completed (an outage that outlasted the retries leaves that unknown).
   */
  async #complete(turn: InboxTurn): Promise<{ next: InboxTurn | undefined; refused: boolean }> {
    const { events } = this.#deps;
    const giveUpAt = Date.now() + this.#options.leaseMs;
    for (let delayMs = 50; ; delayMs = Math.min(delayMs * 2, 2000)) {
      try {
        return { next: await turn.complete(), refused: false };
      } catch (error) {
        if (turn.lost.aborted || Date.now() + delayMs > giveUpAt) {
          events.emit('error', { error, update: turn.entry.update, id: turn.entry.id });
          // Whatever became of the entry, this process stops holding the line (and extending its
          // turn), so the line is not stuck behind a turn nobody runs.
          if (!turn.lost.aborted) await turn.release().catch(() => undefined);
          return { next: undefined, refused: !isStateFailure(error) };
        }
        await sleep(delayMs);
      }
    }
  }

  #finish(id: string, outcome: RunOutcome): void {
    const resolve = this.#awaited.get(id);
    if (resolve === undefined) return;
    this.#awaited.delete(id);
    resolve(outcome);
  }

  /** Looks for lines waiting for room now that some freed, unless it looked a moment ago. */
  #sweepAfterRun(): void {
    if (this.#sweepSoon) return;
    const waitMs = this.#sweptAt + SWEEP_AFTER_RUN_MS - Date.now();
    if (waitMs <= 0) {
      void this.#sweep();
      return;
    }
    this.#sweepSoon = setTimeout(() => {
      this.#sweepSoon = undefined;
      void this.#sweep();
    }, waitMs);
    this.#sweepSoon.unref();
  }

  /** Takes over lines with queued entries that nobody works, while this process has room. */
  async #sweep(): Promise<void> {
    if (this.#stopping || this.#sweeping || this.#free <= 0) return;
    this.#sweeping = true;
    this.#sweptAt = Date.now();
    try {
      const lines = await this.#inbox.pending(this.#free + this.#held.size + 16);
      const now = Date.now();
      for (const line of lines) {
        if (this.#stopping || this.#free <= 0) break;
        if (this.#held.has(line) || this.#taking.has(line)) continue;
        if ((this.#resting.get(line) ?? 0) > now) continue;
        this.#resting.delete(line);
        this.#free--;
        this.#taking.add(line);
        const turn = await this.#inbox
          .take(line, this.#options)
          .catch((error: unknown) => {
            this.#deps.events.emit('error', { error });
            return undefined;
          })
          .finally(() => this.#taking.delete(line));
        if (turn) this.#start(line, turn);
        else this.#free++;
      }
    } catch (error) {
      this.#deps.events.emit('error', { error });
    } finally {
      this.#sweeping = false;
    }
  }

  /**
   * Stops taking lines, and waits up to `timeoutMs` for the runs in progress: each finishes its
   * current entry and gives its turn up. What is still queued stays in the inbox for the other
   * processes (or this one after a restart).
   */
  async shutdown(timeoutMs: number): Promise<void> {
    this.#stopping = true;
    clearInterval(this.#sweeper);
    clearTimeout(this.#sweepSoon);
    const drained = (async () => {
      while (this.#held.size > 0) await Promise.allSettled(this.#held.values());
    })();
    await waitAtMost(drained, timeoutMs);
    this.#late = true;
  }
}
