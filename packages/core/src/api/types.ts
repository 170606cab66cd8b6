/**
 * The shapes Pact's API answers with, as its reference shows them. Where the reference's examples
 * disagree (dates as ISO 8601 or `2017-11-11 12:45:53 UTC`, `location` as `{}` or `null`, ids as
 * numbers or strings), the types admit every form shown.
 */

/** Messaging providers Pact connects; other strings may appear as Pact adds providers. */
export type ChannelProvider =
  | 'whatsapp'
  | 'whatsapp_business'
  | 'instagram'
  | 'instagram_business'
  | 'facebook'
  | 'telegram'
  | 'telegram_personal'
  | 'viber'
  | 'vkontakte'
  | 'vkontakte_direct'
  | 'avito'
  | (string & {});

/** A date as Pact writes it: ISO 8601 or `YYYY-MM-DD HH:MM:SS UTC`. See `parsePactDate`. */
export type PactDate = string;

/** Sort direction of a list. */
export type SortDirection = 'asc' | 'desc';

/** Paging parameters every list endpoint accepts. */
export interface ListParams {
  /** The `next_page` token of the previous page; an empty or invalid token gives the first page. At most 255 characters. */
  from?: string | undefined;
  /** Items per page, 1–100. Pact's default is 50. */
  per?: number | undefined;
  /** Sort direction (by id, or by creation time for messages). Pact's default is `asc`. */
  sort_direction?: SortDirection | undefined;
}

/**
 * One page of a list and how to ask for the next one: v1's `next_page` token (a string), or
 * v2's next page number (`Page<T, number>`).
 */
export interface Page<T, Next = string> {
  /** The items of this page. */
  items: T[];
  /** Pass as `from` (v1) or `page` (v2) to get the next page; undefined on the last page. */
  nextPage: Next | undefined;
}

/** A company (Pact's "project"): the owner of channels and conversations. */
export interface Company {
  external_id: number;
  name: string;
  phone: string | null;
  description: string | null;
  webhook_url: string | null;
  hidden?: boolean;
}

/** A connected channel of a company. */
export interface Channel {
  external_id: number;
  provider: ChannelProvider;
}

/** A channel reference inside messages, jobs and webhooks. */
export interface ChannelRef {
  id: number;
  type: ChannelProvider;
}

/**
 * A 1:1 conversation with a customer, as the API (v1) answers with it. (From `@pactbot/core`,
 * `Conversation` names a dialog's handle, see `createConversation`; this is the API's object.)
 */
export interface PactConversation {
  external_id: number;
  name: string;
  channel_id: number | null;
  channel_type: ChannelProvider;
  created_at: PactDate;
  created_at_timestamp?: number;
  avatar?: string;
  avatar_url?: string | null;
  sender_external_id: string;
  meta?: Record<string, unknown>;
  last_message_at?: number | null;
  last_income_message_at?: number | null;
  bitrix_block_openlines?: boolean;
}

/** The API's conversation object, as the API client's own code names it. */
export type Conversation = PactConversation;

/** A file attached to a message. Pact's reference does not spell the fields out; these are the usual ones. */
export interface MessageAttachment {
  external_id?: number | string;
  url?: string;
  file_name?: string;
  mime_type?: string;
  size?: number;
  push_to_talk?: boolean;
  [field: string]: unknown;
}

/** A location shared in a message; Pact sends `{}` or `null` when there is none. */
export interface MessageLocation {
  latitude?: number;
  longitude?: number;
  [field: string]: unknown;
}

/** A message of a conversation, as the messages list returns it. */
export interface Message {
  external_id: number;
  channel_id: number;
  channel_type: ChannelProvider;
  message: string | null;
  income: boolean;
  created_at: PactDate;
  created_at_timestamp?: number;
  attachments: MessageAttachment[];
}

/** State of a delivery job. */
export type JobState = 'trying_deliver' | 'delivered' | 'not_delivered' | (string & {});

/**
 * A delivery job: what sending a message returns. `message_id` is set when Pact delivered
 * synchronously; otherwise the `job`/`executed` webhook reports the outcome.
 */
export interface Job {
  id: number;
  company_id: number;
  channel: ChannelRef;
  conversation_id: number | null;
  state: JobState;
  message_id: number | null;
  details: {
    result?: 'DELIVERED' | 'NOT DELIVERED' | (string & {});
    reason?: string;
    [field: string]: unknown;
  } | null;
  created_at: number;
}

/** A WhatsApp Business message template. */
export interface WabaTemplate {
  id: number;
  company_id: number;
  name: string;
  waba_id: string;
  body: string;
  substitutions_count: number;
  position: number;
}

/** What creating or updating a company or channel returns. */
export interface ExternalIdResult {
  external_id: number;
}

/** WhatsApp's answer to `request_code`: the code to type into the WhatsApp app. */
export interface WhatsAppCodeResult {
  sessionId: string;
  code: string;
  ttl: string;
}

/** Telegram Personal's answer to `request_code`. */
export interface TelegramCodeResult {
  code_length: number;
  code_type: string;
  expires_in: number;
  next_type: string;
  session_id: number;
  status: string;
}

/** Instagram's answer to `request_code`. */
export interface InstagramCodeResult {
  result: string;
}

/** Answer to `confirm`: done, or a further challenge or two-factor step with its variants. */
export interface ConfirmResult {
  result: string;
  state?: string;
  data?: {
    two_factor_requires?: boolean;
    confirmation_requires?: boolean;
    details?: Array<{ value: number; key?: string; label?: string }>;
  };
}
