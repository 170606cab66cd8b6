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
  webhook_url: string | null;
  hidden: boolean;
}

/** A channel: one per provider and company, created when first needed. */
export interface ChannelRecord {
  external_id: number;
  company_id: number;
  provider: ChannelType;
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
  note: string | null;
  assignee_id: number | null;
}

/** A file, uploaded by the bot or sent by a customer. */
export interface AttachmentRecord {
  external_id: number;
  company_id: number;
  conversation_id: number;
  file_name: string;
  mime_type: string;
  /** Bytes, when known (uploads); null for a `file_url` the sandbox does not fetch. */
  size: number | null;
  /** Where the file can be fetched: the sandbox's own URL for uploads, the given one for `file_url`. */
  url: string;
  /** The uploaded bytes; null for `file_url` attachments. */
  bytes: Uint8Array | null;
  push_to_talk: boolean;
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
  position: number;
}
