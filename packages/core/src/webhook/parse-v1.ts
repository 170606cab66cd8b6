import type { ChannelRef, MessageAttachment, MessageLocation } from '../api/types.js';
import {
  asBoolean,
  asId,
  describe,
  idOrNull,
  isObject,
  optNumber,
  optString,
  requireId,
  requireMessageId,
  type Json,
} from './json.js';
import type {
  AckLevel,
  ConversationData,
  GroupMemberData,
  GroupMessageAckData,
  GroupMessageData,
  JobExecutedData,
  SystemData,
  V1Update,
} from './types.js';
import { WebhookError } from './webhook-error.js';

/** Types of v1 webhooks pactbot knows, for error messages. */
export const V1_TYPE_NAMES: ReadonlySet<string> = new Set([
  'message',
  'conversation',
  'job',
  'qr_code',
  'system',
  'group_conversation',
  'group_message',
  'group_conversation_contact',
]);

function asAck(label: string, value: unknown): AckLevel {
  const ack = asId(value);
  if (ack === undefined || ack < -1 || ack > 3) {
    throw new WebhookError(
      400,
      `${label} webhook has data.ack ${JSON.stringify(value) ?? String(value)}; expected -1, 0, 1, 2 or 3`,
    );
  }
  return ack as AckLevel;
}

/** `location` comes as `{}`, `null` or a filled object: only the last is a location. */
function asLocation(value: unknown): MessageLocation | null {
  if (!isObject(value) || Object.keys(value).length === 0) return null;
  return { ...value, latitude: optNumber(value.latitude), longitude: optNumber(value.longitude) };
}

function asAttachment(value: Json): MessageAttachment {
  const id = value.external_id;
  return {
    ...value,
    external_id: typeof id === 'string' || typeof id === 'number' ? id : undefined,
    url: optString(value.url),
    file_name: optString(value.file_name),
    mime_type: optString(value.mime_type),
    size: optNumber(value.size),
    push_to_talk: asBoolean(value.push_to_talk),
  };
}

function asChannel(data: Json): ChannelRef {
  const channel = isObject(data.channel) ? data.channel : {};
  const id = asId(channel.id) ?? asId(data.channel_id) ?? 0;
  const type = optString(channel.type) ?? optString(data.channel_type) ?? 'unknown';
  return { ...channel, id, type };
}

function dataObject(label: string, body: Json): Json {
  if (!isObject(body.data)) {
    throw new WebhookError(
      400,
      `${label} webhook has no data object (got ${body.data === undefined ? 'nothing' : describe(body.data)})`,
    );
  }
  return body.data;
}

function message(label: string, body: Json): GroupMessageData {
  const data = dataObject(label, body);
  const external_id = requireMessageId(label, data);
  const income = asBoolean(data.income);
  if (income === undefined)
    throw new WebhookError(400, `${label} webhook lacks data.income (true or false)`);
  const text = data.message;
  if (text !== undefined && text !== null && typeof text !== 'string' && typeof text !== 'number') {
    throw new WebhookError(
      400,
      `${label} webhook has data.message of ${describe(text)}; expected text or null`,
    );
  }
  const channel = asChannel(data);
  const publicId = data.external_public_id;
  return {
    ...data,
    external_id,
    external_public_id:
      typeof publicId === 'string' || typeof publicId === 'number' ? publicId : null,
    conversation_id: requireId(label, data, 'conversation_id'),
    income,
    message: text === undefined || text === null ? null : String(text),
    location: asLocation(data.location),
    attachments: Array.isArray(data.attachments)
      ? data.attachments.filter(isObject).map(asAttachment)
      : [],
    channel,
    channel_id: asId(data.channel_id) ?? channel.id,
    channel_type: optString(data.channel_type) ?? channel.type,
    created_at: optString(data.created_at),
    created_at_timestamp: optNumber(data.created_at_timestamp),
    external_created_at_timestamp: optNumber(data.external_created_at_timestamp),
    job_id: idOrNull(data.job_id),
    ...(data.ack === undefined ? {} : { ack: asAck(label, data.ack) }),
  };
}

function ack(label: string, body: Json): GroupMessageAckData {
  const data = dataObject(label, body);
  return {
    ...data,
    external_id: requireMessageId(label, data),
    conversation_id: requireId(label, data, 'conversation_id'),
    ack: asAck(label, data.ack),
    channel: asChannel(data),
    participant: optString(data.participant),
    timestamp: optNumber(data.timestamp),
  };
}

function conversation(label: string, body: Json): ConversationData {
  const data = dataObject(label, body);
  return {
    ...data,
    external_id: requireId(label, data, 'external_id'),
    name: optString(data.name) ?? '',
    avatar_url: optString(data.avatar_url) ?? null,
    channel_id: asId(data.channel_id) ?? null,
    channel_type: optString(data.channel_type) ?? 'unknown',
    created_at: optString(data.created_at),
    created_at_timestamp: optNumber(data.created_at_timestamp),
    last_message_at: optNumber(data.last_message_at) ?? null,
    last_income_message_at: optNumber(data.last_income_message_at) ?? null,
    sender_external_id: optString(data.sender_external_id),
  };
}

function job(label: string, body: Json): JobExecutedData {
  const data = dataObject(label, body);
  if (typeof data.result !== 'string')
    throw new WebhookError(400, `${label} webhook lacks data.result (DELIVERED or NOT DELIVERED)`);
  return {
    ...data,
    id: requireId(label, data, 'id'),
    result: data.result,
    message_id: idOrNull(data.message_id),
    date: optNumber(data.date),
    reason: optString(data.reason),
  };
}

function system(label: string, body: Json): SystemData {
  const data = dataObject(label, body);
  if (typeof data.message !== 'string')
    throw new WebhookError(400, 'system webhook lacks data.message (the channel state)');
  // Channel events are ordered by channel: keep details only when they name one.
  const entityId = isObject(data.details) ? asId(data.details.entity_id) : undefined;
  return {
    ...data,
    message: data.message,
    date: optString(data.date),
    date_timestamp: optNumber(data.date_timestamp),
    timestamp: optNumber(data.timestamp),
    details:
      entityId === undefined || !isObject(data.details)
        ? undefined
        : {
            ...data.details,
            entity: optString(data.details.entity) ?? 'channel',
            entity_id: entityId,
          },
  };
}

function groupMember(label: string, body: Json): GroupMemberData {
  const data = dataObject(label, body);
  const contact = isObject(data.contact) ? data.contact : {};
  return {
    ...data,
    conversation_id: requireId(label, data, 'conversation_id'),
    contact: { ...contact, external_public_id: optString(contact.external_public_id) ?? '' },
    channel_id: asId(data.channel_id) ?? null,
    channel_type: optString(data.channel_type) ?? 'unknown',
    date_timestamp: optNumber(data.date_timestamp),
  };
}

/**
 * Reads a v1 webhook (`{ type, event, data }`) of a known type and event; undefined for an event
 * pactbot does not know yet, which is acknowledged rather than refused (Pact may add events).
 */
export function parseV1(body: Json, type: string, event: unknown): V1Update | undefined {
  const label = `${type}${typeof event === 'string' ? `/${event}` : ''}`;
  switch (`${type}:${typeof event === 'string' ? event : ''}`) {
    case 'message:new':
      return { ...body, type: 'message', event: 'new', data: message(label, body) };
    case 'group_message:new':
      return { ...body, type: 'group_message', event: 'new', data: message(label, body) };
    case 'message:ack':
      return { ...body, type: 'message', event: 'ack', data: ack(label, body) };
    case 'group_message:ack':
      return { ...body, type: 'group_message', event: 'ack', data: ack(label, body) };
    case 'conversation:new':
      return { ...body, type: 'conversation', event: 'new', data: conversation(label, body) };
    case 'conversation:update':
      return { ...body, type: 'conversation', event: 'update', data: conversation(label, body) };
    case 'group_conversation:new':
      return { ...body, type: 'group_conversation', event: 'new', data: conversation(label, body) };
    case 'job:executed':
      return { ...body, type: 'job', event: 'executed', data: job(label, body) };
    case 'qr_code:new':
      if (typeof body.data !== 'string')
        throw new WebhookError(
          400,
          `${label} webhook lacks data (the QR code image as base64 text)`,
        );
      return {
        ...body,
        type: 'qr_code',
        event: 'new',
        data: body.data,
        company_id: asId(body.company_id),
        channel_id: asId(body.channel_id),
      };
    case 'group_conversation_contact:new':
      return {
        ...body,
        type: 'group_conversation_contact',
        event: 'new',
        data: groupMember(label, body),
      };
    default:
      if (type === 'system') {
        return {
          ...body,
          type: 'system',
          event: optString(event),
          severity: optString(body.severity) ?? 'information',
          data: system(label, body),
        };
      }
      // A known type with an event not known yet is acknowledged; without any data at all it is
      // no webhook of Pact's.
      if (V1_TYPE_NAMES.has(type) && (body.data === undefined || body.data === null))
        throw new WebhookError(400, `${label} webhook lacks data`);
      return undefined;
  }
}
