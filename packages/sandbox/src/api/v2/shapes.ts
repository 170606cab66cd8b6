/**
 * API v2's objects, in the shapes of the reference's examples (`shared/pact-api/v2`): ids are
 * `id`, a messenger's own id is `external_id`, dates are ISO 8601. The webhooks carry the same
 * objects (see `webhooks/v2-payloads.ts`).
 */
import { usesPhoneNumbers } from '../../channels.js';
import type {
  AttachmentRecord,
  ChannelRecord,
  CompanyRecord,
  CompanyWebhookRecord,
  ConversationRecord,
  DeliveryFailure,
  MessageRecord,
  WabaTemplateRecord,
} from '../../store/records.js';
import { isoDate, isoSeconds } from '../../util/dates.js';

/** A message's `status`: incoming ones are `created`; sent ones go `sent` → `delivered` → `read`, or `error`. */
export function messageStatus(
  message: MessageRecord,
): 'created' | 'sent' | 'delivered' | 'read' | 'error' {
  if (message.income) return 'created';
  switch (message.ack) {
    case -1:
      return 'error';
    case 2:
      return 'delivered';
    case 3:
      return 'read';
    default:
      return 'sent';
  }
}

/** A conversation (`GET /conversations/:id`, and `object` of `conversation` webhooks). */
export function conversationV2(conversation: ConversationRecord, avatarUrl: string) {
  const phone = usesPhoneNumbers(conversation.channel_type)
    ? conversation.sender_external_id
    : null;
  return {
    id: conversation.external_id,
    company_id: conversation.company_id,
    sender_name: conversation.name,
    sender_phone: phone,
    sender_external_id: conversation.sender_external_id,
    sender_external_public_id: conversation.sender_external_id,
    provider: conversation.channel_type,
    avatar_url: avatarUrl,
    created_at: isoDate(conversation.created_at),
    last_updated_at: conversation.last_message_at && isoSeconds(conversation.last_message_at),
    last_message_id: conversation.last_message_id,
    operational_state: conversation.operational_state,
    replied_state: conversation.replied_state,
    group: false,
  };
}

/** An attachment: images also have a preview (the file itself here), a size and an aspect ratio. */
export function attachmentV2(attachment: AttachmentRecord) {
  const image = attachment.mime_type.startsWith('image/');
  const { width, height } = attachment;
  const sized = width !== null && height !== null;
  return {
    id: attachment.external_id,
    message_id: attachment.message_id,
    file_name: attachment.file_name,
    mime_type: attachment.mime_type,
    size: attachment.size,
    attachment_url: attachment.url,
    preview_url: image ? attachment.url : null,
    aspect_ratio: sized ? Math.round((width / height) * 100) / 100 : null,
    data: sized ? { width, height } : {},
    push_to_talk: attachment.mime_type.startsWith('audio/') ? attachment.push_to_talk : null,
  };
}

/**
 * Why a sent message failed, in the one form the reference shows: the v1 job's result, and the
 * messenger's errors (WhatsApp's 131047 outside the 24-hour window, 131026 from the fault).
 */
function failureDetails(failure: DeliveryFailure) {
  return { result: 'NOT DELIVERED', internal_reason: { errors: failure.errors } };
}

/**
 * A message. A sent message's `external_id` (the messenger's id) is null while it is `sent`, until
 * the messenger answers (delivered, read, or an error, as the reference's examples show). v2 has
 * no field for a shared location; the sandbox adds `location` to such messages.
 */
export function messageV2(
  message: MessageRecord,
  company: CompanyRecord,
  conversation: ConversationRecord,
) {
  const status = messageStatus(message);
  const known = status !== 'sent';
  return {
    id: message.external_id,
    external_id: known ? message.provider_id : null,
    company_id: message.company_id,
    conversation_id: message.conversation_id,
    contact_id: message.income ? conversation.contact_id : company.contact_id,
    replied_to_id: message.replied_to_id,
    created_at: isoDate(message.created_at),
    external_created_at: isoSeconds(message.created_at),
    income: message.income,
    status,
    message: message.message,
    reactions: [],
    details: status === 'error' && message.failure ? failureDetails(message.failure) : null,
    attachments: message.attachments.map(attachmentV2),
    delivery: false,
    deleted: message.deleted,
    ...(message.location ? { location: message.location } : {}),
  };
}

/**
 * Who a message is from, as message webhooks tell: the customer (an "external" contact, with the
 * messenger's ids) or the company's API user (an "internal" one, with `internal_id`).
 */
export function contactV2(
  message: MessageRecord,
  company: CompanyRecord,
  conversation: ConversationRecord,
  avatarUrl: string,
) {
  if (!message.income) {
    return {
      id: company.contact_id,
      internal_id: company.external_id,
      name: 'API',
      avatar_url: null,
      phone: null,
    };
  }
  return {
    id: conversation.contact_id,
    external_id: conversation.sender_external_id,
    external_public_id: conversation.sender_external_id,
    name: conversation.name,
    avatar_url: avatarUrl,
    phone: usesPhoneNumbers(conversation.channel_type) ? conversation.sender_external_id : null,
  };
}

/** An auth (v1's channel). */
export function authV2(channel: ChannelRecord) {
  return {
    id: channel.external_id,
    company_id: channel.company_id,
    provider: channel.provider,
    state: channel.state,
    phone_number: channel.phone_number,
    username: channel.username,
    created_at: isoDate(channel.created_at),
    updated_at: isoDate(channel.updated_at),
    sync_messages_at: channel.sync_messages_at && isoDate(channel.sync_messages_at),
    pages: null,
  };
}

/** A WhatsApp Business template, with its `language` (a sandbox addition: v2 lists none). */
export function templateV2(template: WabaTemplateRecord) {
  return {
    id: template.id,
    name: template.name,
    body: template.body,
    waba_id: template.waba_id,
    substitutions_count: template.substitutions_count,
    header_content_type: template.header_content_type,
    company_id: template.company_id,
    header: template.header,
    namespace: template.namespace,
    created_at: isoDate(template.created_at),
    position: template.position,
    language: template.language,
  };
}

/** A company webhook. */
export function webhookV2(webhook: CompanyWebhookRecord) {
  return { id: webhook.id, url: webhook.url, active: webhook.active };
}
