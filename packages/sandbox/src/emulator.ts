import type { EventEmitter } from 'node:events';
import { chatMessage, conversationView } from './chat-view.js';
import type { SandboxEvents } from './events.js';
import { faultFailure, type Faults } from './faults.js';
import type { NewConversation, SandboxStore } from './store/store.js';
import type {
  Ack,
  AttachmentRecord,
  ConversationRecord,
  DeliveryFailure,
  InteractiveRecord,
  JobRecord,
  LocationRecord,
  MessageRecord,
  TemplateUse,
} from './store/records.js';
import { hasWindow, windowClosedFailure, windowOf } from './waba/window.js';
import type { Envelopes, WebhookOutbox, WebhookOutcome } from './webhooks/outbox.js';
import {
  ackWebhook,
  conversationWebhook,
  jobWebhook,
  messageWebhook,
} from './webhooks/payloads.js';
import { conversationEvent, messageEvent } from './webhooks/v2-payloads.js';

/**
 * When a sent message reaches each state, in ms after it was sent. Pact reports each with
 * webhooks: `sentMs` brings the echo (v1 also `job`/`executed` and ack 1; v2 `message`/`create`),
 * `deliveredMs` ack 2 (v2: `message`/`update` delivered), `readMs` ack 3 (v2: read) — or never,
 * with `false`: the customer does not read it.
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
  /** The messenger's id of a message this one quotes (v2). */
  repliedToId?: string | null | undefined;
  /**
   * The WhatsApp Business template the text was rendered from. A template is delivered whether
   * or not the 24-hour window is open; anything else needs it open.
   */
  template?: TemplateUse | undefined;
}

/** A message the API sent, and the delivery job that carries it. */
export interface Sending {
  job: JobRecord;
  message: MessageRecord;
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
 * store, and the webhooks each posts, in the order Pact posts them, in both of Pact's envelopes
 * (each route of the outbox takes its own). A conversation's webhooks go on one line (delivered in
 * order); each job's on its own.
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
    this.#events.emit('conversation', { conversation: this.#view(conversation) });
    return conversation;
  }

  #view(conversation: ConversationRecord) {
    return conversationView(conversation, this.#store.clock);
  }

  /**
   * Moves a conversation's clock forward, or, without one, the whole sandbox's; each conversation
   * whose clock moved posts `conversationUpdated` (its window may have closed).
   */
  advance(ms: number, conversation?: ConversationRecord): void {
    if (conversation) conversation.clock_offset_ms += ms;
    else this.#store.clock.advance(ms);
    const moved = conversation
      ? [conversation]
      : this.#store.companies().flatMap((c) => this.#store.conversations(c.external_id));
    for (const each of moved) {
      this.#events.emit('conversationUpdated', { conversation: this.#view(each) });
    }
  }

  #post(conversation: ConversationRecord, bodies: Envelopes): Promise<WebhookOutcome> {
    return this.#outbox.post(
      conversation.company_id,
      `conversation:${conversation.external_id}`,
      bodies,
      conversation.external_id,
    );
  }

  #v2Conversation(event: 'create' | 'update' | 'delete', conversation: ConversationRecord) {
    return conversationEvent(event, conversation, this.#avatarUrl(conversation));
  }

  #v2Message(event: 'create' | 'update', message: MessageRecord, conversation: ConversationRecord) {
    const company = this.#store.company(conversation.company_id)!;
    return messageEvent(event, message, company, conversation, this.#avatarUrl(conversation));
  }

  /**
   * Posts a new message of the conversation: `conversation`/`new` (v1) or `create` (v2) first if
   * the conversation was never announced, then the message, then (v2) `conversation`/`update`
   * for its new `last_message_id`. `v1Announce` is the v1 announcement as it stood before the
   * message; `announced` runs once the announcement is posted. Resolves when the message's webhook
   * was delivered or given up on.
   */
  #posted(
    conversation: ConversationRecord,
    message: Envelopes,
    v1Announce: Envelopes[1],
    announced?: () => void,
  ): Promise<WebhookOutcome> {
    const announcing = !conversation.announced;
    conversation.announced = true;
    if (announcing) {
      void this.#post(conversation, {
        1: v1Announce,
        2: this.#v2Conversation('create', conversation),
      });
    }
    announced?.();
    const delivery = this.#post(conversation, message);
    if (!announcing)
      void this.#post(conversation, { 2: this.#v2Conversation('update', conversation) });
    return delivery;
  }

  #v1Announcement(conversation: ConversationRecord) {
    return conversationWebhook('new', conversation, this.#avatarUrl(conversation));
  }

  #changed(message: MessageRecord): void {
    this.#events.emit('message', {
      conversationId: message.conversation_id,
      message: chatMessage(message),
    });
  }

  #gone(conversation: ConversationRecord): boolean {
    return this.#store.conversation(conversation.external_id) !== conversation;
  }

  /**
   * A customer writes: the conversation's announcement first if they never wrote before, then
   * the message (`message`/`new` with `income: true`; v2 `message`/`create`, `created`).
   * Resolves `delivery` when the bot took the message (or it was given up on).
   */
  customerWrites(
    conversation: ConversationRecord,
    content: CustomerContent,
  ): { message: MessageRecord; delivery: Promise<WebhookOutcome> } {
    const v1Announce = this.#v1Announcement(conversation);
    const message = this.#store.addMessage({
      ...placeOf(conversation),
      message: content.text ?? null,
      income: true,
      attachments: content.attachments ?? [],
      location: content.location ?? null,
      interactive: null,
      ack: 1,
      job_id: null,
      replied_to_id: null,
      template: null,
    });
    // On WhatsApp Business the customer's message (re)opens the 24-hour window.
    if (hasWindow(conversation)) {
      this.#events.emit('conversationUpdated', { conversation: this.#view(conversation) });
    }
    const delivery = this.#posted(
      conversation,
      {
        1: messageWebhook(message, message.ack),
        2: this.#v2Message('create', message, conversation),
      },
      v1Announce,
      () => this.#changed(message),
    );
    return { message, delivery };
  }

  /**
   * The API sends a message: a job that is `trying_deliver` now, and, as the timing says, the
   * echo, `job`/`executed` and acks 1 → 2 → 3 — or NOT DELIVERED: with WhatsApp's 131047 when a
   * free-form message goes to a WhatsApp Business conversation whose 24-hour window is closed (as
   * Pact, the sandbox takes the send and the messenger refuses it), or when the `undelivered`
   * fault strikes.
   */
  send(conversation: ConversationRecord, content: SendContent): Sending {
    const window = windowOf(conversation, this.#store.clock.now(conversation));
    const refused = !content.template && window?.open === false ? windowClosedFailure() : null;
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
      replied_to_id: content.repliedToId ?? null,
      template: content.template ?? null,
    });
    this.#changed(message);
    const { sentMs, deliveredMs, readMs } = this.#timing;
    this.#after(sentMs, () => this.#executeJob(conversation, job, message, refused));
    this.#after(Math.max(sentMs, deliveredMs), () => this.#ack(conversation, message, 2));
    if (readMs !== false) {
      this.#after(Math.max(sentMs, deliveredMs, readMs), () => this.#ack(conversation, message, 3));
    }
    return { job, message };
  }

  #executeJob(
    conversation: ConversationRecord,
    job: JobRecord,
    message: MessageRecord,
    refused: DeliveryFailure | null,
  ): void {
    if (this.#gone(conversation)) return;
    const jobLine = `job:${job.id}`;
    const v1Announce = this.#v1Announcement(conversation);
    const now = this.#store.clock.now(conversation);
    const failure =
      refused ?? (this.#random() < this.#faults().undelivered ? faultFailure() : null);
    if (failure) {
      job.state = 'not_delivered';
      job.details = { result: 'NOT DELIVERED', reason: failure.reason };
      message.failure = failure;
      // v2 still posts the sent message's `create`, then its `update` with status error.
      void this.#posted(
        conversation,
        { 2: this.#v2Message('create', message, conversation) },
        v1Announce,
      );
      message.ack = -1;
      this.#changed(message);
      void this.#outbox.post(conversation.company_id, jobLine, { 1: jobWebhook(job, now) });
      void this.#post(conversation, { 2: this.#v2Message('update', message, conversation) });
      return;
    }
    job.state = 'delivered';
    job.message_id = message.external_id;
    job.details = { result: 'DELIVERED' };
    void this.#posted(
      conversation,
      { 1: messageWebhook(message, 0), 2: this.#v2Message('create', message, conversation) },
      v1Announce,
    );
    void this.#outbox.post(conversation.company_id, jobLine, { 1: jobWebhook(job, now) });
    this.#ack(conversation, message, 1);
  }

  #ack(conversation: ConversationRecord, message: MessageRecord, ack: Ack): void {
    // A message not delivered gets no further acks; acks never go backwards.
    if (message.ack === -1 || message.ack >= ack || this.#gone(conversation)) return;
    message.ack = ack;
    this.#changed(message);
    void this.#post(conversation, {
      1: ackWebhook(message, ack),
      // v2 tells delivered and read; its `sent` came with the message's `create`.
      2: ack >= 2 ? this.#v2Message('update', message, conversation) : undefined,
    });
  }

  /** Deletes messages (v2): each is marked deleted and posts `message`/`update`. */
  deleteMessages(conversation: ConversationRecord, messages: readonly MessageRecord[]): void {
    for (const message of messages) {
      if (message.deleted) continue;
      message.deleted = true;
      this.#changed(message);
      void this.#post(conversation, { 2: this.#v2Message('update', message, conversation) });
    }
  }

  /** Fields of a conversation changed through the API (v2): posts `conversation`/`update`. */
  conversationChanged(conversation: ConversationRecord): void {
    void this.#post(conversation, { 2: this.#v2Conversation('update', conversation) });
  }

  /** Conversations went away with their auth (v2): each posts `conversation`/`delete`. */
  conversationsDeleted(conversations: readonly ConversationRecord[]): void {
    for (const conversation of conversations) {
      void this.#post(conversation, { 2: this.#v2Conversation('delete', conversation) });
      this.#events.emit('conversationDeleted', { conversation: this.#view(conversation) });
    }
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
