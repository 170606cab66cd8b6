/** Builders of webhook bodies for tests, in the reference's shapes. */

let nextMessageId = 1000;

/** A fresh message id, unique within the test run. */
export function messageId(): number {
  return nextMessageId++;
}

/** Options of {@link messageNew}. */
export interface MessageNewOptions {
  conversationId?: number;
  text?: string | null;
  income?: boolean;
  externalId?: number;
  channelType?: string;
  channelId?: number;
  attachments?: object[];
  location?: object | null;
  jobId?: number | null;
  /**
   * When it was written (`created_at`, `created_at_timestamp`). Default now: a message just
   * written, so a WhatsApp Business conversation's 24-hour window is open.
   */
  writtenAt?: Date;
}

/** A time as Pact's v1 webhooks write it: `2017-11-11 12:45:53 UTC`. */
export function pactTime(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** A `message`/`new` webhook body. */
export function messageNew(options: MessageNewOptions = {}) {
  const channelType = options.channelType ?? 'whatsapp';
  const channelId = options.channelId ?? 1;
  const writtenAt = options.writtenAt ?? new Date();
  return {
    type: 'message',
    event: 'new',
    data: {
      external_id: options.externalId ?? messageId(),
      external_public_id: 1,
      channel_id: channelId,
      channel_type: channelType,
      channel: { id: channelId, type: channelType },
      conversation_id: options.conversationId ?? 1,
      message: options.text === undefined ? 'hi' : options.text,
      location: options.location ?? {},
      income: options.income ?? true,
      created_at: pactTime(writtenAt),
      created_at_timestamp: Math.floor(writtenAt.getTime() / 1000),
      ack: 1,
      attachments: options.attachments ?? [],
      job_id: options.jobId ?? null,
    },
  };
}

/** A `job`/`executed` webhook body. */
export function jobExecuted(
  id: number,
  result = 'DELIVERED',
  messageIdValue: number | null = null,
  reason?: string,
) {
  return {
    type: 'job',
    event: 'executed',
    data: {
      id,
      result,
      message_id: messageIdValue,
      date: 1510404738,
      ...(reason ? { reason } : {}),
    },
  };
}

/** A `message`/`ack` webhook body. */
export function messageAck(externalId: number, ack: number, conversationId = 1) {
  return {
    type: 'message',
    event: 'ack',
    data: {
      external_id: externalId,
      channel: { id: 1, type: 'whatsapp' },
      conversation_id: conversationId,
      ack,
    },
  };
}
