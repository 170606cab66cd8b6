import { createHash } from 'node:crypto';
import { PactArgumentError } from '../api/errors.js';
import type { ChannelRef } from '../api/types.js';
import type {
  ConversationChangedUpdate,
  ConversationNewUpdate,
  GroupConversationNewUpdate,
  GroupMemberNewUpdate,
  GroupMessageAckUpdate,
  GroupMessageData,
  GroupMessageNewUpdate,
  JobExecutedUpdate,
  MessageAckUpdate,
  MessageData,
  MessageNewUpdate,
  QrCodeUpdate,
  SystemUpdate,
  Update,
} from './types.js';
import type {
  V2AuthChangeUpdate,
  V2AuthCreateUpdate,
  V2AuthDeleteUpdate,
  V2ConversationChangeUpdate,
  V2ConversationCreateUpdate,
  V2ConversationDeleteUpdate,
  V2WebhookMessage,
  V2MessageCreateUpdate,
  V2MessageStatusUpdate,
} from './v2-types.js';

/**
 * The updates of each kind, by the kind's name (which is also its filter in `bot.on`). Both API
 * versions map onto the same kinds where the meaning is the same: a customer's message is a
 * `message` whether it came as v1's `message`/`new` or v2's `message`/`create`.
 */
export interface UpdatesOfKind {
  message: MessageNewUpdate | V2MessageCreateUpdate;
  'message:outgoing': MessageNewUpdate | V2MessageCreateUpdate;
  'message:ack': MessageAckUpdate | V2MessageStatusUpdate;
  'conversation:new': ConversationNewUpdate | V2ConversationCreateUpdate;
  'conversation:update': ConversationChangedUpdate | V2ConversationChangeUpdate;
  'conversation:delete': V2ConversationDeleteUpdate;
  'job:executed': JobExecutedUpdate;
  qr_code: QrCodeUpdate;
  system: SystemUpdate;
  group_message: GroupMessageNewUpdate | V2MessageCreateUpdate;
  'group_message:outgoing': GroupMessageNewUpdate | V2MessageCreateUpdate;
  'group_message:ack': GroupMessageAckUpdate;
  'group_conversation:new': GroupConversationNewUpdate | V2ConversationCreateUpdate;
  'group_member:new': GroupMemberNewUpdate;
  'auth:create': V2AuthCreateUpdate;
  'auth:update': V2AuthChangeUpdate;
  'auth:delete': V2AuthDeleteUpdate;
}

/** The name of a kind of update: `message`, `message:outgoing`, `job:executed`, `auth:update`, … */
export type UpdateKind = keyof UpdatesOfKind;

/** How to read one kind of update. */
interface KindRow<U extends Update> {
  /** The `type:event` pairs of this kind's webhooks, in either envelope. */
  readonly on: readonly string[];
  /** Tells this kind from others with the same `type:event` (incoming or outgoing, group or not). */
  readonly when?: (update: U) => boolean;
  /** What a redelivery repeats and a distinct event does not; undefined: a digest of the update. */
  readonly identity: (update: U) => string | undefined;
  /** The conversation the update belongs to. */
  readonly conversationId: (update: U) => number | undefined;
  /** The channel it names. */
  readonly channel: (update: U) => ChannelRef | undefined;
  /** For updates outside conversations: the channel (or v2 auth) whose line they wait in. */
  readonly channelLine?: (update: U) => string | undefined;
  /** The message it carries, in v1's shape whatever the envelope. */
  readonly message?: (update: U) => MessageData;
}

const isV1 = <U extends Update>(update: U): update is Extract<U, { data: unknown }> =>
  'data' in update;

const inGroup = (message: V2WebhookMessage): boolean => message.conversation?.group === true;

/** A v2 message in v1's shape, so handlers read the same fields on either version. */
function v2MessageData(message: V2WebhookMessage): GroupMessageData {
  const type = message.conversation?.provider ?? 'unknown';
  const written = message.external_created_at ?? message.created_at;
  return {
    external_id: message.id,
    external_public_id: message.contact?.external_public_id ?? null,
    channel_id: null,
    channel_type: type,
    channel: { id: 0, type },
    conversation_id: message.conversation_id,
    message: message.message,
    location: null,
    income: message.income,
    ...(written ? { created_at: written } : {}),
    attachments: message.attachments.map((file) => ({
      external_id: file.id,
      ...(file.attachment_url === undefined ? {} : { url: file.attachment_url }),
      ...(file.file_name === undefined ? {} : { file_name: file.file_name }),
      ...(file.mime_type === undefined ? {} : { mime_type: file.mime_type }),
      ...(file.size === undefined ? {} : { size: file.size }),
      ...(typeof file.push_to_talk === 'boolean' ? { push_to_talk: file.push_to_talk } : {}),
    })),
  };
}

/** Messages of both envelopes, read the same way. */
function messageRow(
  v1Type: 'message' | 'group_message',
  income: boolean,
  group: boolean,
): KindRow<MessageNewUpdate | GroupMessageNewUpdate | V2MessageCreateUpdate> {
  return {
    on: [`${v1Type}:new`, 'message:create'],
    when: (u) =>
      'data' in u
        ? u.data.income === income
        : u.object.income === income && inGroup(u.object) === group,
    identity: (u) =>
      'data' in u ? `${v1Type}:new:${u.data.external_id}` : `v2:message:create:${u.object.id}`,
    conversationId: (u) => ('data' in u ? u.data.conversation_id : u.object.conversation_id),
    channel: (u) => ('data' in u ? u.data.channel : v2MessageData(u.object).channel),
    message: (u) => ('data' in u ? u.data : v2MessageData(u.object)),
  };
}

/** A digest of an update, for kinds whose payloads name nothing that tells two events apart. */
function digest(value: unknown): string {
  return createHash('sha1').update(JSON.stringify(value)).digest('base64url');
}

/** A v1 conversation's channel, as its webhooks name it (none when it has lost its channel). */
const v1ConversationChannel = (data: {
  channel_id: number | null;
  channel_type: ChannelRef['type'];
}): ChannelRef | undefined =>
  data.channel_id === null ? undefined : { id: data.channel_id, type: data.channel_type };

const v2Conversation = (
  u: V2ConversationCreateUpdate | V2ConversationChangeUpdate | V2ConversationDeleteUpdate,
): ChannelRef => ({ id: 0, type: u.object.provider });

const v2Auth = (u: V2AuthCreateUpdate | V2AuthChangeUpdate | V2AuthDeleteUpdate): ChannelRef => ({
  id: u.object.id,
  type: u.object.provider,
});

/** An auth's events wait in the auth's line; a QR refresh or a state change is a new event. */
const authRow = <U extends V2AuthCreateUpdate | V2AuthChangeUpdate | V2AuthDeleteUpdate>(
  event: U['event'],
): KindRow<U> => ({
  on: [`auth:${event}`],
  identity: (u) =>
    u.object.updated_at
      ? `v2:auth:${event}:${u.object.id}:${u.object.updated_at}`
      : `v2:auth:${event}:${u.object.id}:${digest(u.object)}`,
  conversationId: () => undefined,
  channel: v2Auth,
  channelLine: (u) => `auth:${u.object.id}`,
});

/**
 * The one description of every kind of update: for each, which webhooks it is, what identifies
 * a delivery, which conversation and channel it belongs to, which line it waits in and the
 * message it carries. Filters, `ctx.kind`, the `Context` getters, dedup identities, ordering and
 * the test harness all read it; a new kind is one row here plus its type in {@link UpdatesOfKind}.
 */
export const UPDATE_KINDS: { readonly [K in UpdateKind]: KindRow<UpdatesOfKind[K]> } = {
  message: messageRow('message', true, false),
  'message:outgoing': messageRow('message', false, false),
  'message:ack': {
    on: ['message:ack', 'message:update'],
    identity: (u) =>
      isV1(u)
        ? `message:ack:${u.data.external_id}:${u.data.ack}`
        : `v2:message:update:${u.object.id}:${u.object.status}`,
    conversationId: (u) => (isV1(u) ? u.data.conversation_id : u.object.conversation_id),
    channel: (u) => (isV1(u) ? u.data.channel : v2MessageData(u.object).channel),
  },
  'conversation:new': {
    on: ['conversation:new', 'conversation:create'],
    when: (u) => isV1(u) || !u.object.group,
    identity: (u) =>
      isV1(u) ? `conversation:new:${u.data.external_id}` : `v2:conversation:create:${u.object.id}`,
    conversationId: (u) => (isV1(u) ? u.data.external_id : u.object.id),
    channel: (u) => (isV1(u) ? v1ConversationChannel(u.data) : v2Conversation(u)),
  },
  'conversation:update': {
    on: ['conversation:update'],
    // A v1 change is known only by its content; a v2 one too (`last_updated_at` stays the same
    // when, say, the conversation is archived).
    identity: () => undefined,
    conversationId: (u) => (isV1(u) ? u.data.external_id : u.object.id),
    channel: (u) => (isV1(u) ? v1ConversationChannel(u.data) : v2Conversation(u)),
  },
  'conversation:delete': {
    on: ['conversation:delete'],
    identity: (u) => `v2:conversation:delete:${u.object.id}`,
    conversationId: (u) => u.object.id,
    channel: v2Conversation,
  },
  'job:executed': {
    on: ['job:executed'],
    identity: (u) => `job:${u.data.id}:${u.data.result}`,
    conversationId: () => undefined,
    channel: () => undefined,
  },
  qr_code: {
    on: ['qr_code:new'],
    identity: () => undefined,
    conversationId: () => undefined,
    channel: (u) =>
      u.channel_id === undefined ? undefined : { id: u.channel_id, type: 'whatsapp' },
    channelLine: (u) => (u.channel_id === undefined ? undefined : `channel:${u.channel_id}`),
  },
  system: {
    // System webhooks may come without an event.
    on: ['system:*'],
    identity: () => undefined,
    conversationId: () => undefined,
    channel: () => undefined,
    channelLine: (u) =>
      u.data.details === undefined ? undefined : `channel:${u.data.details.entity_id}`,
  },
  group_message: messageRow('group_message', true, true),
  'group_message:outgoing': messageRow('group_message', false, true),
  'group_message:ack': {
    on: ['group_message:ack'],
    // A group message is acknowledged by each member in turn: the member is part of the event.
    identity: (u) =>
      `group_message:ack:${u.data.external_id}:${u.data.ack}:${u.data.participant ?? ''}`,
    conversationId: (u) => u.data.conversation_id,
    channel: (u) => u.data.channel,
  },
  'group_conversation:new': {
    on: ['group_conversation:new', 'conversation:create'],
    when: (u) => isV1(u) || u.object.group,
    identity: (u) =>
      isV1(u)
        ? `group_conversation:new:${u.data.external_id}`
        : `v2:conversation:create:${u.object.id}`,
    conversationId: (u) => (isV1(u) ? u.data.external_id : u.object.id),
    channel: (u) => (isV1(u) ? v1ConversationChannel(u.data) : v2Conversation(u)),
  },
  'group_member:new': {
    on: ['group_conversation_contact:new'],
    identity: () => undefined,
    conversationId: (u) => u.data.conversation_id,
    channel: (u) => v1ConversationChannel(u.data),
  },
  'auth:create': authRow('create'),
  'auth:update': authRow('update'),
  'auth:delete': authRow('delete'),
};

/** Every kind, in the order of the documentation. */
export const UPDATE_KIND_NAMES = Object.keys(UPDATE_KINDS) as UpdateKind[];

/** Rows by `type:event`, for finding an update's kind with one lookup. */
const ROWS_BY_EVENT = new Map<string, UpdateKind[]>();
for (const kind of UPDATE_KIND_NAMES) {
  for (const key of UPDATE_KINDS[kind].on) {
    const list = ROWS_BY_EVENT.get(key) ?? [];
    list.push(kind);
    ROWS_BY_EVENT.set(key, list);
  }
}

type AnyRow = KindRow<Update>;
const rowOf = (kind: UpdateKind): AnyRow => UPDATE_KINDS[kind] as unknown as AnyRow;

/**
 * The kind of an update. Every update `parseWebhook` returns has one; a hand-made update that
 * fits no kind is an error here, where it entered.
 */
export function kindOf(update: Update): UpdateKind {
  const event = 'event' in update && typeof update.event === 'string' ? update.event : '';
  const candidates =
    ROWS_BY_EVENT.get(`${update.type}:${event}`) ?? ROWS_BY_EVENT.get(`${update.type}:*`);
  if (candidates) {
    for (const kind of candidates) {
      const when = rowOf(kind).when;
      if (when === undefined || when(update)) return kind;
    }
  }
  throw new PactArgumentError(
    `an update of type ${JSON.stringify(update.type)} and event ${JSON.stringify(event)} is of no known kind; pass updates that parseWebhook() returned`,
  );
}

/** The kind of an update (its filter name): `message`, `message:outgoing`, `job:executed`, … */
export function updateKind(update: Update): UpdateKind {
  return kindOf(update);
}

/** The conversation an update belongs to, if any. */
export function conversationIdOf(
  update: Update,
  kind: UpdateKind = kindOf(update),
): number | undefined {
  return rowOf(kind).conversationId(update);
}

/** The channel an update names, if any. */
export function channelOf(
  update: Update,
  kind: UpdateKind = kindOf(update),
): ChannelRef | undefined {
  return rowOf(kind).channel(update);
}

/** The message an update carries, in v1's shape whatever the envelope; undefined for kinds without one. */
export function messageOf(
  update: Update,
  kind: UpdateKind = kindOf(update),
): MessageData | undefined {
  return rowOf(kind).message?.(update);
}

/**
 * The identity of a delivery: equal for Pact's redeliveries of one webhook, different for any two
 * distinct events. Natural ids where the payload has them (message id, ack level or status, job
 * id); otherwise a digest of the update, which a redelivery repeats byte for byte.
 */
export function updateIdentity(update: Update): string {
  const kind = kindOf(update);
  const natural = rowOf(kind).identity(update);
  if (natural !== undefined) return natural;
  const event = 'event' in update && typeof update.event === 'string' ? update.event : '';
  return `${'object' in update ? 'v2:' : ''}${update.type}:${event}:${digest(update)}`;
}

/**
 * The key of a conversation everywhere pactbot keys one: its line (lock), its session, its
 * Redis hash tag and the fence of its writes. One function, so they cannot drift apart.
 */
export function conversationKey(companyId: number, conversationId: number): string {
  return `${companyId}:conversation:${conversationId}`;
}

/**
 * The line an update waits in: its conversation's (see {@link conversationKey}), or for channel
 * events the channel's. Undefined for updates that belong to no line (delivery jobs), which run as
 * soon as there is room.
 */
export function lineOf(
  update: Update,
  companyId: number,
  kind: UpdateKind = kindOf(update),
): string | undefined {
  const row = rowOf(kind);
  const conversationId = row.conversationId(update);
  if (conversationId !== undefined) return conversationKey(companyId, conversationId);
  const channel = row.channelLine?.(update);
  return channel === undefined ? undefined : `${companyId}:${channel}`;
}

/**
 * The line of an update without its company: `conversation:1001`, `channel:5`.
 * @deprecated Use `lineOf` from `@pactbot/core/internal`, which includes the company, as locks
 * and sessions do.
 */
export function orderingKey(update: Update): string | undefined {
  const line = lineOf(update, 0);
  return line?.slice(2);
}
