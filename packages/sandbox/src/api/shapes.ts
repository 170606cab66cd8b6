/**
 * The API's answers, in the shapes of the reference's examples. Dates are ISO 8601 here (the
 * webhooks write them differently; see `webhooks/payloads.ts`).
 */
import type {
  AttachmentRecord,
  ChannelRecord,
  CompanyRecord,
  ConversationRecord,
  JobRecord,
  MessageRecord,
  WabaTemplateRecord,
} from '../store/records.js';
import { isoDate, unixSeconds } from '../util/dates.js';

/** A company, as `GET /p1/companies` lists it. */
export function companyShape(company: CompanyRecord) {
  return {
    external_id: company.external_id,
    name: company.name,
    phone: company.phone,
    description: company.description,
    webhook_url: company.webhook_url,
  };
}

/** A channel, as `GET /channels` lists it. */
export function channelShape(channel: ChannelRecord) {
  return { external_id: channel.external_id, provider: channel.provider };
}

/** A conversation, as the conversation endpoints answer. */
export function conversationShape(conversation: ConversationRecord) {
  return {
    external_id: conversation.external_id,
    name: conversation.name,
    channel_id: conversation.channel_id,
    channel_type: conversation.channel_type,
    created_at: isoDate(conversation.created_at),
    created_at_timestamp: unixSeconds(conversation.created_at),
    avatar: '/avatars/original/missing.png',
    sender_external_id: conversation.sender_external_id,
    meta: {},
    last_message_at: conversation.last_message_at && unixSeconds(conversation.last_message_at),
    last_income_message_at:
      conversation.last_income_message_at && unixSeconds(conversation.last_income_message_at),
  };
}

/** An attachment inside a message. The reference names no fields; these are the usual ones. */
export function attachmentShape(attachment: AttachmentRecord) {
  return {
    external_id: attachment.external_id,
    url: attachment.url,
    file_name: attachment.file_name,
    mime_type: attachment.mime_type,
    size: attachment.size,
    push_to_talk: attachment.push_to_talk,
  };
}

/** A message, as `GET …/messages` lists it. */
export function messageShape(message: MessageRecord) {
  return {
    external_id: message.external_id,
    channel_id: message.channel_id,
    channel_type: message.channel_type,
    message: message.message,
    income: message.income,
    created_at: isoDate(message.created_at),
    created_at_timestamp: unixSeconds(message.created_at),
    attachments: message.attachments.map(attachmentShape),
  };
}

/** A delivery job, as sending a message and `GET …/jobs/:id` answer. */
export function jobShape(job: JobRecord) {
  return {
    id: job.id,
    company_id: job.company_id,
    channel: { id: job.channel_id, type: job.channel_type },
    conversation_id: job.conversation_id,
    state: job.state,
    message_id: job.message_id,
    details: job.details,
    created_at: unixSeconds(job.created_at),
  };
}

/** A WhatsApp Business template, with the fields v1 lists and its `language` (a sandbox addition). */
export function templateShape(template: WabaTemplateRecord) {
  return {
    id: template.id,
    company_id: template.company_id,
    name: template.name,
    waba_id: template.waba_id,
    body: template.body,
    substitutions_count: template.substitutions_count,
    position: template.position,
    language: template.language,
  };
}
