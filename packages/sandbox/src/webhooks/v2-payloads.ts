/**
 * API v2's webhooks: the envelope `{event, type, object}` around the objects of the v2 API, built
 * like the examples of `shared/pact-api/v2/webhooks.md`. Message webhooks also carry the message's
 * `contact` and `conversation`.
 */
import { authV2, contactV2, conversationV2, messageV2 } from '../api/v2/shapes.js';
import type {
  ChannelRecord,
  CompanyRecord,
  ConversationRecord,
  MessageRecord,
} from '../store/records.js';
import type { WebhookBody } from './payloads.js';

/** `conversation`/`create`, `update` (new fields, such as `last_message_id`) or `delete`. */
export function conversationEvent(
  event: 'create' | 'update' | 'delete',
  conversation: ConversationRecord,
  avatarUrl: string,
): WebhookBody {
  return { event, type: 'conversation', object: conversationV2(conversation, avatarUrl) };
}

/**
 * `message`/`create` (a customer wrote: `created`; a message was sent: `sent`, no `external_id`
 * yet) or `message`/`update` (`delivered`, `read`, `error` with `details`, or deleted).
 */
export function messageEvent(
  event: 'create' | 'update',
  message: MessageRecord,
  company: CompanyRecord,
  conversation: ConversationRecord,
  avatarUrl: string,
): WebhookBody {
  return {
    event,
    type: 'message',
    object: {
      ...messageV2(message, company, conversation),
      contact: contactV2(message, company, conversation, avatarUrl),
      conversation: conversationV2(conversation, avatarUrl),
    },
  };
}

/** What an auth's update brings while it is being confirmed: a QR, a pairing code, an OAuth link. */
export interface AuthProgress {
  qr?: string | undefined;
  code?: string | undefined;
  oauth_provider_url?: string | undefined;
}

/** `auth`/`create`, `update` (connected, disconnected, a QR or code or link to confirm) or `delete`. */
export function authEvent(
  event: 'create' | 'update' | 'delete',
  channel: ChannelRecord,
  progress: AuthProgress = {},
): WebhookBody {
  const confirming = Object.values(progress).some((value) => value !== undefined);
  return {
    event,
    type: 'auth',
    object: { ...authV2(channel), ...(confirming ? { settings: {}, ...progress } : {}) },
  };
}
