import { setMaxListeners } from 'node:events';
import type { EventEmitter } from 'eventemitter3';
import { isStateFailure } from '../state/errors.js';
import type { BotState, ConversationLock, UpdateClaim } from '../state/types.js';
import { Semaphore } from '../util/semaphore.js';
import { waitAtMost } from '../util/timeout.js';
import type { Update } from '../webhook/types.js';
import { lineOf } from '../webhook/update-kinds.js';
import type { BotEvents } from './events.js';

/** Limits and timings of update handling. */
export interface RunnerOptions {
  /** Handlers running at once, across conversations. */
  concurrency: number;
  /** Updates admitted and not yet finished, at most; past it, webhooks get 503 and Pact re-sends them. */
  maxQueuedUpdates: number;
  /** How long a handled update is remembered against redeliveries. */
  dedupTtlMs: number;
  /** How long a claim or lock survives a vanished holder; live holders extend theirs. */
  leaseMs: number;
}

/**
 * How an admitted update ended: handled (marked so against redeliveries); failed (answered 200,
 * reported, its claim given back, so a redelivery that still comes runs it again); or left to
 * Pact's redelivery (`retry`: its claim given back, the webhook answered 5xx when still open).
 */
export type RunOutcome = 'handled' | 'failed' | 'retry';

/** What became of an update offered to the runner. */
export type Admission =
  { status: 'duplicate' } | { status: 'busy' } | { status: 'accepted'; done: Promise<RunOutcome> };

/** What the runner needs from its bot. */
export interface RunnerDeps {
  state: BotState;
  events: EventEmitter<BotEvents, unknown>;
  options: RunnerOptions;
  /** The bot's company: it namespaces claim and lock keys, so one state may serve several bots. */
  companyId: number;
  /** Runs the bot's handlers for an update, in its conversation's turn. Rejects when they failed. */
  handle(update: Update, id: string, lock: ConversationLock | undefined): Promise<void>;
  /** Takes note of an update as soon as it is claimed, before it waits for its turn. */
  observe(update: Update): void;
  /** Whether a failed update should be left for Pact's redelivery. */
  redeliverOnError: boolean;
}

/**
 * Runs updates with the guarantees of the design: each delivery is claimed by its identity so
 * redeliveries do not run twice; updates of one conversation wait in one line and run one at a
 * time in arrival order; at most `concurrency` handlers run at once across conversations. A claim
 * is completed only once its update was handled, and given back when handling failed or the bot
 * stopped before its turn, so the mark itself never loses an update.
 */
export class UpdateRunner {
  readonly #deps: RunnerDeps;
  readonly #pool: Semaphore;
  readonly #running = new Set<Promise<RunOutcome>>();
  readonly #abandon = new AbortController();
  #queued = 0;

  constructor(deps: RunnerDeps) {
    this.#deps = deps;
    // Every update waiting for its turn listens on this one signal (and stops when its turn comes):
    // many listeners are expected, not a leak.
    setMaxListeners(0, this.#abandon.signal);
    this.#pool = new Semaphore(deps.options.concurrency);
  }

  /** Updates admitted and not yet finished. */
  get queued(): number {
    return this.#queued;
  }

  /**
   * Offers an update. Resolves once it is claimed (or found to be a duplicate, or refused for a
   * full backlog); `done` then settles when it has been handled. Rejects when the coordination
   * state cannot be reached: nothing was claimed, so Pact's redelivery will bring it back.
   */
  async admit(update: Update, id: string): Promise<Admission> {
    if (this.#queued >= this.#deps.options.maxQueuedUpdates) return { status: 'busy' };
    const { state, options, companyId } = this.#deps;
    const claim = await state.claim(`${companyId}:${id}`, {
      leaseMs: options.leaseMs,
      ttlMs: options.dedupTtlMs,
    });
    if (!claim) {
      this.#deps.events.emit('duplicate', { update, id });
      return { status: 'duplicate' };
    }
    this.#deps.observe(update);
    // Payloads for the per-update events are built only when someone listens.
    if (this.#deps.events.listenerCount('update') > 0)
      this.#deps.events.emit('update', { update, id });
    this.#queued++;
    const done = this.#run(update, id, claim).finally(() => {
      this.#queued--;
      this.#running.delete(done);
    });
    this.#running.add(done);
    return { status: 'accepted', done };
  }

  async #run(update: Update, id: string, claim: UpdateClaim): Promise<RunOutcome> {
    const { state, options, companyId, events } = this.#deps;
    const report = (error: unknown) => events.emit('error', { error, update, id });
    const line = lineOf(update, companyId);
    let lock: ConversationLock | undefined;
    if (line !== undefined) {
      try {
        lock = await state.lock(line, {
          leaseMs: options.leaseMs,
          signal: this.#abandon.signal,
        });
      } catch (error) {
        const stopping = this.#abandon.signal.aborted;
        if (!stopping) report(error);
        events.emit('dropped', {
          reason: stopping
            ? 'the bot stopped before this update had its turn'
            : 'the conversation lock could not be taken',
          update,
          id,
        });
        await claim.release().catch(report);
        return 'retry';
      }
    }
    let outcome: RunOutcome;
    const startedAt = performance.now();
    let abandoned = false;
    try {
      await this.#pool.run(() => {
        // Its turn came after `stop()` gave up waiting: leave it to Pact's redelivery.
        if (this.#abandon.signal.aborted) {
          abandoned = true;
          return Promise.resolve();
        }
        return this.#deps.handle(update, id, lock);
      });
      outcome = abandoned ? 'retry' : 'handled';
    } catch (error) {
      // The bot reported the failure; here it only decides whether Pact should bring the update back.
      outcome = this.#deps.redeliverOnError || isStateFailure(error) ? 'retry' : 'failed';
    }
    if (abandoned) {
      events.emit('dropped', {
        reason: 'the bot stopped before this update had its turn',
        update,
        id,
      });
    }
    // Only a handled update is marked so: a failed one is given back, and a redelivery runs it.
    // Settling the claim and passing the turn on are independent: one round trip for both.
    await Promise.all([
      settle(outcome === 'handled' ? claim.complete() : claim.release(), report),
      lock ? settle(lock.release(), report) : undefined,
    ]);
    if (outcome === 'handled' && events.listenerCount('handled') > 0) {
      events.emit('handled', { update, id, durationMs: performance.now() - startedAt });
    }
    return outcome;
  }

  /** Resolves when every admitted update has finished, or after `timeoutMs`. */
  async idle(timeoutMs: number): Promise<void> {
    const drained = (async () => {
      while (this.#running.size > 0) await Promise.allSettled(this.#running);
    })();
    await waitAtMost(drained, timeoutMs);
  }

  /** Stops waiting for turns: updates still in line give their claims back for redelivery. */
  abandonWaiting(): void {
    this.#abandon.abort(new Error('the bot is stopping'));
  }
}

/** Waits for a state operation, reporting its failure instead of throwing it. */
async function settle(operation: Promise<void>, report: (error: unknown) => void): Promise<void> {
  try {
    await operation;
  } catch (error) {
    report(error);
  }
}
