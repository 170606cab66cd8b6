/**
 * Pact's webhooks of API v2: the envelope `{ event, type, object }` with `create`, `update` and
 * `delete` events of messages, conversations and auths (v2's name for channels). Parsing (see
 * `parseWebhook`) accepts every form the reference shows: ids as numbers or digit strings, times
 * with or without milliseconds, `reactions` as `null` or `[]`. Fields the reference does not list
 * are kept on the objects but not typed; read them with `unknownField(object, name)`.
 */
import type { ChannelProvider } from '../api/types.js';

/** A time as v2 writes it: ISO 8601 in UTC, with or without milliseconds. */
export type V2Time = string;

/** Where a v2 message is in its life: incoming ones are `created`; outgoing ones go `sent` → `delivered`/`read`, or `error`. */
export type V2MessageStatus = 'created' | 'sent' | 'delivered' | 'read' | 'error' | (string & {});

/** A conversation as v2 webhooks carry it. Group chats are conversations with `group: true`. */
export interface V2Conversation {
  id: number;
  company_id: number;
  sender_name: string | null;
  sender_phone: string | null;
  sender_external_id: string | null;
  sender_external_public_id: string | null;
  /** The messenger: `whatsapp`, `whatsapp_business`, `telegram`, … */
  provider: ChannelProvider;
  avatar_url: string | null;
  created_at: V2Time | null;
  /** When the latest message was written; null before any. */
  last_updated_at: V2Time | null;
  last_message_id: number | null;
  operational_state: 'open' | 'archived' | 'blocked' | (string & {});
  replied_state: 'initialized' | 'replied' | 'unreplied' | (string & {});
  group: boolean;
}

/** A file of a v2 message. */
export interface V2Attachment {
  id: number;
  message_id?: number | null;
  file_name?: string;
  mime_type?: string;
  size?: number;
  attachment_url?: string;
  preview_url?: string | null;
  aspect_ratio?: number | null;
  push_to_talk?: boolean | null;
}

/** Why an outgoing v2 message failed: `result` as v1's jobs had it, and the provider's own reason. */
export interface V2MessageDetails {
  result?: string;
  internal_reason?: unknown;
}

/** Who wrote a v2 message: the customer (`external_id`) or the company's side (`internal_id`). */
export interface V2Contact {
  id?: number;
  internal_id?: number;
  external_id?: string;
  external_public_id?: string;
  name?: string | null;
  avatar_url?: string | null;
  phone?: string | null;
}

/** A message in a v2 webhook. */
export interface V2Message {
  /** Pact's id of the message. */
  id: number;
  /** The provider's id; null until the provider confirmed an outgoing message. */
  external_id: string | null;
  company_id: number;
  conversation_id: number;
  contact_id: number | null;
  replied_to_id: string | null;
  created_at: V2Time | null;
  external_created_at: V2Time | null;
  income: boolean;
  status: V2MessageStatus;
  /** The text; null or empty when the message has only attachments. */
  message: string | null;
  reactions: unknown[] | null;
  details: V2MessageDetails | null;
  attachments: V2Attachment[];
  delivery?: boolean | null;
  deleted?: boolean;
  contact?: V2Contact | undefined;
  /** The conversation, in current payloads; older ones lack it. */
  conversation?: V2Conversation | undefined;
}

/** A page of a provider account connected through OAuth (VK communities, Facebook pages). */
export interface V2AuthPage {
  id: number;
  auth_id?: number;
  company_id?: number;
  external_id: string | number;
  name: string;
  enabled: boolean;
  oauth_provider_url?: string;
}

/** A connected messenger account ("auth", v2's name for a channel). */
export interface V2Auth {
  id: number;
  company_id: number;
  provider: ChannelProvider;
  /** `enabled` (connected), `disabled`, or `initial` while it is being confirmed. */
  state: 'enabled' | 'disabled' | 'initial' | (string & {});
  phone_number?: string | null;
  username?: string | null;
  created_at?: V2Time | null;
  updated_at?: V2Time | null;
  sync_messages_at?: V2Time | null;
  pages?: V2AuthPage[] | null;
  /** A QR code to scan, as a complete `data:` URL; re-sent when it expires. */
  qr?: string;
  /** A pairing code to type on the phone. */
  code?: string;
  /** Where to send the user to grant access. */
  oauth_provider_url?: string;
  settings?: Record<string, unknown>;
}

/** A message arrived (`income: true`, status `created`) or the company's message was accepted (`income: false`, status `sent`). */
export interface V2MessageCreateUpdate {
  event: 'create';
  type: 'message';
  object: V2Message;
}
/** An outgoing message's status changed: `delivered`, `read`, or `error` with `details`. */
export interface V2MessageStatusUpdate {
  event: 'update';
  type: 'message';
  object: V2Message;
}
/** A conversation was created (a group chat when `object.group`). */
export interface V2ConversationCreateUpdate {
  event: 'create';
  type: 'conversation';
  object: V2Conversation;
}
/** A conversation's fields changed, such as `last_message_id` after a message. */
export interface V2ConversationChangeUpdate {
  event: 'update';
  type: 'conversation';
  object: V2Conversation;
}
/** A conversation was deleted. */
export interface V2ConversationDeleteUpdate {
  event: 'delete';
  type: 'conversation';
  object: V2Conversation;
}
/** A messenger account was connected to the company. */
export interface V2AuthCreateUpdate {
  event: 'create';
  type: 'auth';
  object: V2Auth;
}
/** A messenger account changed: connected, disconnected, or a step of its confirmation (QR, code, OAuth, pages). */
export interface V2AuthChangeUpdate {
  event: 'update';
  type: 'auth';
  object: V2Auth;
}
/** A messenger account was deleted. */
export interface V2AuthDeleteUpdate {
  event: 'delete';
  type: 'auth';
  object: V2Auth;
}

/** Every webhook of Pact's API v2. */
export type V2Update =
  | V2MessageCreateUpdate
  | V2MessageStatusUpdate
  | V2ConversationCreateUpdate
  | V2ConversationChangeUpdate
  | V2ConversationDeleteUpdate
  | V2AuthCreateUpdate
  | V2AuthChangeUpdate
  | V2AuthDeleteUpdate;
