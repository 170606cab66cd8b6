import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ChannelType } from './channels.js';
import { chatMessage, type ChatMessage } from './chat-view.js';
import type { Emulator } from './emulator.js';
import type { ConversationRecord, LocationRecord } from './store/records.js';
import type { SandboxStore } from './store/store.js';
import { durationMs, type Duration } from './util/duration.js';
import { mimeTypeOf } from './util/mime.js';
import { show } from './util/show.js';
import { windowOf, type ConversationWindow } from './waba/window.js';
import type { WebhookOutcome } from './webhooks/outbox.js';

/** A file a customer sends: one on disk, or bytes with a name. */
export type CustomerFile =
  | { path: string; name?: string | undefined; type?: string | undefined }
  | { data: Uint8Array | string; name: string; type?: string | undefined };

/** A customer's message, and how handing it to the bot went. */
export interface WriteOutcome extends WebhookOutcome {
  /** The message as the customer sees it. */
  message: ChatMessage;
}

/** What a customer needs from its sandbox. */
export interface CustomerDeps {
  store: SandboxStore;
  emulator: Emulator;
  fileUrl(id: number, fileName: string): string;
}

/**
 * A customer writing to the company from a messenger. Each way of writing resolves once Pact's
 * webhooks of the message were delivered to the bot — that is, once the bot's handler finished
 * and its replies were accepted — or given up on after every retry.
 */
export class Customer {
  /** The conversation's id in the API. */
  readonly conversationId: number;
  /** The company the customer writes to. */
  readonly companyId: number;
  /** The channel the customer writes from. */
  readonly channel: { readonly id: number; readonly type: ChannelType };
  /** The customer's name. */
  readonly name: string;
  /** The customer's id in the messenger (a phone number, a user id). */
  readonly senderId: string;

  readonly #deps: CustomerDeps;
  readonly #conversation: ConversationRecord;

  /** @internal Customers come from `sandbox.newCustomer()`. */
  constructor(conversation: ConversationRecord, deps: CustomerDeps) {
    this.#conversation = conversation;
    this.#deps = deps;
    this.conversationId = conversation.external_id;
    this.companyId = conversation.company_id;
    this.channel = { id: conversation.channel_id, type: conversation.channel_type };
    this.name = conversation.name;
    this.senderId = conversation.sender_external_id;
  }

  async #write(content: Parameters<Emulator['customerWrites']>[1]): Promise<WriteOutcome> {
    const { store } = this.#deps;
    if (store.conversation(this.conversationId) !== this.#conversation) {
      throw new Error(
        `conversation ${this.conversationId} was deleted (with its auth): ${this.name} cannot write to it`,
      );
    }
    const channel = store.channel(this.channel.id);
    if (channel && channel.state !== 'enabled') {
      throw new Error(
        `the company's ${channel.provider} auth ${channel.external_id} is ${channel.state}: messages from ${this.channel.type} do not arrive until it is enabled`,
      );
    }
    const { message, delivery } = this.#deps.emulator.customerWrites(this.#conversation, content);
    const outcome = await delivery;
    return { ...outcome, message: chatMessage(message) };
  }

  /** Writes a text message. */
  write(text: string): Promise<WriteOutcome> {
    if (typeof text !== 'string' || text.trim() === '') {
      return Promise.reject(
        new TypeError(`write() takes the message text, a non-empty string; got ${show(text)}`),
      );
    }
    return this.#write({ text });
  }

  /** Sends a file, with an optional caption. */
  async sendFile(file: CustomerFile, options: { caption?: string } = {}): Promise<WriteOutcome> {
    let bytes: Buffer;
    let name: string;
    if (
      file !== null &&
      typeof file === 'object' &&
      'path' in file &&
      typeof file.path === 'string'
    ) {
      bytes = await readFile(file.path);
      name = file.name ?? basename(file.path);
    } else if (file !== null && typeof file === 'object' && 'data' in file) {
      if (typeof file.name !== 'string' || file.name === '') {
        throw new TypeError('sendFile({ data, name }) needs a file name, such as "photo.png"');
      }
      bytes = typeof file.data === 'string' ? Buffer.from(file.data) : Buffer.from(file.data);
      name = file.name;
    } else {
      throw new TypeError(`sendFile() takes { path } or { data, name }, got ${show(file)}`);
    }
    const attachment = this.#deps.store.addAttachment(
      {
        company_id: this.companyId,
        conversation_id: this.conversationId,
        file_name: name,
        mime_type: file.type ?? mimeTypeOf(name),
        size: bytes.length,
        bytes,
        push_to_talk: false,
      },
      (id, fileName) => this.#deps.fileUrl(id, fileName),
    );
    const caption = options.caption?.trim() ? options.caption : undefined;
    return this.#write({ text: caption, attachments: [attachment] });
  }

  /** Shares a location. */
  sendLocation(location: LocationRecord): Promise<WriteOutcome> {
    const { latitude, longitude } = location ?? {};
    if (
      typeof latitude !== 'number' ||
      typeof longitude !== 'number' ||
      !(Math.abs(latitude) <= 90) ||
      !(Math.abs(longitude) <= 180)
    ) {
      return Promise.reject(
        new TypeError('sendLocation() takes { latitude, longitude } in degrees (−90…90, −180…180)'),
      );
    }
    return this.#write({ location: { latitude, longitude } });
  }

  /**
   * Presses a button of the latest message with buttons: on WhatsApp Business the customer's
   * messenger sends the title; elsewhere the customer types the option's number.
   */
  press(title: string): Promise<WriteOutcome> {
    const withButtons = this.messages()
      .filter((m) => m.from === 'bot' && m.buttons.length > 0)
      .pop();
    if (!withButtons) {
      return Promise.reject(
        new Error(
          `there is no button ${JSON.stringify(title)} to press: the bot sent no buttons yet`,
        ),
      );
    }
    const wanted = String(title).trim().toLowerCase();
    const index = withButtons.buttons.findIndex((b) => b.trim().toLowerCase() === wanted);
    if (index < 0) {
      return Promise.reject(
        new Error(
          `there is no button ${JSON.stringify(title)} to press; the latest buttons (under ${JSON.stringify(withButtons.text.split('\n')[0])}) are ${withButtons.buttons.map((b) => JSON.stringify(b)).join(', ')}`,
        ),
      );
    }
    return this.#write({
      text: withButtons.interactive ? withButtons.buttons[index] : String(index + 1),
    });
  }

  /** The conversation as the customer sees it, oldest first. */
  messages(): ChatMessage[] {
    return this.#deps.store.messagesOf(this.conversationId).map(chatMessage);
  }

  /** The time now by this conversation's clock (the sandbox's, plus what `advance()` added here). */
  now(): Date {
    return this.#deps.store.clock.now(this.#conversation);
  }

  /**
   * Moves this conversation's clock forward by a duration such as `'90s'`, `'15m'`, `'25h'`,
   * `'2d'` or a number of milliseconds — the customer stays silent that long: later messages and
   * webhooks carry the later times, and on WhatsApp Business the window closes once 24 hours
   * passed since the customer's last message. Returns the conversation's time now.
   */
  advance(duration: Duration): Date {
    this.#deps.emulator.advance(durationMs(duration, 'advance()'), this.#conversation);
    return this.now();
  }

  /**
   * On WhatsApp Business, the 24-hour window now: open within 24 hours of the customer's last
   * message (by the conversation's clock), closed before they ever wrote or after. Undefined on
   * messengers without one.
   */
  get window(): ConversationWindow | undefined {
    return windowOf(this.#conversation, this.now());
  }
}
