/**
 * Pact's webhooks of API v2: the envelope `{ event, type, object }` with `create`, `update` and
 * `delete` events of messages, conversations and auths (v2's name for channels). Parsing (see
 * `parseWebhook`) accepts every form the reference shows: ids as numbers or digit strings, times
 * with or without milliseconds, `reactions` as `null` or `[]`. Fields the reference does not list
 * are kept on the objects but not typed; read them with `unknownField(object, name)`.
 */
import type { V2Auth, V2Conversation, V2Message } from '../api/v2/types.js';

/** Who wrote a v2 message, as its webhook tells: the customer (`external_id`) or the company's side (`internal_id`). */
export interface V2Contact {
  id?: number | undefined;
  internal_id?: number | undefined;
  external_id?: string | undefined;
  external_public_id?: string | undefined;
  name?: string | null;
  avatar_url?: string | null;
  phone?: string | null;
}

/** A message in a v2 webhook: the message object, with its contact and (in current payloads) its conversation. */
export interface V2WebhookMessage extends V2Message {
  contact?: V2Contact | undefined;
  /** The conversation; older payloads lack it. */
  conversation?: V2Conversation | undefined;
}

/** A message arrived (`income: true`, status `created`) or the company's message was accepted (`income: false`, status `sent`). */
export interface V2MessageCreateUpdate {
  event: 'create';
  type: 'message';
  object: V2WebhookMessage;
}
/** An outgoing message's status changed: `delivered`, `read`, or `error` with `details`. */
export interface V2MessageStatusUpdate {
  event: 'update';
  type: 'message';
  object: V2WebhookMessage;
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
