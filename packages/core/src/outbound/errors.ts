import { PactError } from '../api/errors.js';

/** What else a delivery failure or timeout knows, besides its job. */
export interface DeliveryFailureInfo {
  /** The message, when known: always on API v2 (whose sends have no job), after a sync or an ack on v1. */
  messageId?: number | null | undefined;
  /** Pact's `details` of the failure, as sent (API v2: `{ result, internal_reason }`). */
  details?: unknown;
}

/** What a delivery failure names: the message on API v2 (no jobs there), the job on v1. */
function subject(jobId: number, messageId: number | null): string {
  return jobId === 0 && messageId !== null ? `message ${messageId}` : `message of job ${jobId}`;
}

/**
 * Pact reported that a message was NOT DELIVERED: a `job`/`executed` webhook or the job endpoint
 * on API v1, a message `update` with status `error` (or the message itself) on v2.
 */
export class DeliveryError extends PactError {
  override name = 'DeliveryError';
  /** The delivery job; 0 when there is none (every send on API v2). */
  readonly jobId: number;
  /** Pact's reason, when it gave one (on API v2, read from the message's `details`). */
  readonly reason: string | undefined;
  /** The message that was not delivered, when known (always on API v2). */
  readonly messageId: number | null;
  /** Pact's `details` of the failure as sent, when it sent any (API v2). */
  readonly details: unknown;

  constructor(jobId: number, reason: string | undefined, info: DeliveryFailureInfo = {}) {
    const messageId = info.messageId ?? null;
    super(`${subject(jobId, messageId)} was NOT DELIVERED${reason ? `: ${reason}` : ''}`);
    this.jobId = jobId;
    this.reason = reason;
    this.messageId = messageId;
    this.details = info.details;
  }
}

/** Neither a webhook nor Pact (its job endpoint on v1, the message on v2) told the outcome of a delivery in time. */
export class DeliveryTimeoutError extends PactError {
  override name = 'DeliveryTimeoutError';
  /** The delivery job; 0 when there is none (every send on API v2). */
  readonly jobId: number;
  /** The message, when known (always on API v2). */
  readonly messageId: number | null;

  constructor(jobId: number, waitedMs: number, info: DeliveryFailureInfo = {}) {
    const messageId = info.messageId ?? null;
    super(
      `the outcome of ${jobId === 0 && messageId !== null ? `message ${messageId}` : `job ${jobId}`} was still unknown after ${Math.round(waitedMs / 1000)} s`,
    );
    this.jobId = jobId;
    this.messageId = messageId;
  }
}

/**
 * A send was refused because its handler no longer holds the conversation: its lock was lost, or
 * the bot is stopping. Sending anyway could reorder the conversation.
 */
export class SendCancelledError extends PactError {
  override name = 'SendCancelledError';
}
