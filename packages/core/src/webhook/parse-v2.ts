import {
  asBoolean,
  asId,
  describe,
  idOrNull,
  isObject,
  optNumber,
  optString,
  requireId,
  stringOrNull,
  type Json,
} from './json.js';
import type {
  V2Attachment,
  V2Auth,
  V2AuthPage,
  V2Conversation,
  V2MessageDetails,
} from '../api/v2/types.js';
import type { V2Contact, V2Update, V2WebhookMessage } from './v2-types.js';
import { WebhookError } from './webhook-error.js';

/** Types of v2 webhooks pactbot knows, for error messages. */
export const V2_TYPE_NAMES: ReadonlySet<string> = new Set(['message', 'conversation', 'auth']);

/** A provider's id, which v2 writes as a string (and older examples as a number). */
function providerId(value: unknown): string | null {
  if (typeof value === 'string') return value;
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : null;
}

function objectOf(label: string, body: Json): Json {
  if (!isObject(body.object)) {
    throw new WebhookError(
      400,
      `${label} webhook has no object (got ${body.object === undefined ? 'nothing' : describe(body.object)})`,
    );
  }
  return body.object;
}

/** Reads a conversation object; `where` names it in errors (`object`, `object.conversation`). */
export function v2Conversation(label: string, value: Json, where = 'object'): V2Conversation {
  const id = asId(value.id);
  if (id === undefined)
    throw new WebhookError(400, `${label} webhook lacks ${where}.id (the conversation id)`);
  return {
    ...value,
    id,
    company_id: asId(value.company_id) ?? 0,
    sender_name: stringOrNull(value.sender_name),
    sender_phone: providerId(value.sender_phone),
    sender_external_id: providerId(value.sender_external_id),
    sender_external_public_id: providerId(value.sender_external_public_id),
    provider: optString(value.provider) ?? 'unknown',
    avatar_url: stringOrNull(value.avatar_url),
    created_at: optString(value.created_at) ?? '',
    last_updated_at: stringOrNull(value.last_updated_at),
    last_message_id: idOrNull(value.last_message_id),
    operational_state: optString(value.operational_state) ?? 'open',
    replied_state: optString(value.replied_state) ?? 'unreplied',
    group: asBoolean(value.group) ?? false,
  };
}

function attachment(value: Json): V2Attachment {
  return {
    ...value,
    id: asId(value.id) ?? 0,
    message_id: idOrNull(value.message_id),
    file_name: optString(value.file_name),
    mime_type: optString(value.mime_type),
    size: optNumber(value.size),
    attachment_url: optString(value.attachment_url),
    preview_url: stringOrNull(value.preview_url),
    aspect_ratio: optNumber(value.aspect_ratio) ?? null,
    push_to_talk: asBoolean(value.push_to_talk) ?? null,
  };
}

function contact(value: Json): V2Contact {
  return {
    ...value,
    id: asId(value.id),
    internal_id: asId(value.internal_id),
    external_id: providerId(value.external_id) ?? undefined,
    external_public_id: providerId(value.external_public_id) ?? undefined,
    name: stringOrNull(value.name),
    avatar_url: stringOrNull(value.avatar_url),
    phone: providerId(value.phone),
  };
}

function details(value: unknown): V2MessageDetails | null {
  if (!isObject(value)) return null;
  return { ...value, result: optString(value.result) };
}

function message(label: string, body: Json): V2WebhookMessage {
  const value = objectOf(label, body);
  const id = asId(value.id);
  if (id === undefined)
    throw new WebhookError(400, `${label} webhook lacks object.id (the message id, an integer)`);
  const income = asBoolean(value.income);
  if (income === undefined)
    throw new WebhookError(400, `${label} webhook lacks object.income (true or false)`);
  const text = value.message;
  if (text !== undefined && text !== null && typeof text !== 'string') {
    throw new WebhookError(
      400,
      `${label} webhook has object.message of ${describe(text)}; expected text or null`,
    );
  }
  return {
    ...value,
    id,
    external_id: providerId(value.external_id),
    company_id: asId(value.company_id) ?? 0,
    conversation_id: requireId(label, value, 'conversation_id'),
    contact_id: idOrNull(value.contact_id),
    replied_to_id: providerId(value.replied_to_id),
    created_at: optString(value.created_at) ?? '',
    external_created_at: stringOrNull(value.external_created_at),
    income,
    status: optString(value.status) ?? (income ? 'created' : 'sent'),
    message: text ?? null,
    reactions: Array.isArray(value.reactions) ? value.reactions : null,
    details: details(value.details),
    attachments: Array.isArray(value.attachments)
      ? value.attachments.filter(isObject).map(attachment)
      : [],
    delivery: asBoolean(value.delivery) ?? null,
    deleted: asBoolean(value.deleted) ?? false,
    contact: isObject(value.contact) ? contact(value.contact) : undefined,
    conversation: isObject(value.conversation)
      ? v2Conversation(label, value.conversation, 'object.conversation')
      : undefined,
  };
}

function page(value: Json): V2AuthPage {
  const external = value.external_id;
  return {
    ...value,
    id: asId(value.id) ?? 0,
    auth_id: asId(value.auth_id),
    company_id: asId(value.company_id),
    external_id: typeof external === 'number' ? external : (providerId(external) ?? ''),
    name: optString(value.name) ?? '',
    enabled: asBoolean(value.enabled) ?? false,
    oauth_provider_url: optString(value.oauth_provider_url),
  };
}

function auth(label: string, body: Json): V2Auth {
  const value = objectOf(label, body);
  const id = asId(value.id);
  if (id === undefined)
    throw new WebhookError(400, `${label} webhook lacks object.id (the auth id, an integer)`);
  return {
    ...value,
    id,
    company_id: asId(value.company_id) ?? 0,
    provider: optString(value.provider) ?? 'unknown',
    state: optString(value.state) ?? 'initial',
    phone_number: providerId(value.phone_number),
    username: stringOrNull(value.username),
    created_at: optString(value.created_at) ?? '',
    updated_at: optString(value.updated_at) ?? '',
    sync_messages_at: stringOrNull(value.sync_messages_at),
    pages: Array.isArray(value.pages) ? value.pages.filter(isObject).map(page) : null,
    qr: optString(value.qr),
    code: optString(value.code),
    oauth_provider_url: optString(value.oauth_provider_url),
    settings: isObject(value.settings) ? value.settings : undefined,
  };
}

/**
 * Reads a v2 webhook (`{ event, type, object }`) of a known type and event; undefined for a type
 * or event pactbot does not know yet, which is acknowledged rather than refused.
 */
export function parseV2(body: Json, type: string, event: string): V2Update | undefined {
  const label = `${type}/${event}`;
  switch (label) {
    case 'message/create':
      return { ...body, event: 'create', type: 'message', object: message(label, body) };
    case 'message/update':
      return { ...body, event: 'update', type: 'message', object: message(label, body) };
    case 'conversation/create':
    case 'conversation/update':
    case 'conversation/delete': {
      const object = v2Conversation(label, objectOf(label, body));
      if (event === 'create') return { ...body, event, type: 'conversation', object };
      if (event === 'update') return { ...body, event, type: 'conversation', object };
      return { ...body, event: 'delete', type: 'conversation', object };
    }
    case 'auth/create':
      return { ...body, event: 'create', type: 'auth', object: auth(label, body) };
    case 'auth/update':
      return { ...body, event: 'update', type: 'auth', object: auth(label, body) };
    case 'auth/delete':
      return { ...body, event: 'delete', type: 'auth', object: auth(label, body) };
    default:
      if (V2_TYPE_NAMES.has(type) && (body.object === undefined || body.object === null))
        throw new WebhookError(400, `${label} webhook lacks object`);
      return undefined;
  }
}
