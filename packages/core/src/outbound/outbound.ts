import type { PactClient } from '../api/client.js';
import { PactNetworkError } from '../api/errors.js';
import type { SendMessageParams } from '../api/resources/messages.js';
import type { Job, Message } from '../api/types.js';
import type { DeliveryTracker } from './delivery-tracker.js';
import { SendCancelledError } from './errors.js';
import { sendSignature, type SendLedger } from './send-ledger.js';
import { SentMessage, type Sent } from './sent.js';

/** Times an ambiguous send is settled and sent again before its error is passed on. */
const MAX_SETTLE_ROUNDS = 5;

/** A job for a message found in Pact's list after an ambiguous send: its id is unknown, so 0. */
function foundJob(message: Message, conversationId: number): Job {
  return {
    id: 0,
    company_id: 0,
    channel: { id: message.channel_id, type: message.channel_type },
    conversation_id: conversationId,
    state: 'trying_deliver',
    message_id: Number(message.external_id),
    details: null,
    created_at: message.created_at_timestamp ?? Math.floor(Date.now() / 1000),
  };
}

/**
 * The bot's outbound side. Sends to one conversation leave in the order they were asked for: each
 * waits until the one before it was accepted (or failed). Rate limiting and retries happen in the
 * client underneath. Every send is tracked, so `stop()` can wait for them.
 */
export class Outbound {
  readonly #api: PactClient;
  readonly #tracker: DeliveryTracker;
  readonly #ledger: SendLedger;
  readonly #lines = new Map<number, Promise<void>>();
  readonly #inFlight = new Set<Promise<unknown>>();

  constructor(api: PactClient, tracker: DeliveryTracker, ledger: SendLedger) {
    this.#api = api;
    this.#tracker = tracker;
    this.#ledger = ledger;
  }

  /** The delivery tracker behind `Sent.delivered()`. */
  get tracker(): DeliveryTracker {
    return this.#tracker;
  }

  /**
   * Runs `task` in the conversation's line, after everything queued there before it. Refused with
   * {@link SendCancelledError} when `signal` is aborted by the time its turn comes.
   */
  inLine<T>(conversationId: number, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const run = (): Promise<T> => {
      if (signal?.aborted) {
        return Promise.reject(
          new SendCancelledError(
            `send to conversation ${conversationId} cancelled: ${String((signal.reason as Error)?.message ?? signal.reason)}`,
          ),
        );
      }
      return task();
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
    signal?: AbortSignal,
  ): Promise<Sent> {
    return this.inLine(
      conversationId,
      () => this.sendNow(conversationId, messages, signal),
      signal,
    );
  }

  /** Sends messages at once, for a task that already holds the conversation's turn in the line. */
  sendNow(
    conversationId: number,
    messages: readonly SendMessageParams[],
    signal?: AbortSignal,
  ): Promise<Sent> {
    // One message (nearly every send) goes without the loop's extra promise.
    if (messages.length === 1) {
      return this.#deliver(conversationId, messages[0]!).then(
        (job) => new SentMessage(job, conversationId, this.#tracker),
      );
    }
    return this.#sendParts(conversationId, messages, signal);
  }

  async #sendParts(
    conversationId: number,
    messages: readonly SendMessageParams[],
    signal?: AbortSignal,
  ): Promise<Sent> {
    let sent: SentMessage | undefined;
    for (const params of messages) {
      if (signal?.aborted)
        throw new SendCancelledError(
          `send to conversation ${conversationId} cancelled between parts`,
        );
      const job = await this.#deliver(conversationId, params);
      sent = new SentMessage(job, conversationId, this.#tracker, sent?.parts);
    }
    if (!sent) throw new RangeError('nothing to send');
    return sent;
  }

  /**
   * Sends one message. When the connection breaks after the request was written, Pact may or may
   * not have accepted it: rather than repeat it blindly (a duplicate) or give up (a lost reply),
   * look at the conversation's newest messages (see `SendLedger`) and send again only if it is not
   * there. Without what it takes to tell (the conversation's message ids), the error is passed on.
   */
  async #deliver(conversationId: number, params: SendMessageParams): Promise<Job> {
    const signature = sendSignature(params);
    for (let round = 1; ; round++) {
      try {
        const job = await this.#api.messages.send(conversationId, params);
        this.#ledger.accepted(conversationId, job.id, signature, job.message_id);
        return job;
      } catch (error) {
        const ambiguous = error instanceof PactNetworkError && error.requestSent;
        if (!ambiguous || round >= MAX_SETTLE_ROUNDS || !this.#ledger.canSettle(conversationId))
          throw error;
        let newest: Message[];
        try {
          newest = (
            await this.#api.messages.list(conversationId, { sort_direction: 'desc', per: 100 })
          ).items;
        } catch {
          throw error;
        }
        const landed = this.#ledger.landed(conversationId, signature, newest);
        if (landed) {
          this.#ledger.settled(conversationId, Number(landed.external_id));
          return foundJob(landed, conversationId);
        }
      }
    }
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
