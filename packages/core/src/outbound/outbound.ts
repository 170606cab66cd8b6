import type { PactClient } from '../api/client.js';
import type { SendMessageParams } from '../api/resources/messages.js';
import type { Job } from '../api/types.js';
import type { DeliveryTracker } from './delivery-tracker.js';
import { SendCancelledError } from './errors.js';
import { SentMessage, type Sent } from './sent.js';

/**
 * What lets a send go ahead: its handler still holds the conversation. `signal` is aborted when the
 * turn is lost or the bot stops; `stillHeld` tells, right before the request, whether the turn's
 * lease may have run out meanwhile (a process that stalled past it must not reply after another
 * took over, even before its own timers noticed).
 */
export interface SendGuard {
  readonly signal: AbortSignal;
  stillHeld?(): boolean;
}

/** Why a guarded send may not go ahead, if it may not. */
function refusal(conversationId: number, guard: SendGuard | undefined): Error | undefined {
  if (!guard) return undefined;
  if (guard.stillHeld && !guard.stillHeld()) {
    return new SendCancelledError(
      `send to conversation ${conversationId} cancelled: this handler's turn in the conversation lapsed (its lease ran out), so another may have taken over`,
    );
  }
  const { signal } = guard;
  if (!signal.aborted) return undefined;
  return new SendCancelledError(
    `send to conversation ${conversationId} cancelled: ${String((signal.reason as Error)?.message ?? signal.reason)}`,
  );
}

/**
 * The bot's outbound side. Sends to one conversation leave in the order they were asked for: each
 * waits until the one before it was accepted (or failed). Rate limiting and retries happen in the
 * client underneath. Every send is tracked, so `stop()` can wait for them.
 */
export class Outbound {
  readonly #api: PactClient;
  readonly #tracker: DeliveryTracker;
  readonly #lines = new Map<number, Promise<void>>();
  readonly #inFlight = new Set<Promise<unknown>>();

  constructor(api: PactClient, tracker: DeliveryTracker) {
    this.#api = api;
    this.#tracker = tracker;
  }

  /** The delivery tracker behind `Sent.delivered()`. */
  get tracker(): DeliveryTracker {
    return this.#tracker;
  }

  /**
   * Runs `task` in the conversation's line, after everything queued there before it. Refused with
   * {@link SendCancelledError} when its guard no longer holds by the time its turn comes.
   */
  inLine<T>(conversationId: number, task: () => Promise<T>, guard?: SendGuard): Promise<T> {
    const run = (): Promise<T> => {
      const refused = refusal(conversationId, guard);
      return refused ? Promise.reject(refused) : task();
    };
    const previous = this.#lines.get(conversationId);
    const result = previous ? previous.then(run) : run();
    // The line's tail settles when this task does, success or not, and cleans up after itself.
    const settle = (): void => {
      this.#inFlight.delete(tail);
      if (this.#lines.get(conversationId) === tail) this.#lines.delete(conversationId);
    };
    const tail: Promise<void> = result.then(settle, settle);
    this.#lines.set(conversationId, tail);
    this.#inFlight.add(tail);
    return result;
  }

  /**
   * Sends messages in the conversation's line, one after another with nothing in between; stops
   * at the first that fails. Resolves with the last, whose `parts` lists them all.
   */
  send(
    conversationId: number,
    messages: readonly SendMessageParams[],
    guard?: SendGuard,
  ): Promise<Sent> {
    return this.inLine(conversationId, () => this.sendNow(conversationId, messages, guard), guard);
  }

  /** Sends messages at once, for a task that already holds the conversation's turn in the line. */
  sendNow(
    conversationId: number,
    messages: readonly SendMessageParams[],
    guard?: SendGuard,
  ): Promise<Sent> {
    // One message (nearly every send) goes without the loop's extra promise.
    if (messages.length === 1) {
      const refused = refusal(conversationId, guard);
      if (refused) return Promise.reject(refused);
      return this.#deliver(conversationId, messages[0]!).then(
        (job) => new SentMessage(job, conversationId, this.#tracker),
      );
    }
    return this.#sendParts(conversationId, messages, guard);
  }

  async #sendParts(
    conversationId: number,
    messages: readonly SendMessageParams[],
    guard?: SendGuard,
  ): Promise<Sent> {
    let sent: SentMessage | undefined;
    for (const params of messages) {
      const refused = refusal(conversationId, guard);
      if (refused) throw refused;
      const job = await this.#deliver(conversationId, params);
      sent = new SentMessage(job, conversationId, this.#tracker, sent?.parts);
    }
    if (!sent) throw new RangeError('nothing to send');
    return sent;
  }

  /**
   * Sends one message. The client retries it only where Pact cannot have accepted it; when the
   * connection broke after the request was written, Pact may have, and sending it again could
   * show the customer the message twice — so the error (`PactNetworkError` with `requestSent`)
   * is passed on, and reported on `bot.events` as `api:error`, rather than guessed at.
   */
  #deliver(conversationId: number, params: SendMessageParams): Promise<Job> {
    return this.#api.messages.send(conversationId, params);
  }

  /** Sends queued and running. */
  get pending(): number {
    return this.#inFlight.size;
  }

  /** Resolves when every queued send has been accepted or has failed. */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all(this.#inFlight);
  }
}
