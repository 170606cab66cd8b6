import type { Job } from '../api/types.js';
import type { DeliveredOptions, DeliveryReport, DeliveryTracker } from './delivery-tracker.js';

/**
 * A message Pact accepted. `delivered()` resolves once Pact reports it delivered (from the
 * `job`/`executed` or `message`/`ack` webhooks, or by asking Pact's job endpoint when no webhook
 * came in time) and rejects with `DeliveryError` when it was not delivered.
 */
export interface Sent {
  /** The delivery job's id. */
  readonly jobId: number;
  /** The conversation the message went to. */
  readonly conversationId: number;
  /** The message id, when Pact delivered synchronously; otherwise null until the job webhook. */
  readonly messageId: number | null;
  /** Pact's answer to the send. */
  readonly job: Job;
  /** For text split over the channel's limit: every part, in order (this Sent is the last). */
  readonly parts: readonly Sent[];
  /** Resolves when the message (every part of it) reached the messenger. */
  delivered(options?: DeliveredOptions): Promise<DeliveryReport>;
}

/** A {@link Sent} backed by the bot's delivery tracker. */
export class SentMessage implements Sent {
  readonly jobId: number;
  readonly conversationId: number;
  readonly messageId: number | null;
  readonly job: Job;
  readonly parts: readonly Sent[];
  readonly #tracker: DeliveryTracker;

  constructor(
    job: Job,
    conversationId: number,
    tracker: DeliveryTracker,
    earlierParts: readonly Sent[] = [],
  ) {
    this.job = job;
    this.jobId = job.id;
    this.conversationId = job.conversation_id ?? conversationId;
    this.messageId = job.message_id;
    this.#tracker = tracker;
    this.parts = [...earlierParts, this];
  }

  async delivered(options?: DeliveredOptions): Promise<DeliveryReport> {
    const earlier = this.parts.slice(0, -1).map((part) => part.delivered(options));
    const [last] = await Promise.all([this.#tracker.wait(this.job, options), ...earlier]);
    return last;
  }
}
