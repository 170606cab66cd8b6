import { PactError } from '../api/errors.js';

/** Pact reported that a message was NOT DELIVERED. */
export class DeliveryError extends PactError {
  override name = 'DeliveryError';
  /** The delivery job. */
  readonly jobId: number;
  /** Pact's reason, when it gave one. */
  readonly reason: string | undefined;

  constructor(jobId: number, reason: string | undefined) {
    super(`message of job ${jobId} was NOT DELIVERED${reason ? `: ${reason}` : ''}`);
    this.jobId = jobId;
    this.reason = reason;
  }
}

/** Neither a webhook nor Pact's job endpoint told the outcome of a delivery in time. */
export class DeliveryTimeoutError extends PactError {
  override name = 'DeliveryTimeoutError';
  /** The delivery job. */
  readonly jobId: number;

  constructor(jobId: number, waitedMs: number) {
    super(`the outcome of job ${jobId} was still unknown after ${Math.round(waitedMs / 1000)} s`);
    this.jobId = jobId;
  }
}

/**
 * A send was refused because its handler no longer holds the conversation: its lock was lost, or
 * the bot is stopping. Sending anyway could reorder the conversation.
 */
export class SendCancelledError extends PactError {
  override name = 'SendCancelledError';
}
