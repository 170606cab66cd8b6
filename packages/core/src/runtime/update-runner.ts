import type { EventEmitter } from 'eventemitter3';
import type { BotState, ConversationLock } from '../state/types.js';
import type { Update } from '../webhook/types.js';
import type { BotEvents } from './events.js';
import { InboxRunner } from './inbox-runner.js';
import { LocalRunner } from './local-runner.js';

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

/** What became of an update offered to the runner, and so what Pact is answered. */
export type Admission =
  /** Handled before: a redelivery (200). */
  | { status: 'duplicate' }
  /** Being handled, here or by another process, and not durably queued (503 until it is handled). */
  | { status: 'held' }
  /** Too many updates waiting in this process (503). */
  | { status: 'busy' }
  /**
   * Durably queued: some process will run it even if this one dies (200 at once). `done` is set
   * when this process runs it, and settles once it has.
   */
  | { status: 'queued'; done?: Promise<RunOutcome> | undefined }
  /** Taken in this process: `done` settles when it has run (the answer waits for it, up to a deadline). */
  | { status: 'accepted'; done: Promise<RunOutcome> };

/**
 * Told of the moments only the runner sees, for the `pactbot:update` trace. Set only while that
 * trace is on, so the runner pays nothing for it otherwise.
 */
export interface RunTrace {
  /** The update's turn came: its handler starts. */
  started(update: Update, id: string): void;
  /** The update admitted (or taken) here ended, however. */
  ended(update: Update, id: string, outcome: RunOutcome): void;
  /** The update was queued in the durable inbox for a process with room; this one does not run it now. */
  deferred(update: Update, id: string): void;
}

/** What a runner needs from its bot. */
export interface RunnerDeps {
  state: BotState;
  events: EventEmitter<BotEvents, unknown>;
  options: RunnerOptions;
  /** The bot's company: it namespaces claim and lock keys, so one state may serve several bots. */
  companyId: number;
  /** Runs the bot's handlers for an update, in its conversation's turn. Rejects when they failed. */
  handle(update: Update, id: string, lock: ConversationLock | undefined): Promise<void>;
  /** Takes note of an update as soon as it is admitted, before it waits for its turn. */
  observe(update: Update): void;
  /** Whether a failed update should be left for Pact's redelivery. */
  redeliverOnError: boolean;
  /** The `pactbot:update` trace, when it is on. */
  trace?: RunTrace | undefined;
}

/**
 * Runs updates with the guarantees of the design: each delivery is admitted once by its identity;
 * updates of one conversation run one at a time in arrival order; at most `concurrency` handlers
 * run at once in this process.
 */
export interface UpdateRunner {
  /** Offers an update. Rejects when the coordination state cannot be reached (nothing was admitted). */
  admit(update: Update, id: string): Promise<Admission>;
  /** Updates this process admitted or took and has not finished. */
  readonly queued: number;
  /**
   * Stops taking work and waits up to `timeoutMs` for what runs here; updates still waiting are
   * then left to Pact's redelivery (nothing durable) or to the other processes (a durable inbox).
   */
  shutdown(timeoutMs: number): Promise<void>;
}

/** The runner for a state: with a durable inbox, webhooks are answered once queued; otherwise once handled. */
export function createRunner(deps: RunnerDeps): UpdateRunner {
  return deps.state.inbox ? new InboxRunner(deps, deps.state.inbox) : new LocalRunner(deps);
}
