/**
 * Pact's webhooks of API v1, as one discriminated union on `type` and `event`. Parsing (see
 * `parseWebhook`) normalizes the forms the reference shows in different places: numeric ids arrive
 * as numbers, a missing or empty `location` is `null`, a missing `attachments` is `[]`, and every
 * message carries `channel`. Fields the reference does not list are kept on the objects but not
 * typed; read them with `unknownField(object, name)`.
 */
import type {
  ChannelProvider,
  ChannelRef,
  MessageAttachment,
  MessageLocation,
  PactDate,
} from '../api/types.js';
import type { V2Update } from './v2-types.js';

/** Delivery state of a message: −1 preparing, 0 delivering, 1 sent, 2 delivered, 3 read. */
export type AckLevel = -1 | 0 | 1 | 2 | 3;

/**
 * A message: from a customer (`income: true`) or sent by the company. On API v2 the bot builds one
 * from the webhook's message object, so handlers read the same fields on either version.
 */
export interface MessageData {
  /** The message's id in Pact. */
  external_id: number | string;
  external_public_id?: number | string | null;
  channel_id: number | null;
  channel_type: ChannelProvider;
  channel: ChannelRef;
  conversation_id: number;
  /** The text; null or empty when the message has only attachments or a location. */
  message: string | null;
  location: MessageLocation | null;
  income: boolean;
  created_at?: PactDate;
  created_at_timestamp?: number;
  ack?: AckLevel;
  attachments: MessageAttachment[];
  /** The delivery job that produced an outgoing message. */
  job_id?: number | null;
}

/** A delivery or read status change of a message. */
export interface MessageAckData {
  external_id: number | string;
  channel: ChannelRef;
  conversation_id: number;
  ack: AckLevel;
}

/** A conversation in `conversation`/`new` and `conversation`/`update` webhooks. */
export interface ConversationData {
  external_id: number;
  name: string;
  avatar_url?: string | null;
  channel_id: number | null;
  channel_type: ChannelProvider;
  created_at?: PactDate;
  created_at_timestamp?: number;
  last_message_at?: number | null;
  last_income_message_at?: number | null;
  sender_external_id?: string;
}

/** Outcome of an asynchronous delivery job. */
export interface JobExecutedData {
  id: number;
  result: 'DELIVERED' | 'NOT DELIVERED' | (string & {});
  message_id: number | null;
  date?: number;
  /** Why a job was NOT DELIVERED. */
  reason?: string;
}

/** Channel lifecycle messages of `system` webhooks. */
export type SystemMessage =
  | 'authorized'
  | 'phone offline'
  | 'phone online'
  | 'unavailable'
  | 'disabled'
  | 'trying_resume_work'
  | 'synchronized'
  | 'IG was set DISABLED'
  | (string & {});

/** What a `system` webhook is about: the channel, for every state the reference shows. */
export interface SystemDetails {
  entity: 'channel' | (string & {});
  entity_id: number;
}

/** Body of a `system` webhook. */
export interface SystemData {
  message: SystemMessage;
  date?: PactDate;
  date_timestamp?: number;
  timestamp?: number;
  details?: SystemDetails | undefined;
}

/** A group chat in `group_conversation`/`new`. */
export interface GroupConversationData {
  external_id: number;
  name: string;
  avatar_url?: string | null;
  channel_id: number | null;
  channel_type: ChannelProvider;
  created_at?: PactDate;
  created_at_timestamp?: number;
  last_message_at?: number | null;
  last_income_message_at?: number | null;
  sender_external_id?: string;
}

/** A message of a group chat. `external_public_id` is the member who wrote it. */
export interface GroupMessageData extends MessageData {
  external_created_at_timestamp?: number;
}

/** Delivery or read status of a group message, per member (`participant`). */
export interface GroupMessageAckData extends MessageAckData {
  participant?: string;
  timestamp?: number;
}

/** The member of a group chat who wrote for the first time. */
export interface GroupMemberContact {
  external_public_id: string;
}

/** A member of a group chat who wrote for the first time. */
export interface GroupMemberData {
  contact: GroupMemberContact;
  channel_id: number | null;
  channel_type: ChannelProvider;
  date_timestamp?: number;
  conversation_id: number;
}

/** A customer or the company wrote a message. */
export interface MessageNewUpdate {
  type: 'message';
  event: 'new';
  data: MessageData;
}
/** A message was delivered or read. */
export interface MessageAckUpdate {
  type: 'message';
  event: 'ack';
  data: MessageAckData;
}
/** A customer wrote for the first time, or the first message to them was delivered. */
export interface ConversationNewUpdate {
  type: 'conversation';
  event: 'new';
  data: ConversationData;
}
/** A conversation's sender name or avatar changed. */
export interface ConversationChangedUpdate {
  type: 'conversation';
  event: 'update';
  data: ConversationData;
}
/** An asynchronous delivery finished. */
export interface JobExecutedUpdate {
  type: 'job';
  event: 'executed';
  data: JobExecutedData;
}
/** A QR code to scan to connect WhatsApp (base64 image in `data`). */
export interface QrCodeUpdate {
  type: 'qr_code';
  event: 'new';
  company_id?: number | undefined;
  channel_id?: number | undefined;
  data: string;
}
/** A channel's state changed: authorized, phone offline or online, unavailable, disabled, … */
export interface SystemUpdate {
  type: 'system';
  event?: string;
  severity: 'information' | 'critical' | (string & {});
  data: SystemData;
}
/** A group chat appeared. */
export interface GroupConversationNewUpdate {
  type: 'group_conversation';
  event: 'new';
  data: GroupConversationData;
}
/** A message in a group chat. */
export interface GroupMessageNewUpdate {
  type: 'group_message';
  event: 'new';
  data: GroupMessageData;
}
/** A group message was delivered or read. */
export interface GroupMessageAckUpdate {
  type: 'group_message';
  event: 'ack';
  data: GroupMessageAckData;
}
/** A group member wrote for the first time. */
export interface GroupMemberNewUpdate {
  type: 'group_conversation_contact';
  event: 'new';
  data: GroupMemberData;
}

/** Every webhook of Pact's API v1. */
export type V1Update =
  | MessageNewUpdate
  | MessageAckUpdate
  | ConversationNewUpdate
  | ConversationChangedUpdate
  | JobExecutedUpdate
  | QrCodeUpdate
  | SystemUpdate
  | GroupConversationNewUpdate
  | GroupMessageNewUpdate
  | GroupMessageAckUpdate
  | GroupMemberNewUpdate;

/**
 * Every webhook Pact sends, in either envelope: v1's `{ type, event, data }` and v2's
 * `{ event, type, object }` (told apart by `event`: v1 says `new`, `ack`, `executed`, `update`
 * with `data`; v2 says `create`, `update`, `delete` with `object`).
 */
export type Update = V1Update | V2Update;
