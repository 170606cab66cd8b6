import { PactArgumentError } from '../api/errors.js';
import type { ChannelRef, MessageAttachment, MessageLocation } from '../api/types.js';
import type { Context } from '../context/context.js';
import type { GroupMessageData, MessageData } from '../webhook/types.js';
import type { UpdateKind, UpdatesOfKind } from '../webhook/update-kinds.js';

/** A message in a conversation: its update, message, conversation and channel are all present. */
interface MessageShape<U> {
  update: U;
  message: MessageData;
  conversationId: number;
  channel: ChannelRef;
}

/** A group chat's message: as a message, with the text possibly absent. */
interface GroupMessageShape<U> {
  update: U;
  message: GroupMessageData;
  conversationId: number;
  channel: ChannelRef;
  text: string | undefined;
}

/** An update about a conversation. */
interface ConversationShape<U> {
  update: U;
  conversationId: number;
}

/** An update outside any conversation. */
interface ChannelShape<U> {
  update: U;
  conversationId: undefined;
}

/** What each filter guarantees about the context, for narrowing its type. */
export interface FilterShapes {
  message: MessageShape<UpdatesOfKind['message']>;
  'message:text': MessageShape<UpdatesOfKind['message']> & { text: string };
  'message:attachments': MessageShape<UpdatesOfKind['message']> & {
    attachments: [MessageAttachment, ...MessageAttachment[]];
  };
  'message:location': MessageShape<UpdatesOfKind['message']> & { location: MessageLocation };
  'message:outgoing': MessageShape<UpdatesOfKind['message:outgoing']>;
  'message:ack': ConversationShape<UpdatesOfKind['message:ack']> & { message: undefined };
  'conversation:new': ConversationShape<UpdatesOfKind['conversation:new']>;
  'conversation:update': ConversationShape<UpdatesOfKind['conversation:update']>;
  'conversation:delete': ConversationShape<UpdatesOfKind['conversation:delete']>;
  'job:executed': ChannelShape<UpdatesOfKind['job:executed']>;
  qr_code: ChannelShape<UpdatesOfKind['qr_code']>;
  system: ChannelShape<UpdatesOfKind['system']>;
  group_message: GroupMessageShape<UpdatesOfKind['group_message']>;
  'group_message:outgoing': GroupMessageShape<UpdatesOfKind['group_message:outgoing']>;
  'group_message:ack': ConversationShape<UpdatesOfKind['group_message:ack']>;
  'group_conversation:new': ConversationShape<UpdatesOfKind['group_conversation:new']>;
  'group_member:new': ConversationShape<UpdatesOfKind['group_member:new']>;
  'auth:create': ChannelShape<UpdatesOfKind['auth:create']> & { channel: ChannelRef };
  'auth:update': ChannelShape<UpdatesOfKind['auth:update']> & { channel: ChannelRef };
  'auth:delete': ChannelShape<UpdatesOfKind['auth:delete']> & { channel: ChannelRef };
}

/** A filter for `bot.on`: `message`, `message:text`, `job:executed`, … */
export type FilterQuery = keyof FilterShapes;

/** The context type inside `bot.on(Q)`: `C` with what `Q` guarantees. */
export type Filtered<C extends Context, Q extends FilterQuery> = C & FilterShapes[Q];

/** Every filter, in the order of the documentation. */
export const FILTER_QUERIES = [
  'message',
  'message:text',
  'message:attachments',
  'message:location',
  'message:outgoing',
  'message:ack',
  'conversation:new',
  'conversation:update',
  'conversation:delete',
  'job:executed',
  'qr_code',
  'system',
  'group_message',
  'group_message:outgoing',
  'group_message:ack',
  'group_conversation:new',
  'group_member:new',
  'auth:create',
  'auth:update',
  'auth:delete',
] as const satisfies readonly FilterQuery[];

// Every filter is listed, and every kind of update is a filter.
type Missing<A, B> = Exclude<A, B> extends never ? true : Exclude<A, B>;
const everyFilterListed: Missing<FilterQuery, (typeof FILTER_QUERIES)[number]> = true;
const everyKindFiltered: Missing<UpdateKind, FilterQuery> = true;
void everyFilterListed;
void everyKindFiltered;

type Join<T extends readonly string[]> = T extends readonly [
  infer Head extends string,
  ...infer Rest extends readonly string[],
]
  ? Rest['length'] extends 0
    ? Head
    : `${Head}, ${Join<Rest>}`
  : '';

/**
 * A filter as `bot.on` takes it: a known filter stays itself; anything else becomes a type that
 * names the valid filters, so TypeScript's error on a typo lists them.
 */
export type CheckedFilter<Q extends string> = Q extends FilterQuery
  ? Q
  : `unknown filter "${Q}"; filters are: ${Join<typeof FILTER_QUERIES>}`;

/** What a filter adds to the kind check: the message's text, files or location. */
const REFINEMENTS: Partial<Record<FilterQuery, (ctx: Context) => boolean>> = {
  'message:text': (ctx) => ctx.text !== undefined,
  'message:attachments': (ctx) => ctx.attachments.length > 0,
  'message:location': (ctx) => ctx.location !== undefined,
};

/** The kind of update each filter fires for; the refined ones fire for a kind with more to it. */
const KIND_OF_FILTER: Record<FilterQuery, UpdateKind> = {
  ...(Object.fromEntries(FILTER_QUERIES.map((q) => [q, q])) as Record<FilterQuery, UpdateKind>),
  'message:text': 'message',
  'message:attachments': 'message',
  'message:location': 'message',
};

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

function predicateOf(query: unknown, method: string): (ctx: Context) => boolean {
  if (typeof query === 'string' && Object.hasOwn(KIND_OF_FILTER, query)) {
    const kind = KIND_OF_FILTER[query as FilterQuery];
    const refine = REFINEMENTS[query as FilterQuery];
    return refine ? (ctx) => ctx.kind === kind && refine(ctx) : (ctx) => ctx.kind === kind;
  }
  const closest = [...FILTER_QUERIES].sort(
    (x, y) => distance(String(query), x) - distance(String(query), y),
  )[0];
  throw new PactArgumentError(
    `${method}: unknown filter ${JSON.stringify(query) ?? String(query)}${closest ? ` (did you mean "${closest}"?)` : ''}; filters are: ${FILTER_QUERIES.join(', ')}`,
    { code: 'PACTBOT_UNKNOWN_FILTER' },
  );
}

/**
 * The predicate of one or more filters (any of them matches), as a type guard. Checked at once:
 * an unknown filter throws, naming the closest known one.
 */
export function matchFilter<Q extends FilterQuery>(
  queries: Q | readonly Q[],
  method = 'matchFilter()',
): <C extends Context>(ctx: C) => ctx is Filtered<C, Q> {
  const list: readonly unknown[] = Array.isArray(queries) ? queries : [queries];
  if (list.length === 0)
    throw new PactArgumentError(`${method} needs at least one filter, such as 'message:text'`, {
      code: 'PACTBOT_UNKNOWN_FILTER',
    });
  const predicates = list.map((query) => predicateOf(query, method));
  const first = predicates[0]!;
  return predicates.length === 1
    ? <C extends Context>(ctx: C): ctx is Filtered<C, Q> => first(ctx)
    : <C extends Context>(ctx: C): ctx is Filtered<C, Q> => predicates.some((p) => p(ctx));
}
