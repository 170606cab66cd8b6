import type { ChannelRef, MessageAttachment, MessageLocation } from '../api/types.js';
import type { Context } from '../context/context.js';
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
} from '../webhook/types.js';

/** A message in a conversation: its update, message, conversation and channel are all present. */
interface MessageShape {
  update: MessageNewUpdate;
  message: MessageData;
  conversationId: number;
  channel: ChannelRef;
}

/** What each filter guarantees about the context, for narrowing its type. */
export interface FilterShapes {
  message: MessageShape;
  'message:text': MessageShape & { text: string };
  'message:attachments': MessageShape & {
    attachments: [MessageAttachment, ...MessageAttachment[]];
  };
  'message:location': MessageShape & { location: MessageLocation };
  'message:outgoing': MessageShape;
  'message:ack': { update: MessageAckUpdate; conversationId: number; message: undefined };
  'conversation:new': { update: ConversationNewUpdate; conversationId: number };
  'conversation:update': { update: ConversationChangedUpdate; conversationId: number };
  'job:executed': { update: JobExecutedUpdate; conversationId: undefined };
  qr_code: { update: QrCodeUpdate; conversationId: undefined };
  system: { update: SystemUpdate; conversationId: undefined };
  group_message: {
    update: GroupMessageNewUpdate;
    message: GroupMessageData;
    conversationId: number;
    channel: ChannelRef;
    text: string | undefined;
  };
  'group_message:outgoing': {
    update: GroupMessageNewUpdate;
    message: GroupMessageData;
    conversationId: number;
    channel: ChannelRef;
    text: string | undefined;
  };
  'group_message:ack': { update: GroupMessageAckUpdate; conversationId: number };
  'group_conversation:new': { update: GroupConversationNewUpdate; conversationId: number };
  'group_member:new': { update: GroupMemberNewUpdate; conversationId: number };
}

/** A filter for `bot.on`: `message`, `message:text`, `job:executed`, … */
export type FilterQuery = keyof FilterShapes;

/** The context type inside `bot.on(Q)`: `C` with what `Q` guarantees. */
export type Filtered<C extends Context, Q extends FilterQuery> = C & FilterShapes[Q];

const incoming = (u: Update): u is MessageNewUpdate =>
  u.type === 'message' && u.event === 'new' && u.data.income;

const PREDICATES: { [Q in FilterQuery]: (ctx: Context) => boolean } = {
  message: (c) => incoming(c.update),
  'message:text': (c) => incoming(c.update) && c.text !== undefined,
  'message:attachments': (c) => incoming(c.update) && c.update.data.attachments.length > 0,
  'message:location': (c) => incoming(c.update) && c.update.data.location !== null,
  'message:outgoing': (c) =>
    c.update.type === 'message' && c.update.event === 'new' && !c.update.data.income,
  'message:ack': (c) => c.update.type === 'message' && c.update.event === 'ack',
  'conversation:new': (c) => c.update.type === 'conversation' && c.update.event === 'new',
  'conversation:update': (c) => c.update.type === 'conversation' && c.update.event === 'update',
  'job:executed': (c) => c.update.type === 'job',
  qr_code: (c) => c.update.type === 'qr_code',
  system: (c) => c.update.type === 'system',
  // A member wrote; the bot's own messages come back as echoes, which must not loop an echo bot.
  group_message: (c) =>
    c.update.type === 'group_message' && c.update.event === 'new' && c.update.data.income,
  'group_message:outgoing': (c) =>
    c.update.type === 'group_message' && c.update.event === 'new' && !c.update.data.income,
  'group_message:ack': (c) => c.update.type === 'group_message' && c.update.event === 'ack',
  'group_conversation:new': (c) => c.update.type === 'group_conversation',
  'group_member:new': (c) => c.update.type === 'group_conversation_contact',
};

/** Every filter, in the order of the documentation. */
export const FILTER_QUERIES = Object.keys(PREDICATES) as FilterQuery[];

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/**
 * The predicate of one or more filters (any of them matches). Checked when the handler is
 * registered: an unknown filter throws at once, naming the closest known one.
 */
export function matchFilter(
  queries: FilterQuery | readonly FilterQuery[],
): (ctx: Context) => boolean {
  const list: readonly string[] = Array.isArray(queries) ? queries : [queries];
  if (list.length === 0) throw new TypeError('bot.on() needs at least one filter');
  const predicates = list.map((query) => {
    const predicate = PREDICATES[query as FilterQuery];
    if (typeof predicate === 'function' && Object.hasOwn(PREDICATES, query)) return predicate;
    const closest = [...FILTER_QUERIES].sort(
      (x, y) => distance(String(query), x) - distance(String(query), y),
    )[0];
    throw new TypeError(
      `unknown filter ${JSON.stringify(query)}${closest ? ` (did you mean "${closest}"?)` : ''}; filters are: ${FILTER_QUERIES.join(', ')}`,
    );
  });
  return predicates.length === 1 ? predicates[0]! : (ctx) => predicates.some((p) => p(ctx));
}
