import { parsePactDate } from '../api/dates.js';
import type { ChannelProvider } from '../api/types.js';
import type { Update } from '../webhook/types.js';
import { conversationIdOf, type UpdateKind } from '../webhook/update-kinds.js';

/** What an update tells about its conversation: its messenger, channel, phone and window. */
export interface UpdateFacts {
  /** The conversation. */
  conversationId: number;
  /** Its messenger, when the update names it. */
  provider: ChannelProvider | undefined;
  /** Its channel, when the update names it (v1). */
  channelId: number | undefined;
  /** The customer's phone, when the update names it (v1 conversation webhooks, v2 messages). */
  phone: string | undefined;
  /**
   * When the customer last wrote, in ms, when the update tells: the message's own time of an
   * incoming message (not when the webhook came: a redelivery an hour late is an hour old), or
   * v1's `last_income_message_at` of a conversation webhook.
   */
  customerAt: number | undefined;
}

/** A time of Pact's in ms: unix seconds, `2017-11-11 12:45:53 UTC` or ISO; undefined for none (0 included). */
export function timeOf(value: string | number | null | undefined): number | undefined {
  if (value === 0) return undefined;
  const ms = parsePactDate(value)?.getTime();
  return ms === undefined || ms <= 0 ? undefined : ms;
}

/** A phone number as Pact keeps it, if one of the values is one. */
export function phoneOf(...values: unknown[]): string | undefined {
  for (const value of values) {
    if (typeof value === 'string' && /^\+?\d{5,15}$/.test(value.trim())) return value.trim();
  }
  return undefined;
}

/** When the customer wrote the incoming message of a `message` update, by the message's own time. */
function messageTime(update: Update): number | undefined {
  if ('data' in update) {
    const data = update.data as { created_at_timestamp?: number; created_at?: string | number };
    return timeOf(data.created_at_timestamp) ?? timeOf(data.created_at);
  }
  const message = update.object as { external_created_at?: string | null; created_at?: string };
  return timeOf(message.external_created_at) ?? timeOf(message.created_at);
}

/** The customer's phone an update names. */
function phoneIn(update: Update): string | undefined {
  if ('data' in update) {
    return update.type === 'conversation'
      ? phoneOf((update.data as { sender_external_id?: unknown }).sender_external_id)
      : undefined;
  }
  if (update.type === 'message') {
    const message = update.object as {
      income?: boolean;
      conversation?: { sender_phone?: unknown };
      contact?: { phone?: unknown };
    };
    // The contact of an outgoing message is the company's side.
    return phoneOf(
      message.conversation?.sender_phone,
      message.income ? message.contact?.phone : undefined,
    );
  }
  if (update.type === 'conversation') {
    return phoneOf((update.object as { sender_phone?: unknown }).sender_phone);
  }
  return undefined;
}

/**
 * The messenger and channel an update names, read straight from the payload (what `channelOf`
 * tells, without building v2's message in v1's shape: this runs for every update). v2 names no
 * channel.
 */
function channelIn(update: Update): { type: ChannelProvider | undefined; id: number | undefined } {
  if ('data' in update) {
    const data = update.data as {
      channel?: { id?: unknown; type?: unknown };
      channel_id?: unknown;
      channel_type?: unknown;
    };
    const type = data.channel?.type ?? data.channel_type;
    const id = data.channel?.id ?? data.channel_id;
    return {
      type: typeof type === 'string' ? type : undefined,
      id: typeof id === 'number' && id > 0 ? id : undefined,
    };
  }
  const object = update.object as { provider?: unknown; conversation?: { provider?: unknown } };
  const type = update.type === 'message' ? object.conversation?.provider : object.provider;
  return { type: typeof type === 'string' ? type : undefined, id: undefined };
}

/** What `update` (of kind `kind`) tells about its conversation; undefined for updates outside conversations. */
export function updateFactsOf(update: Update, kind: UpdateKind): UpdateFacts | undefined {
  const conversationId = conversationIdOf(update, kind);
  if (conversationId === undefined) return undefined;
  const channel = channelIn(update);
  const provider =
    channel.type === undefined || channel.type === 'unknown' ? undefined : channel.type;
  let customerAt: number | undefined;
  if (kind === 'message') customerAt = messageTime(update);
  else if ((kind === 'conversation:new' || kind === 'conversation:update') && 'data' in update) {
    customerAt = timeOf(
      (update.data as { last_income_message_at?: number | null }).last_income_message_at,
    );
  }
  return {
    conversationId,
    provider,
    channelId: channel.id,
    phone: phoneIn(update),
    customerAt,
  };
}
