/**
 * Conversations as the customer sees them: bubbles with text, buttons, files, a location and, on
 * the bot's messages, delivery ticks. The chat page and the test harness both read these.
 */
import { CHANNEL_LABELS, takesInteractive, type ChannelType } from './channels.js';
import type { SandboxClock } from './clock.js';
import type {
  Ack,
  AttachmentRecord,
  ConversationRecord,
  LocationRecord,
  MessageRecord,
} from './store/records.js';
import { windowOf, type ConversationWindow } from './waba/window.js';

/** A file in a message. */
export interface ChatAttachment {
  id: number;
  /** Where to fetch it: the sandbox serves uploads itself; a `file_url` stays as given. */
  url: string;
  fileName: string;
  mimeType: string;
  /** Bytes; null for a `file_url` the sandbox never fetched. */
  size: number | null;
}

/** Delivery of a bot's message, from Pact's acks: the ticks a customer's messenger would show. */
export type DeliveryStatus = 'sending' | 'sent' | 'delivered' | 'read' | 'not delivered';

/** The WhatsApp Business template a message was sent from. */
export interface ChatTemplate {
  /** The template's `waba_id`, such as `order_update`. */
  name: string;
  /** Its language code, such as `en`. */
  language: string;
  /** The values that filled its `{{1}}`, `{{2}}`…, in order. */
  parameters: string[];
}

/** A message as the customer sees it. */
export interface ChatMessage {
  id: number;
  /** Who wrote it: the customer, or the bot (anything sent through the API). */
  from: 'customer' | 'bot';
  /** The text, exactly as sent (empty when there is none). */
  text: string;
  /**
   * What the customer can press: the interactive buttons of a WhatsApp Business message, or, on
   * channels without them, the options of a numbered list that ends the text (`1. Pizza`).
   */
  buttons: string[];
  /** True when `buttons` are interactive (tapped), false when they are a numbered list (typed). */
  interactive: boolean;
  attachments: ChatAttachment[];
  location: LocationRecord | null;
  /** Delivery of a bot's message; a customer's own messages are always `delivered`. */
  status: DeliveryStatus;
  /**
   * Why a bot's message is `not delivered`, as Pact reports it (v1's job `reason`), such as
   * WhatsApp's "(#131047) Re-engagement message: …" outside the 24-hour window; null otherwise.
   */
  failure: string | null;
  /** The template a bot's message was sent from (WhatsApp Business); null for free-form ones. */
  template: ChatTemplate | null;
  /** When it was sent, by the conversation's clock (which `advance()` moves forward). */
  sentAt: Date;
  /** The delivery job of a bot's message. */
  jobId: number | null;
  /** Deleted through the API (v2): the customer sees that a message was there. */
  deleted: boolean;
}

/** A customer's conversation, for lists. */
export interface ConversationView {
  id: number;
  name: string;
  channel: { id: number; type: ChannelType; label: string };
  /** The customer's id in the messenger (a phone number, a user id). */
  senderId: string;
  createdAt: Date;
  /**
   * How far the conversation's clock runs ahead of real time, in ms: what the sandbox's and the
   * conversation's `advance()` added up to.
   */
  clockOffsetMs: number;
  /**
   * On WhatsApp Business, the 24-hour window as it stood when this view was made (`closesAt`
   * by the conversation's clock); null on messengers without one.
   */
  window: ConversationWindow | null;
}

const STATUS_OF_ACK: Record<Ack, DeliveryStatus> = {
  [-1]: 'not delivered',
  0: 'sending',
  1: 'sent',
  2: 'delivered',
  3: 'read',
};

/**
 * The options of a numbered list ending a text, as `ctx.buttons` writes them on channels without
 * interactive messages: a blank line, then `1. First`, `2. Second`, …
 */
export function numberedOptions(text: string): string[] {
  const lines = text.split('\n');
  const items: Array<{ number: number; title: string }> = [];
  for (let i = lines.length - 1; i >= 0; i--) {
    const match = /^\s*(\d{1,2})[.)]\s+(.+?)\s*$/.exec(lines[i]!);
    if (!match) break;
    items.unshift({ number: Number(match[1]), title: match[2]! });
  }
  const first = lines.length - items.length;
  const standsApart = first === 0 || lines[first - 1]!.trim() === '';
  const countsFromOne = items.every((item, i) => item.number === i + 1);
  return items.length > 0 && standsApart && countsFromOne ? items.map((item) => item.title) : [];
}

function attachmentView(attachment: AttachmentRecord): ChatAttachment {
  return {
    id: attachment.external_id,
    url: attachment.url,
    fileName: attachment.file_name,
    mimeType: attachment.mime_type,
    size: attachment.size,
  };
}

/** A stored message as its customer sees it. */
export function chatMessage(message: MessageRecord): ChatMessage {
  const text = message.message ?? '';
  const interactive = message.interactive !== null && takesInteractive(message.channel_type);
  return {
    id: message.external_id,
    from: message.income ? 'customer' : 'bot',
    text,
    buttons: interactive
      ? [...message.interactive!.buttons]
      : message.income
        ? []
        : numberedOptions(text),
    interactive,
    attachments: message.attachments.map(attachmentView),
    location: message.location,
    status: message.income ? 'delivered' : STATUS_OF_ACK[message.ack],
    failure: message.failure?.reason ?? null,
    template: message.template && {
      name: message.template.waba_id,
      language: message.template.language,
      parameters: [...message.template.parameters],
    },
    sentAt: message.created_at,
    jobId: message.job_id,
    deleted: message.deleted,
  };
}

/** A stored conversation, for lists, with its clock and (WhatsApp Business) window now. */
export function conversationView(
  conversation: ConversationRecord,
  clock: SandboxClock,
): ConversationView {
  return {
    id: conversation.external_id,
    name: conversation.name,
    channel: {
      id: conversation.channel_id,
      type: conversation.channel_type,
      label: CHANNEL_LABELS[conversation.channel_type],
    },
    senderId: conversation.sender_external_id,
    createdAt: conversation.created_at,
    clockOffsetMs: clock.offsetOf(conversation),
    window: windowOf(conversation, clock.now(conversation)) ?? null,
  };
}
