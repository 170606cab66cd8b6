import type { ChatMessage, ConversationView } from './chat-view.js';
import type { Fault, Faults } from './faults.js';
import type { WebhookBody } from './webhooks/payloads.js';

/** A call to the emulated API, answered. */
export interface ApiCallEvent {
  /** Sequence number, counting from 1. */
  id: number;
  at: Date;
  method: string;
  /** Path and query, the API token left out. */
  path: string;
  /** The status answered; null when a fault reset the connection instead. */
  status: number | null;
  durationMs: number;
  /** The request's body as sent (JSON or fields; files summarized by name, type and size). */
  request: unknown;
  /** The JSON answered. */
  response: unknown;
  /** The fault that struck the call, if one did. */
  fault: Fault['kind'] | undefined;
}

/** How one attempt to deliver a webhook ended. */
export type WebhookAttemptOutcome =
  /** Answered 200: done. */
  | 'delivered'
  /** Not answered 200; it will be sent again. */
  | 'retrying'
  /** Not answered 200 on the last attempt; Pact gives up, and so does the sandbox. */
  | 'dropped'
  /** Nowhere to send it: no bot connected and no `webhook_url` set. */
  | 'no-target'
  /** The sandbox closed before it could be delivered. */
  | 'cancelled';

/** An attempt to deliver a webhook. */
export interface WebhookEvent {
  /** The webhook's number; equal for every attempt of one webhook. */
  id: number;
  at: Date;
  companyId: number;
  /** The conversation it belongs to, if any. */
  conversationId: number | undefined;
  /** `type/event`, such as `message/new` (v1) or `message/create` (v2); `probe` for a URL test. */
  label: string;
  /** The envelope it was sent in: v1 `{type, event, data}` or v2 `{event, type, object}`. */
  apiVersion: 1 | 2;
  /** Where it went: the webhook URL, or `bot (in-process)`. */
  target: string | undefined;
  attempt: number;
  maxAttempts: number;
  /** The receiver's HTTP status, when it answered. */
  status: number | undefined;
  /** Why no answer came, when none did. */
  error: string | undefined;
  /** The receiver's answer, as text (cut at 2000 characters). */
  response: string | undefined;
  outcome: WebhookAttemptOutcome;
  durationMs: number;
  body: WebhookBody;
}

/** A message appeared in a conversation, or its delivery state changed. */
export interface MessageEvent {
  conversationId: number;
  message: ChatMessage;
}

/** A conversation (a customer) appeared, changed (its clock, its window), or went away (with its auth, on v2). */
export interface ConversationEvent {
  conversation: ConversationView;
}

/** Where a company's webhooks go changed. */
export interface TargetEvent {
  companyId: number;
  /** `bot (in-process)`, a webhook URL, or null when there is nowhere to deliver. */
  target: string | null;
}

/**
 * Everything that happens in a sandbox, on `sandbox.events` (a node:events EventEmitter):
 * `api` (every API call), `webhook` (every delivery attempt), `message` (new messages and
 * delivery ticks), `conversation` (new customers), `conversationUpdated` (a conversation's clock
 * moved, or a customer's message reopened its WhatsApp Business window), `conversationDeleted`
 * (conversations gone with their auth), `faults` (fault settings changed) and `target` (a bot connected or disconnected, a
 * webhook URL set).
 */
export interface SandboxEvents {
  api: [ApiCallEvent];
  webhook: [WebhookEvent];
  message: [MessageEvent];
  conversation: [ConversationEvent];
  conversationUpdated: [ConversationEvent];
  conversationDeleted: [ConversationEvent];
  faults: [Faults];
  target: [TargetEvent];
}
