import type { PactClient } from '../api/client.js';
import type { ChannelProvider } from '../api/types.js';
import { phoneOf, timeOf } from './update-facts.js';
import { WABA, WABA_WINDOW_MS } from './window.js';

/** What Pact tells about a conversation that the window and templates need. */
export interface PactConversationFacts {
  /** Its messenger. */
  provider: ChannelProvider;
  /** Its channel (v1); undefined on v2, which names no channel. */
  channelId: number | undefined;
  /** The customer's phone, where the messenger has one. */
  phone: string | undefined;
}

/** The facts of a conversation, and when its customer last wrote. */
export interface PactWindowFacts extends PactConversationFacts {
  /** When the customer last wrote, in ms; null: never, as far as Pact tells; undefined: not read. */
  customerAt: number | null | undefined;
}

/** The most messages read to find a v2 conversation's latest incoming one (three pages). */
const MAX_SCANNED = 450;

/**
 * When the customer last wrote to a v2 conversation. v2 tells only `last_updated_at`, the time
 * of the latest message of either side; when that is over 24 hours ago (or there is none), the
 * window is closed either way and it is taken as the customer's time — at the latest. Otherwise
 * the messages are read (at most {@link MAX_SCANNED}) for the latest incoming one; what is found
 * is never later than the truth, so a window judged from it closes no later than the real one.
 */
async function v2CustomerAt(
  api: PactClient,
  conversationId: number,
  latest: number | undefined,
  now: number,
): Promise<number | null> {
  if (latest === undefined) return null;
  if (latest + WABA_WINDOW_MS <= now) return latest;
  let found: number | undefined;
  let scanned = 0;
  for await (const message of api.v2.messages.iterate(conversationId)) {
    if (message.income) {
      const at = timeOf(message.external_created_at) ?? timeOf(message.created_at);
      if (at !== undefined && (found === undefined || at > found)) found = at;
    }
    if (++scanned >= MAX_SCANNED) break;
  }
  return found ?? null;
}

/**
 * Reads a conversation from Pact: v1 `conversations.get` (its `last_income_message_at` is the
 * customer's last message), v2 `v2.conversations.get` and, when the window is asked for and
 * needs them, its messages.
 */
export async function readConversationFacts(
  api: PactClient,
  conversationId: number,
  options: { window: boolean },
): Promise<PactWindowFacts> {
  if (api.apiVersion === 2) {
    const conversation = await api.v2.conversations.get(conversationId);
    const provider = conversation.provider;
    const facts = {
      provider,
      channelId: undefined,
      phone: phoneOf(
        conversation.sender_phone,
        conversation.sender_external_public_id,
        conversation.sender_external_id,
      ),
    };
    if (provider !== WABA || !options.window) return { ...facts, customerAt: undefined };
    const latest = timeOf(conversation.last_updated_at);
    return { ...facts, customerAt: await v2CustomerAt(api, conversationId, latest, Date.now()) };
  }
  const conversation = await api.conversations.get(conversationId);
  return {
    provider: conversation.channel_type,
    channelId: conversation.channel_id ?? undefined,
    phone: phoneOf(conversation.sender_external_id),
    customerAt: timeOf(conversation.last_income_message_at) ?? null,
  };
}
