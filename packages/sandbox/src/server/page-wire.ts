/**
 * What the chat page gets from the sandbox: the snapshot and the events of `/sandbox/events`, as
 * the server sends them and as the page (`src/page/*.js`, type-checked against this file) reads
 * them. This file and what it imports stay free of Node's types, so the page's check runs on the
 * DOM alone.
 */
import type { ChannelType } from '../channels.js';
import type { ChatMessage, ConversationView } from '../chat-view.js';
import type { MessageEvent } from '../events.js';
import type { Faults } from '../faults.js';
import type { LogEntry } from './page-log.js';

/** A value as JSON carries it: dates become ISO 8601 strings, the rest stays as it is. */
export type Wire<T> = T extends Date
  ? string
  : T extends ReadonlyArray<infer U>
    ? Array<Wire<U>>
    : T extends object
      ? { [K in keyof T]: Wire<T[K]> }
      : T;

/** A conversation with its messages, as the snapshot lists it. */
export type ConversationWithMessages = ConversationView & { messages: ChatMessage[] };

/** Everything the page shows, sent when it opens its event stream. */
export interface PageSnapshot {
  company: { id: number; name: string };
  /** The API the sandbox's webhooks speak. */
  apiVersion: 1 | 2;
  channelTypes: Array<{ type: ChannelType; label: string }>;
  conversations: ConversationWithMessages[];
  log: LogEntry[];
  faults: Faults;
  /** Where webhooks go: `bot (in-process)`, a URL, or null. */
  target: string | null;
}

/** The events of the page's stream, by name, and what each carries. */
export interface PageEvents {
  /** Everything, first thing after the stream opens. */
  snapshot: PageSnapshot;
  /** A new customer. */
  conversation: ConversationView;
  /** A conversation's clock moved, or its WhatsApp Business window changed. */
  conversationUpdated: ConversationView;
  /** A conversation went away (with its auth, on v2). */
  conversationDeleted: ConversationView;
  /** A new message, or new ticks of one. */
  message: MessageEvent;
  /** A line of the live log: an API call or a webhook attempt. */
  log: LogEntry;
  /** The fault settings changed. */
  faults: Faults;
  /** Where webhooks go changed. */
  target: string | null;
}
