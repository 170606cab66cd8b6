/**
 * The shapes of Pact's API v2 (`/api/p2`), as its reference shows them. Where versions of the
 * reference disagree (ids as numbers or strings, `phone_number` as a number or a string, `pages`
 * as an object or a list, dates with or without milliseconds), the types admit every form shown;
 * Pact's own ids (`id`, `company_id`, `conversation_id`, …) are read as numbers either way.
 */
import type { Page, SortDirection } from '../types.js';

/** A time as v2 writes it: ISO 8601 UTC, with or without milliseconds (`2025-02-05T09:01:48.514Z`). */
export type V2Date = string;

/** Providers of v2; other strings may appear as Pact adds providers. */
export type V2Provider =
  | 'whatsapp'
  | 'telegram_personal'
  | 'max'
  | 'telegram'
  | 'viber'
  | 'odnoklassniki'
  | 'max_bot'
  | 'vkontakte_direct'
  | 'vkontakte'
  | 'facebook'
  | 'instagram_business'
  | 'whatsapp_business'
  | 'avito'
  | 'custom'
  | (string & {});

/** The `meta` of a v2 list: which page this is, how many entries it holds and the page size. */
export interface V2Meta {
  /** The current page's number, from 1. */
  page: number;
  /** Entries on this page; the page is the last one when this is below `per_page`. */
  entries_count: number;
  /** The page size. */
  per_page: number;
}

/**
 * One page of a v2 list: `nextPage` is the number to pass as `page` for the next one, undefined on
 * the last page (a page holding fewer entries than its size).
 */
export interface V2Page<T> extends Page<T, number> {
  /** This page's number. */
  page: number;
  /** Pact's `meta`, when it sent one. */
  meta: V2Meta | undefined;
}

/** Paging parameters of v2 lists. */
export interface V2PageParams {
  /** The page number, from 1. Default 1. */
  page?: number | undefined;
  /** Entries per page. Pact's default depends on the endpoint (25 for conversations and templates, 150 for messages). */
  per_page?: number | undefined;
}

/** `open` or `archived` (settable), `blocked`; a webhook example also shows `active`. */
export type V2OperationalState = 'open' | 'archived' | 'blocked' | (string & {});

/** Whether the company has answered: `replied`, `unreplied`, or `initialized`. */
export type V2RepliedState = 'initialized' | 'replied' | 'unreplied' | (string & {});

/** A conversation: one chat with one client, or a group (`group: true`), on one auth. */
export interface V2Conversation {
  /** Pact's conversation id, used in paths. */
  id: number;
  company_id: number;
  /** The client's name, or the group's. */
  sender_name: string | null;
  /** The client's phone where the provider shows it; `null` on Telegram Personal. */
  sender_phone: string | null;
  /** The provider's id of the conversation. */
  sender_external_id: string | null;
  /** The provider's public id: a phone number or a username. */
  sender_external_public_id: string | null;
  provider: V2Provider;
  avatar_url: string | null;
  created_at: V2Date;
  /** Provider time of the latest message; `null` while there is none. */
  last_updated_at: V2Date | null;
  /** Id of the latest message; `null` while there is none. */
  last_message_id: number | null;
  operational_state: V2OperationalState;
  replied_state: V2RepliedState;
  group: boolean;
}

/** A file stored in Pact, uploaded for a message or received in one. Every field but `id` may be missing. */
export interface V2Attachment {
  /** The id to put in `attachment_ids`. */
  id: number;
  /** The message it belongs to; `null` until sent. */
  message_id?: number | null;
  file_name?: string;
  mime_type?: string;
  size?: number;
  attachment_url?: string;
  preview_url?: string | null;
  aspect_ratio?: number | null;
  /** `{ width, height }` for images; `{}` otherwise. */
  data?: { width?: number; height?: number } | null;
  /** For audio: a voice message (`true`) or a plain file. */
  push_to_talk?: boolean | null;
  [field: string]: unknown;
}

/** Where a message is: `created` (incoming), `sent`, `delivered`, `read`, or `error`. */
export type V2MessageStatus = 'created' | 'sent' | 'delivered' | 'read' | 'error' | (string & {});

/** Why a message was not delivered; the reference shows `{ result, internal_reason }` once. */
export interface V2MessageDetails {
  result?: string;
  internal_reason?: unknown;
  [field: string]: unknown;
}

/** A message of a conversation, incoming (`income: true`) or outgoing. */
export interface V2Message {
  /** Pact's message id. */
  id: number;
  /** The provider's id; pass it as `replied_to_id` to quote the message. `null` until the provider confirms an outgoing one. */
  external_id: string | null;
  company_id: number;
  conversation_id: number;
  contact_id: number | null;
  /** The provider id of the message this one quotes. */
  replied_to_id: string | null;
  created_at: V2Date;
  /** Provider time, when the message was actually sent. */
  external_created_at: V2Date | null;
  income: boolean;
  status: V2MessageStatus;
  /** The text; `""` or `null` when there is none. */
  message: string | null;
  /** Reactions; their shape is not documented. */
  reactions: unknown[] | null;
  details: V2MessageDetails | null;
  attachments: V2Attachment[];
  /** Sent through bulk mailing. Missing on older examples. */
  delivery?: boolean | null;
  /** Deleted. Missing on older examples. */
  deleted?: boolean;
}

/** A WhatsApp Business template, for writing first on `whatsapp_business`. */
export interface V2WabaTemplate {
  id: number;
  name: string;
  /** The text, with `{{1}}`, `{{2}}`… placeholders. */
  body: string;
  /** The template's id on WhatsApp's side: what `writeFirst` takes as `waba_id`. */
  waba_id: string;
  /** How many placeholders `substitutions` must fill. */
  substitutions_count: number;
  header_content_type: 'video' | 'document' | 'text' | 'image' | (string & {}) | null;
  company_id: number;
  header: string | null;
  namespace: string | null;
  created_at: V2Date;
  position: number;
}

/** `enabled` or `disabled`; `initial` before confirmation. */
export type V2AuthState = 'enabled' | 'disabled' | 'initial' | (string & {});

/** A page (community) a provider such as VK offers during confirmation. */
export interface V2AuthPage {
  id: number;
  auth_id?: number;
  company_id?: number;
  /** The provider's page id (documented as a number, shown as a string). */
  external_id: string | number;
  name: string;
  enabled: boolean;
  /** The URL that connects this page (VK, second step). */
  oauth_provider_url?: string;
}

/** An auth: v2's name for a connected channel, one messenger account of a company. */
export interface V2Auth {
  id: number;
  company_id: number;
  provider: V2Provider;
  state: V2AuthState;
  /** The account's phone (documented as a number, shown as a string). */
  phone_number?: string | number | null;
  username?: string | null;
  created_at: V2Date;
  updated_at: V2Date;
  sync_messages_at: V2Date | null;
  pages?: V2AuthPage[] | V2AuthPage | null;
  /** A QR code to scan, as a `data:image/png;base64,…` URL (QR confirmation). */
  qr?: string;
  /** The code to type into WhatsApp (code confirmation). */
  code?: string;
  /** Where the user completes OAuth (OAuth confirmation). */
  oauth_provider_url?: string;
  settings?: Record<string, unknown>;
}

/** A company webhook: a URL Pact posts the company's v2 events to, when `active`. */
export interface V2Webhook {
  id: number;
  url: string;
  /** Whether events are delivered. A new webhook is inactive until updated with `active: true`. */
  active: boolean;
}

/** Parameters of `v2.conversations.list`. */
export interface V2ListConversationsParams extends V2PageParams {
  /** Finds conversations by phone, name or public id; a leading `+` or `@` is ignored. */
  search_string?: string | undefined;
}

/** What `v2.conversations.update` changes; at least one field. */
export interface V2UpdateConversationParams {
  /** Archive (`archived`) or bring back (`open`). */
  operational_state?: 'open' | 'archived' | undefined;
  replied_state?: 'replied' | 'unreplied' | undefined;
  /** The responsible user's id; `null` removes the assignee. */
  assignee_id?: number | null | undefined;
}

/** What `v2.messages.send` sends: text, one attachment, or both. */
export interface V2SendMessageParams {
  text?: string | undefined;
  /** The id of one upload (`v2.attachments.upload`); v2 takes one attachment per message. */
  attachment_ids?: ReadonlyArray<number | string> | undefined;
  /** The provider `external_id` of the message to quote. */
  replied_to_id?: string | undefined;
  /** Sync the message to CRM integrations. Pact's default is true. */
  send_to_crm?: boolean | undefined;
}

/** Providers v2 can write first through. */
export type V2WriteFirstProvider =
  | 'max'
  | 'whatsapp'
  | 'telegram_personal'
  | 'whatsapp_business'
  | 'vkontakte_direct'
  | (string & {});

/**
 * What `v2.messages.writeFirst` sends: a provider, a recipient (a phone; a nickname on Telegram
 * Personal; a VK id or domain), and text and/or one attachment — or, on WhatsApp Business, a
 * template (`waba_id`, with `substitutions` for its placeholders) instead.
 */
export interface V2WriteFirstParams {
  provider: V2WriteFirstProvider;
  phone?: string | undefined;
  /** The recipient's Telegram username. */
  nickname?: string | undefined;
  /** The recipient's VK id; not together with `vkontakte_domain`. */
  vkontakte_id?: string | undefined;
  /** The recipient's VK short name; not together with `vkontakte_id`. */
  vkontakte_domain?: string | undefined;
  text?: string | undefined;
  /** The id of one upload. */
  attachment_ids?: ReadonlyArray<number | string> | undefined;
  /** The template's `waba_id` (see `v2.wabaTemplates.list`); then no text or attachment. */
  waba_id?: string | undefined;
  /** Values of the template's `{{1}}`, `{{2}}`… in order. */
  substitutions?: readonly string[] | undefined;
  /**
   * The language of the template's version, such as `en`. Not in Pact's v2 reference (v1 names it
   * `template[language_code]`); sent only when given, for a Pact (or the sandbox) that lists a
   * `language` with each template and keeps a version per language.
   */
  language?: string | undefined;
  /** Sync the message to CRM integrations. Pact's default is true. */
  send_to_crm?: boolean | undefined;
}

/** `metadata` of an upload. */
export interface V2UploadMetadata {
  /** Send an audio file as a voice message. */
  push_to_talk?: boolean | undefined;
  /** Width and height of an image, in pixels. */
  data?: { width: number; height: number } | undefined;
}

/** Parameters of `v2.messages.list` and the other lists that take only paging. */
export type V2ListParams = V2PageParams;

/** How `v2.wabaTemplates.list` sorts: by `created_at` (Pact's default, descending) or `position`. */
export type V2WabaTemplateSort = { created_at: SortDirection } | { position: SortDirection };

/** Parameters of `v2.wabaTemplates.list`. */
export interface V2ListWabaTemplatesParams extends V2PageParams {
  /**
   * The companies whose templates to list. Default: the call's company (its options, else the
   * client's); `[]`, or no company at all, lists every company of the token's user.
   */
  company_ids?: readonly number[] | undefined;
  sort?: V2WabaTemplateSort | undefined;
}

/** Parameters of `v2.auths.listAll`. */
export interface V2ListAllAuthsParams extends V2PageParams {
  /** The companies whose auths to list; at least one. */
  company_ids: readonly number[];
}

/** How far back an auth synchronises history. */
export type V2SyncPeriod = 'day' | 'week' | 'month';

/**
 * Parameters of `v2.auths.create`, by provider: QR or code confirmation (a `phone_number` selects
 * the code), a token, or OAuth (the answer's `oauth_provider_url`).
 */
export type V2CreateAuthParams =
  | {
      provider: 'whatsapp' | 'telegram_personal';
      /** Confirm with a code instead of a QR: WhatsApp answers the code to type, Telegram sends one (`auths.confirm`). */
      phone_number?: string | undefined;
      sync_period?: V2SyncPeriod | undefined;
    }
  | { provider: 'max' | 'vkontakte' | 'instagram_business'; sync_period?: V2SyncPeriod | undefined }
  | { provider: 'telegram' | 'viber' | 'odnoklassniki' | 'max_bot'; token: string }
  | { provider: 'vkontakte_direct'; token: string; sync_period?: V2SyncPeriod | undefined }
  | { provider: 'facebook' | 'whatsapp_business' | 'avito' | 'custom' };

/** Parameters of `v2.auths.enable`. */
export interface V2EnableAuthParams {
  /** The code Telegram sent, in Telegram Personal's code flow. */
  code?: string | undefined;
  /** For the `custom` provider; not explained by the reference. */
  client_url?: string | undefined;
}

/** What `v2.webhooks.update` changes; at least one field. */
export interface V2UpdateWebhookParams {
  /** A new URL; Pact tests it with a POST that must get 200. */
  url?: string | undefined;
  /** `true` delivers events (Pact tests the URL first), `false` pauses them. */
  active?: boolean | undefined;
}
