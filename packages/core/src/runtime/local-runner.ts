import { setMaxListeners } from 'node:events';
import { isStateFailure } from '../state/errors.js';
import type { ConversationLock, UpdateClaim } from '../state/types.js';
import { Semaphore } from '../util/semaphore.js';
import { waitAtMost } from '../util/timeout.js';
import type { Update } from '../webhook/types.js';
import { lineOf } from '../webhook/update-kinds.js';
import type { Admission, RunnerDeps, RunOutcome, UpdateRunner } from './update-runner.js';

/**
 * Runs updates in this process, for a state without a durable inbox: each delivery is claimed by
 * its identity so redeliveries do not run twice; updates of one conversation wait in one line and
 * run one at a time in arrival order; at most `concurrency` handlers run at once across
 * conversations. A claim is completed only once its update was handled, and given back when
 * handling failed or the bot stopped before its turn, so the mark itself never loses an update.
 * Nothing here is durable, so the webhook's answer waits for the handler: a redelivery of an
 * update still waiting or running is `held` (503), one already handled a `duplicate` (200).
 */
export class LocalRunner implements UpdateRunner {
  readonly #deps: RunnerDeps;
  readonly #pool: Semaphore;
  readonly #running = new Set<Promise<RunOutcome>>();
  readonly #abandon = new AbortController();
  #queued = 0;
  /** Set once `shutdown` stopped waiting: what finishes later was answered 503 already. */
  #late = false;

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
    const claimOptions = { leaseMs: options.leaseMs, ttlMs: options.dedupTtlMs };
    const key = `${companyId}:${id}`;
    let claim: UpdateClaim;
    if (state.claimUpdate) {
      const result = await state.claimUpdate(key, claimOptions);
      if (result.status !== 'claimed') {
        if (result.status === 'done') this.#deps.events.emit('duplicate', { update, id });
        return { status: result.status === 'done' ? 'duplicate' : 'held' };
      }
      claim = result.claim;
    } else {
      const claimed = await state.claim(key, claimOptions);
      if (!claimed) {
        this.#deps.events.emit('duplicate', { update, id });
        return { status: 'duplicate' };
      }
      claim = claimed;
    }
    this.#deps.observe(update);
    // Payloads for the per-update events are built only when someone listens.
    if (this.#deps.events.listenerCount('update') > 0)
      this.#deps.events.emit('update', { update, id });
    this.#queued++;
    const done = this.#run(update, id, claim);
    // Counted out on a branch of its own, registered before anyone awaits `done`: it runs first,
    // as `finally` would, without the promises `finally` makes.
    const end = () => {
      this.#queued--;
      this.#running.delete(done);
    };
    done.then(end, end);
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
        this.#deps.trace?.ended(update, id, 'retry');
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
        this.#deps.trace?.started(update, id);
        return this.#deps.handle(update, id, lock);
      });
      outcome = abandoned ? 'retry' : 'handled';
    } catch (error) {
      // The bot reported the failure; here it only decides whether Pact should bring the update back.
      outcome = this.#deps.redeliverOnError || isStateFailure(error) ? 'retry' : 'failed';
    }
    if (this.#late && outcome !== 'retry') {
      // It finished after `stop()` gave up on it, when its webhook was answered 503 already:
      // Pact brings it back, so it must not count as handled here.
      outcome = 'retry';
      events.emit('dropped', {
        reason: 'it finished after the bot stopped waiting for it',
        update,
        id,
      });
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
    // Both are under way before either is awaited.
    const settled = outcome === 'handled' ? claim.complete() : claim.release();
    const released = lock?.release();
    await settled.catch(report);
    if (released) await released.catch(report);
    if (outcome === 'handled' && events.listenerCount('handled') > 0) {
      events.emit('handled', { update, id, durationMs: performance.now() - startedAt });
    }
    this.#deps.trace?.ended(update, id, outcome);
    return outcome;
  }

  /**
   * Waits up to `timeoutMs` for every admitted update, waiting ones included; then those still in
   * line give their claims back, for Pact's redelivery (their webhooks are answered 503).
   */
  async shutdown(timeoutMs: number): Promise<void> {
    await this.#idle(timeoutMs);
    this.#late = true;
    this.#abandon.abort(new Error('the bot is stopping'));
  }

  async #idle(timeoutMs: number): Promise<void> {
    const drained = (async () => {
      while (this.#running.size > 0) await Promise.allSettled(this.#running);
    })();
    await waitAtMost(drained, timeoutMs);
  }
}
