import type { EventEmitter } from 'node:events';
import { chatMessage, conversationView } from './chat-view.js';
import type { SandboxEvents } from './events.js';
import type { Faults } from './faults.js';
import type { NewConversation, SandboxStore } from './store/store.js';
import type {
  Ack,
  AttachmentRecord,
  ConversationRecord,
  InteractiveRecord,
  JobRecord,
  LocationRecord,
  MessageRecord,
} from './store/records.js';
import type { WebhookOutbox, WebhookOutcome } from './webhooks/outbox.js';
import {
  ackWebhook,
  conversationWebhook,
  jobWebhook,
  messageWebhook,
  type WebhookBody,
} from './webhooks/payloads.js';

/**
 * When a sent message reaches each state, in ms after it was sent. Pact reports each with
 * webhooks: `sentMs` brings the echo, `job`/`executed` and ack 1; `deliveredMs` ack 2; `readMs`
 * ack 3 (or never, with `false`: the customer does not read it).
 */
export interface DeliveryTiming {
  sentMs: number;
  deliveredMs: number;
  readMs: number | false;
}

/** What a customer's message carries. */
export interface CustomerContent {
  text?: string | undefined;
  attachments?: AttachmentRecord[] | undefined;
  location?: LocationRecord | undefined;
}

/** What the API is asked to send. */
export interface SendContent {
  text: string | undefined;
  attachments: AttachmentRecord[];
  interactive: InteractiveRecord | undefined;
}

/** Options of {@link Emulator}. */
export interface EmulatorOptions {
  store: SandboxStore;
  outbox: WebhookOutbox;
  events: EventEmitter<SandboxEvents>;
  timing: DeliveryTiming;
  /** The fault settings in force. */
  faults: () => Readonly<Faults>;
  /** Where a customer's avatar is served. */
  avatarUrl: (conversation: ConversationRecord) => string;
  random?: (() => number) | undefined;
}

/** Where a message or job of a conversation belongs: its company, conversation and channel. */
function placeOf(conversation: ConversationRecord) {
  return {
    company_id: conversation.company_id,
    conversation_id: conversation.external_id,
    channel_id: conversation.channel_id,
    channel_type: conversation.channel_type,
  };
}

/**
 * Pact's behaviour, apart from HTTP: what customers' messages and the API's sends do to the
 * store, and the webhooks each posts, in the order Pact posts them. A conversation's webhooks go
 * on one line (delivered in order); each job's on its own.
 */
export class Emulator {
  readonly #store: SandboxStore;
  readonly #outbox: WebhookOutbox;
  readonly #events: EventEmitter<SandboxEvents>;
  readonly #timing: DeliveryTiming;
  readonly #faults: () => Readonly<Faults>;
  readonly #avatarUrl: (conversation: ConversationRecord) => string;
  readonly #random: () => number;
  readonly #timers = new Set<NodeJS.Timeout>();
  #closed = false;

  constructor(options: EmulatorOptions) {
    this.#store = options.store;
    this.#outbox = options.outbox;
    this.#events = options.events;
    this.#timing = options.timing;
    this.#faults = options.faults;
    this.#avatarUrl = options.avatarUrl;
    this.#random = options.random ?? Math.random;
  }

  /** The conversation of a customer on a channel: theirs if they have one, else a new one. */
  conversationFor(fields: NewConversation): ConversationRecord {
    if (fields.senderId !== undefined) {
      const existing = this.#store.findConversation(
        fields.companyId,
        fields.channelType,
        fields.senderId,
      );
      if (existing) return existing;
    }
    const conversation = this.#store.addConversation(fields);
    this.#events.emit('conversation', { conversation: conversationView(conversation) });
    return conversation;
  }

  #post(conversation: ConversationRecord, body: WebhookBody): Promise<WebhookOutcome> {
    return this.#outbox.post(
      conversation.company_id,
      `conversation:${conversation.external_id}`,
      body,
      conversation.external_id,
    );
  }

  /** Posts `conversation`/`new` before the conversation's first message, once. */
  #announce(conversation: ConversationRecord): void {
    if (conversation.announced) return;
    conversation.announced = true;
    void this.#post(
      conversation,
      conversationWebhook('new', conversation, this.#avatarUrl(conversation)),
    );
  }

  #changed(message: MessageRecord): void {
    this.#events.emit('message', {
      conversationId: message.conversation_id,
      message: chatMessage(message),
    });
  }

  /**
   * A customer writes: `conversation`/`new` first if they never wrote before, then
   * `message`/`new` with `income: true`. Resolves `delivery` when the bot took the message (or
   * it was given up on).
   */
  customerWrites(
    conversation: ConversationRecord,
    content: CustomerContent,
  ): { message: MessageRecord; delivery: Promise<WebhookOutcome> } {
    this.#announce(conversation);
    const message = this.#store.addMessage({
      ...placeOf(conversation),
      message: content.text ?? null,
      income: true,
      attachments: content.attachments ?? [],
      location: content.location ?? null,
      interactive: null,
      ack: 1,
      job_id: null,
    });
    this.#changed(message);
    return { message, delivery: this.#post(conversation, messageWebhook(message, message.ack)) };
  }

  /**
   * The API sends a message: a job that is `trying_deliver` now, and, as the timing says, the
   * echo, `job`/`executed` and acks 1 → 2 → 3 (or NOT DELIVERED, when the `undelivered` fault
   * strikes).
   */
  send(conversation: ConversationRecord, content: SendContent): JobRecord {
    const job = this.#store.addJob({
      ...placeOf(conversation),
      state: 'trying_deliver',
      message_id: null,
      details: null,
    });
    const message = this.#store.addMessage({
      ...placeOf(conversation),
      message: content.text ?? null,
      income: false,
      attachments: content.attachments,
      location: null,
      interactive: content.interactive ?? null,
      ack: 0,
      job_id: job.id,
    });
    this.#changed(message);
    const { sentMs, deliveredMs, readMs } = this.#timing;
    this.#after(sentMs, () => this.#executeJob(conversation, job, message));
    this.#after(Math.max(sentMs, deliveredMs), () => this.#ack(conversation, message, 2));
    if (readMs !== false) {
      this.#after(Math.max(sentMs, deliveredMs, readMs), () => this.#ack(conversation, message, 3));
    }
    return job;
  }

  #executeJob(conversation: ConversationRecord, job: JobRecord, message: MessageRecord): void {
    const jobLine = `job:${job.id}`;
    if (this.#random() < this.#faults().undelivered) {
      job.state = 'not_delivered';
      job.details = {
        result: 'NOT DELIVERED',
        reason: 'the sandbox made this delivery fail (the "undelivered" fault)',
      };
      message.ack = -1;
      this.#changed(message);
      void this.#outbox.post(conversation.company_id, jobLine, jobWebhook(job));
      return;
    }
    job.state = 'delivered';
    job.message_id = message.external_id;
    job.details = { result: 'DELIVERED' };
    this.#announce(conversation);
    void this.#post(conversation, messageWebhook(message, 0));
    void this.#outbox.post(conversation.company_id, jobLine, jobWebhook(job));
    this.#ack(conversation, message, 1);
  }

  #ack(conversation: ConversationRecord, message: MessageRecord, ack: Ack): void {
    // A message not delivered gets no further acks; acks never go backwards.
    if (message.ack === -1 || message.ack >= ack) return;
    message.ack = ack;
    this.#changed(message);
    void this.#post(conversation, ackWebhook(message, ack));
  }

  #after(ms: number, task: () => void): void {
    if (this.#closed) return;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (!this.#closed) task();
    }, ms);
    this.#timers.add(timer);
  }

  /** Stops every scheduled delivery step. */
  close(): void {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }
}
