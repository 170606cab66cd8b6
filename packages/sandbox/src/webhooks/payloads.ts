/**
 * The webhooks Pact posts, in the shapes of the reference's examples. Dates are written as the
 * webhook examples write them (`2017-11-11 12:45:53 UTC`), `location` is `{}` when there is none.
 */
import { attachmentShape } from '../api/shapes.js';
import type { Ack, ConversationRecord, JobRecord, MessageRecord } from '../store/records.js';
import { unixSeconds, utcDate } from '../util/dates.js';

/** A webhook body: `type`, usually `event`, and `data` (the probe has none of them). */
export type WebhookBody = Record<string, unknown>;

/** `conversation`/`new` (a customer wrote first) or `conversation`/`update`. */
export function conversationWebhook(
  event: 'new' | 'update',
  conversation: ConversationRecord,
  avatarUrl: string | null,
): WebhookBody {
  return {
    type: 'conversation',
    event,
    data: {
      external_id: conversation.external_id,
      name: conversation.name,
      avatar_url: avatarUrl,
      channel_id: conversation.channel_id,
      channel_type: conversation.channel_type,
      created_at: utcDate(conversation.created_at),
      created_at_timestamp: unixSeconds(conversation.created_at),
      last_message_at: conversation.last_message_at && unixSeconds(conversation.last_message_at),
      last_income_message_at:
        conversation.last_income_message_at && unixSeconds(conversation.last_income_message_at),
      sender_external_id: conversation.sender_external_id,
    },
  };
}

/** `message`/`new`: a customer wrote (`income: true`), or the echo of a sent message (`income: false`). */
export function messageWebhook(message: MessageRecord, ack: Ack): WebhookBody {
  return {
    type: 'message',
    event: 'new',
    data: {
      external_id: message.external_id,
      external_public_id: message.external_id,
      channel_id: message.channel_id,
      channel_type: message.channel_type,
      channel: { id: message.channel_id, type: message.channel_type },
      conversation_id: message.conversation_id,
      message: message.message,
      location: message.location ?? {},
      income: message.income,
      created_at: utcDate(message.created_at),
      created_at_timestamp: unixSeconds(message.created_at),
      ack,
      attachments: message.attachments.map(attachmentShape),
      job_id: message.job_id,
    },
  };
}

/** `message`/`ack`: a sent message's delivery or read status. */
export function ackWebhook(message: MessageRecord, ack: Ack): WebhookBody {
  return {
    type: 'message',
    event: 'ack',
    data: {
      external_id: message.external_id,
      channel: { id: message.channel_id, type: message.channel_type },
      conversation_id: message.conversation_id,
      ack,
    },
  };
}

/** `job`/`executed`: the outcome of an asynchronous delivery, at `now` (the conversation's clock). */
export function jobWebhook(job: JobRecord, now: Date): WebhookBody {
  return {
    type: 'job',
    event: 'executed',
    data: {
      id: job.id,
      result: job.details?.result ?? 'DELIVERED',
      message_id: job.message_id,
      date: unixSeconds(now),
      ...(job.details?.reason ? { reason: job.details.reason } : {}),
    },
  };
}

/** The probe Pact posts when a webhook URL is saved. */
export function probeWebhook(): WebhookBody {
  return { source: 'pact.im', operation: 'test' };
}

/** `type/event` of a webhook, for logs. */
export function webhookLabel(body: WebhookBody): string {
  if (body.source === 'pact.im' && body.operation === 'test') return 'probe';
  const type = String(body.type);
  return typeof body.event === 'string' ? `${type}/${body.event}` : type;
}
