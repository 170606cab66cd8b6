/**
 * What the sandbox keeps in memory. Records hold plain facts; the API's answers and the webhooks
 * are built from them (see `api/shapes.ts` and `webhooks/payloads.ts`), each in the reference's form.
 */
import type { ChannelType } from '../channels.js';

/** Delivery state of a message: −1 not delivered, 0 delivering, 1 sent, 2 delivered, 3 read. */
export type Ack = -1 | 0 | 1 | 2 | 3;

/** A company (Pact's "project"). */
export interface CompanyRecord {
  external_id: number;
  name: string;
  phone: string | null;
  description: string | null;
  /** The v1 webhook URL; v2 has its company webhooks ({@link CompanyWebhookRecord}). */
  webhook_url: string | null;
  hidden: boolean;
  /** The contact messages sent through the API are from (v2's "internal" contact). */
  contact_id: number;
}

/** How far an auth is: confirming (QR, code, OAuth), connected, or switched off. */
export type AuthState = 'initial' | 'enabled' | 'disabled';

/**
 * A channel (v1) or auth (v2): one connected messenger account per provider and company, created
 * when first needed or through the API.
 */
export interface ChannelRecord {
  external_id: number;
  company_id: number;
  provider: ChannelType;
  state: AuthState;
  phone_number: string | null;
  username: string | null;
  created_at: Date;
  updated_at: Date;
  /** Since when history is synchronized; null until connected. */
  sync_messages_at: Date | null;
  /** How far back a connection synchronizes history (v2's `sync_period`). */
  sync_period: 'day' | 'week' | 'month';
}

/** A v2 company webhook: a URL Pact posts the company's events to, while it is active. */
export interface CompanyWebhookRecord {
  id: number;
  company_id: number;
  url: string;
  active: boolean;
}

/** A 1:1 conversation with a customer on one channel. */
export interface ConversationRecord {
  external_id: number;
  company_id: number;
  channel_id: number;
  channel_type: ChannelType;
  /** The customer's name as the messenger reports it. */
  name: string;
  /** The customer's id in the messenger: a phone number, a user id. */
  sender_external_id: string;
  created_at: Date;
  /** Whether `conversation`/`new` was posted; it precedes the conversation's first message. */
  announced: boolean;
  last_message_at: Date | null;
  last_income_message_at: Date | null;
  /** The latest message's id (v2's `last_message_id`). */
  last_message_id: number | null;
  note: string | null;
  assignee_id: number | null;
  /** The customer's contact (v2's `contact_id` of their messages). */
  contact_id: number;
  /** v2: `open`, or `archived` through the API. */
  operational_state: 'open' | 'archived';
  /** v2: whether the customer's latest message was answered; set by messages and the API. */
  replied_state: 'initialized' | 'replied' | 'unreplied';
  /**
   * How far this conversation's clock runs ahead of the sandbox's, in ms: moved by
   * `customer.advance()`, so a customer can stay silent for a day in no time.
   */
  clock_offset_ms: number;
}

/** A file, uploaded by the bot or sent by a customer. */
export interface AttachmentRecord {
  external_id: number;
  company_id: number;
  /** The conversation it was uploaded to (v1), or null for a v2 upload, which belongs to no conversation. */
  conversation_id: number | null;
  /** The message that carries it; null until it is sent. */
  message_id: number | null;
  file_name: string;
  mime_type: string;
  /** Bytes, when known (uploads); null for a `file_url` the sandbox does not fetch. */
  size: number | null;
  /** Where the file can be fetched: the sandbox's own URL for uploads, the given one for `file_url`. */
  url: string;
  /** The uploaded bytes; null for `file_url` attachments. */
  bytes: Uint8Array | null;
  push_to_talk: boolean;
  /** Pixels of an image, when known (read from the file, or given as upload metadata). */
  width: number | null;
  height: number | null;
}

/** A shared location. */
export interface LocationRecord {
  latitude: number;
  longitude: number;
}

/** Reply buttons of a WhatsApp Business message. */
export interface InteractiveRecord {
  type: 'button';
  buttons: string[];
}

/** The WhatsApp Business template a message was sent from, and what filled its placeholders. */
export interface TemplateUse {
  /** The template's `waba_id` (its name on WhatsApp's side). */
  waba_id: string;
  /** Its language code: `en`, `ru`, … */
  language: string;
  /** The values of `{{1}}`, `{{2}}`…, in order. */
  parameters: string[];
}

/** One error of the messenger's, as WhatsApp's Cloud API reports it and Pact passes it on (v2). */
export interface ProviderError {
  code: number;
  error_data: { details: string };
  message: string;
  title: string;
}

/** Why a sent message was not delivered: v1's job `reason`, and the messenger's errors (v2). */
export interface DeliveryFailure {
  /** The `reason` of v1's NOT DELIVERED job. */
  reason: string;
  /** v2's `details.internal_reason.errors`. */
  errors: ProviderError[];
}

/** A message of a conversation, from the customer (`income`) or sent through the API. */
export interface MessageRecord {
  external_id: number;
  company_id: number;
  conversation_id: number;
  channel_id: number;
  channel_type: ChannelType;
  message: string | null;
  income: boolean;
  created_at: Date;
  attachments: AttachmentRecord[];
  location: LocationRecord | null;
  interactive: InteractiveRecord | null;
  ack: Ack;
  /** The delivery job that sent it, for messages sent through the API. */
  job_id: number | null;
  /** The messenger's id of the message (v2's `external_id`), shown once the messenger has it. */
  provider_id: string;
  /** The messenger's id of the message this one quotes (v2's `replied_to_id`). */
  replied_to_id: string | null;
  /** Deleted through the API (v2). */
  deleted: boolean;
  /** The template it was sent from (WhatsApp Business), or null for a free-form message. */
  template: TemplateUse | null;
  /** Why it was not delivered, once it was not; null otherwise. */
  failure: DeliveryFailure | null;
}

/** Delivery outcome of a job. */
export interface JobDetails {
  result: 'DELIVERED' | 'NOT DELIVERED';
  reason?: string;
}

/** A delivery job: what sending a message creates. */
export interface JobRecord {
  id: number;
  company_id: number;
  channel_id: number;
  channel_type: ChannelType;
  conversation_id: number;
  state: 'trying_deliver' | 'delivered' | 'not_delivered';
  message_id: number | null;
  details: JobDetails | null;
  created_at: Date;
}

/** A WhatsApp Business message template. */
export interface WabaTemplateRecord {
  id: number;
  company_id: number;
  name: string;
  waba_id: string;
  body: string;
  substitutions_count: number;
  /**
   * Its language code (`en`, `ru`): WhatsApp keeps one template per name and language. Neither
   * version's reference lists it; the sandbox adds it to the lists, as v1 sends take it.
   */
  language: string;
  position: number;
  header_content_type: 'video' | 'document' | 'text' | 'image' | null;
  header: string | null;
  namespace: string | null;
  created_at: Date;
}
