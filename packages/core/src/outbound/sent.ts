import type { ChannelRef, Job } from '../api/types.js';
import type { V2Message } from '../api/v2/types.js';
import type { DeliveredOptions, DeliveryReport, DeliveryTracker } from './delivery-tracker.js';

/**
 * A message Pact accepted. `delivered()` resolves once Pact reports it delivered and rejects with
 * `DeliveryError` when it was not:
 * - on API v1 from the `job`/`executed` or `message`/`ack` webhooks, or by asking Pact's job
 *   endpoint when no webhook came in time;
 * - on API v2 from the message's `update` webhooks (status `delivered` or `read`; `error` fails
 *   it), or by reading the message when no webhook came in time.
 *
 * API v2 has no delivery jobs: there `messageId` is the v2 message's id (set at once), `message`
 * is the message as Pact stored it, `jobId` is 0 (as for any send without a known job) and `job`
 * retells the v2 answer in v1's terms, so code written for v1 reads sensible values.
 */
export interface Sent {
  /** The delivery job's id; 0 on API v2, whose sends have no job. */
  readonly jobId: number;
  /** The conversation the message went to. */
  readonly conversationId: number;
  /**
   * The message id. On API v1 set when Pact delivered synchronously, otherwise null until the job
   * webhook; on API v2 the id of the message Pact created (what `v2.messages.get` takes), always set.
   */
  readonly messageId: number | null;
  /**
   * Pact's answer to the send on API v1. On API v2 the same answer in v1's terms: `id` 0, `message_id`
   * the v2 message id, `state` from its status (`trying_deliver` for `sent`), `channel` `{ id: 0, type }`
   * as `ctx.channel` has it there. Read `message` for what v2 itself answered.
   */
  readonly job: Job;
  /** On API v2, the message as Pact stored it (status `sent`, `external_id` still null); undefined on v1. */
  readonly message?: V2Message | undefined;
  /**
   * For text split over the channel's limit (and on API v2 for several files, one message each):
   * every part, in order (this Sent is the last).
   */
  readonly parts: readonly Sent[];
  /** Resolves when the message (every part of it) reached the messenger. */
  delivered(options?: DeliveredOptions): Promise<DeliveryReport>;
}

/** v2 message statuses as v1 job states. */
function jobState(status: string): Job['state'] {
  if (status === 'delivered' || status === 'read') return 'delivered';
  if (status === 'error') return 'not_delivered';
  return 'trying_deliver';
}

/** A v2 send's answer retold as a v1 job (see {@link Sent.job}). */
export function jobOfV2Message(message: V2Message, channel: ChannelRef | undefined): Job {
  const createdAt = Date.parse(message.created_at);
  return {
    id: 0,
    company_id: message.company_id,
    channel: { id: 0, type: channel?.type ?? 'unknown' },
    conversation_id: message.conversation_id,
    state: jobState(message.status),
    message_id: message.id,
    details: message.details ?? null,
    created_at: Number.isFinite(createdAt) ? Math.floor(createdAt / 1000) : 0,
  };
}

/** A {@link Sent} backed by the bot's delivery tracker. */
export class SentMessage implements Sent {
  readonly jobId: number;
  readonly conversationId: number;
  readonly messageId: number | null;
  readonly job: Job;
  readonly message: V2Message | undefined;
  readonly parts: readonly Sent[];
  readonly #tracker: DeliveryTracker;

  /** A v1 send, from its job; a v2 send, from its message (and `job` its retelling). */
  constructor(
    job: Job,
    conversationId: number,
    tracker: DeliveryTracker,
    earlierParts: readonly Sent[] = [],
    message?: V2Message,
  ) {
    this.job = job;
    this.jobId = job.id;
    this.conversationId = message?.conversation_id ?? job.conversation_id ?? conversationId;
    this.messageId = message ? message.id : job.message_id;
    this.message = message;
    this.#tracker = tracker;
    this.parts = [...earlierParts, this];
  }

  async delivered(options?: DeliveredOptions): Promise<DeliveryReport> {
    const earlier = this.parts.slice(0, -1).map((part) => part.delivered(options));
    const own = this.message
      ? this.#tracker.waitMessage(this.message, options)
      : this.#tracker.wait(this.job, options);
    const [last] = await Promise.all([own, ...earlier]);
    return last;
  }
}
