import type { Readable } from 'node:stream';
import type { PactClient } from '../api/client.js';
import { PactArgumentError } from '../api/errors.js';
import type { AttachmentMetadata, UploadParams } from '../api/resources/attachments.js';
import type { SendMessageParams } from '../api/resources/messages.js';
import type { ChannelRef, MessageAttachment, MessageLocation } from '../api/types.js';
import { show } from '../api/validate.js';
import type { Bot } from '../bot.js';
import type { Outbound, SendGuard } from '../outbound/outbound.js';
import type { Sent } from '../outbound/sent.js';
import type { ConversationLock } from '../state/types.js';
import { WindowClosedError } from '../waba/errors.js';
import type { TemplateSender } from '../waba/template-sender.js';
import { checkTemplateRequest, type TemplateOptions } from '../waba/templates.js';
import type { WindowBook } from '../waba/window-book.js';
import { WABA, type WabaWindow } from '../waba/window.js';
import type { MessageData, Update } from '../webhook/types.js';
import {
  normalizeButtons,
  numberedMenu,
  type ButtonMenus,
  type ButtonPress,
  type ButtonSpec,
} from './button-menus.js';
import { refusedSend } from './refused-send.js';
import { splitText, textLimitOf, type TextLimit } from './split-text.js';
import { matchFilter, type Filtered, type FilterQuery } from '../composer/filters.js';
import {
  channelOf,
  conversationIdOf,
  kindOf,
  messageOf,
  type UpdateKind,
} from '../webhook/update-kinds.js';

/** Options of `ctx.reply`, `ctx.attach` and `ctx.buttons`. */
export interface ReplyOptions {
  /** Sync the message to CRM integrations. Pact's default is true. */
  send_to_crm?: boolean | undefined;
}

/** A file for `ctx.attach`: an http(s) URL for Pact to fetch, bytes, a Blob, a readable stream, or `{ path }` on disk. */
export type AttachFile =
  string | Uint8Array | Blob | Readable | AsyncIterable<Uint8Array> | { path: string };

/** Options of `ctx.attach`. */
export interface AttachOptions extends ReplyOptions {
  /** Text sent with the file. Some messengers show no caption with documents. */
  caption?: string | undefined;
  /** File name for bytes, Blobs and streams. Default `file`. */
  filename?: string | undefined;
  /** MIME type; guessed from the file name when omitted. */
  contentType?: string | undefined;
  /** Send an audio file as a voice message. */
  push_to_talk?: boolean | undefined;
  /** Width and height of an image or video. */
  metadata?: AttachmentMetadata | undefined;
}

/** What a context needs from its bot for WhatsApp Business: the windows, templates, and whether to hold sends to the window. */
export interface WabaServices {
  readonly windows: WindowBook;
  readonly templates: TemplateSender;
  /** Refuse free-form sends on a closed window (`WindowClosedError`). */
  readonly enforceWindow: boolean;
}

/** What a context needs from its bot. */
export interface ContextServices {
  readonly bot: Bot;
  readonly api: PactClient;
  readonly companyId: number;
  readonly outbound: Outbound;
  readonly menus: ButtonMenus;
  readonly textLimits: Record<string, TextLimit> | undefined;
  /** WhatsApp Business windows and templates; without them `ctx.window` is undefined and `ctx.template` refused. */
  readonly waba?: WabaServices | undefined;
  /** Reports a send refused before it started that the handler neither awaited nor returned. */
  reportUnawaited(error: Error, ctx: Context): void;
}

/** Marks the message as not yet read from the update. */
const NOT_READ: unique symbol = Symbol('not read');

/**
 * Everything about one update and the means to answer it. Handlers receive one per webhook;
 * `bot.on(filter)` narrows its type, so inside `bot.on('message:text')` `ctx.text` is a string.
 */
export class Context {
  /** The parsed webhook. */
  readonly update: Update;
  /** The company the bot serves. */
  readonly companyId: number;
  /** The Pact API client, for anything beyond replying. */
  readonly api: PactClient;
  /** The bot handling this update. */
  readonly bot: Bot;
  /** What `bot.hears` (or a RegExp `bot.action`) matched. */
  match: RegExpExecArray | string | undefined;
  /** The button this message pressed, if it is a press (see `ctx.buttons`). */
  action: ButtonPress | undefined;
  /** Aborted when this handler no longer holds its conversation (lock lost, bot stopping): stop sending then. */
  readonly signal: AbortSignal;

  readonly #services: ContextServices;
  #kind: UpdateKind | undefined;
  #message: MessageData | undefined | typeof NOT_READ = NOT_READ;
  readonly #pending: Array<Promise<unknown>> = [];
  readonly #lock: ConversationLock | undefined;
  readonly #guard: SendGuard;

  constructor(
    update: Update,
    services: ContextServices,
    lock?: ConversationLock,
    signal?: AbortSignal,
  ) {
    this.update = update;
    this.#services = services;
    this.companyId = services.companyId;
    this.api = services.api;
    this.bot = services.bot;
    this.#lock = lock;
    this.signal = signal ?? lock?.lost ?? new AbortController().signal;
    this.#guard = {
      signal: this.signal,
      stillHeld: lock?.stillHeld ? () => lock.stillHeld!() : undefined,
    };
  }

  /** The kind of this update, which is also its filter: `message`, `message:outgoing`, `job:executed`, … */
  get kind(): UpdateKind {
    return (this.#kind ??= kindOf(this.update));
  }

  /** The conversation this update belongs to, if any. */
  get conversationId(): number | undefined {
    return conversationIdOf(this.update, this.kind);
  }

  /** The channel (`{ id, type }`) of this update, if it names one. On API v2 messages, `id` is 0: v2 names only the messenger. */
  get channel(): ChannelRef | undefined {
    return channelOf(this.update, this.kind);
  }

  /** The message of a message update (either API version, in v1's shape). */
  get message(): MessageData | undefined {
    if (this.#message === NOT_READ) this.#message = messageOf(this.update, this.kind);
    return this.#message;
  }

  /** The message's text, if it has any. */
  get text(): string | undefined {
    const text = this.message?.message;
    return typeof text === 'string' && text !== '' ? text : undefined;
  }

  /** The message's attachments (empty when none). */
  get attachments(): MessageAttachment[] {
    return this.message?.attachments ?? [];
  }

  /** The location the message shares, if any. */
  get location(): MessageLocation | undefined {
    return this.message?.location ?? undefined;
  }

  /**
   * Whether this update matches a filter (or any of several) — a type guard, so the context
   * narrows inside an `if`: `if (ctx.has('message:text')) ctx.text.toUpperCase()`.
   */
  has<Q extends FilterQuery>(filter: Q | readonly Q[]): this is Filtered<this, Q> {
    return matchFilter(filter, 'ctx.has()')(this);
  }

  /**
   * The 24-hour window of a WhatsApp Business conversation: `{ open, closesAt }`, 24 hours from
   * the customer's last message (by the message's own time); undefined on other messengers and
   * for updates outside conversations. While it is closed, `ctx.reply`, `ctx.attach` and
   * `ctx.buttons` are refused with `WindowClosedError` (unless the bot's `waba.enforceWindow` is
   * false) and only `ctx.template` goes through. Read anew each time: it closes as time passes.
   * A window the bot knows nothing of yet (a conversation just created, one it never saw) reads
   * as closed, `closesAt` undefined, while a send to it asks Pact first; `await
   * ctx.bot.window(ctx.conversationId)` asks Pact as well, and `ctx.window` tells what it said.
   */
  get window(): WabaWindow | undefined {
    const id = this.conversationId;
    if (id === undefined) return undefined;
    return this.#services.waba?.windows.current(id, this.#provider());
  }

  /** The conversation's messenger as the update names it (v2 payloads without one: unknown). */
  #provider(): string | undefined {
    const type = this.channel?.type;
    return type === undefined || type === 'unknown' ? undefined : type;
  }

  /**
   * Refuses a free-form send on a closed WhatsApp Business window, before it is queued. Returns
   * the check to make in the send's turn instead when nobody knows the window yet (a
   * conversation just created, one the bot never saw): that one asks Pact first.
   */
  #checkWindow(conversationId: number, method: string): (() => Promise<void>) | undefined {
    const waba = this.#services.waba;
    if (!waba?.enforceWindow) return undefined;
    const window = this.window;
    if (window === undefined || window.open) return undefined;
    if (!waba.windows.isKnown(conversationId)) {
      return () => waba.windows.check(conversationId, `ctx.${method}()`);
    }
    throw new WindowClosedError(conversationId, window.closesAt, `ctx.${method}()`);
  }

  /** The conversation lock this handler holds, if the update belongs to a conversation. */
  get lock(): ConversationLock | undefined {
    return this.#lock;
  }

  /** Sends queued by this handler, so the runtime can wait for them before the next update. */
  get pendingSends(): ReadonlyArray<Promise<unknown>> {
    return this.#pending;
  }

  #conversation(method: string): number {
    const id = this.conversationId;
    if (id === undefined) {
      throw new PactArgumentError(
        `ctx.${method}() needs a conversation, but ${this.kind} updates belong to none; use bot.api.messages.send(conversationId, ...)`,
        { code: 'PACTBOT_NO_CONVERSATION' },
      );
    }
    return id;
  }

  /** A refused send: rejects for whoever awaits it, goes to `bot.catch` when nobody does. */
  #refuse(error: unknown): Promise<never> {
    return refusedSend(error instanceof Error ? error : new Error(String(error)), (unawaited) =>
      this.#services.reportUnawaited(unawaited, this),
    );
  }

  #track<T>(promise: Promise<T>): Promise<T> {
    // Marked handled here: a failure is still reported (bot.events 'api:error') and rethrown to
    // whoever awaits, but a handler that fires and forgets cannot crash the process with it.
    promise.catch(() => undefined);
    this.#pending.push(promise);
    return promise;
  }

  /**
   * Replies with text. Text longer than the channel allows (WhatsApp 4096 characters, Instagram
   * 1000 bytes, …) is split at paragraph, line or word boundaries and the parts sent in order.
   */
  reply(text: string, options: ReplyOptions = {}): Promise<Sent> {
    // Not async: every reply would pay for a second promise adopting the send's.
    try {
      const conversationId = this.#conversation('reply');
      if (typeof text !== 'string' || text.trim() === '') {
        throw new PactArgumentError(`ctx.reply() needs non-empty text, got ${show(text)}`);
      }
      const unsure = this.#checkWindow(conversationId, 'reply');
      const channel = this.channel;
      const limit = textLimitOf(channel?.type, this.#services.textLimits);
      const messages = splitText(text, limit).map((part): SendMessageParams => ({
        message: part,
        send_to_crm: options.send_to_crm,
      }));
      const outbound = this.#services.outbound;
      if (unsure) {
        const checked = outbound.inLine(
          conversationId,
          async () => {
            await unsure();
            return outbound.sendNow(conversationId, messages, this.#guard, channel);
          },
          this.#guard,
        );
        return this.#track(checked);
      }
      return this.#track(outbound.send(conversationId, messages, this.#guard, channel));
    } catch (error) {
      return this.#refuse(error);
    }
  }

  /**
   * Uploads a file and sends it, with an optional caption (on API v2, the message's text: v2
   * uploads the file first, then sends one message holding it).
   */
  attach(file: AttachFile, options: AttachOptions = {}): Promise<Sent> {
    try {
      return this.#attach(file, options);
    } catch (error) {
      return this.#refuse(error);
    }
  }

  #attach(file: AttachFile, options: AttachOptions): Promise<Sent> {
    const conversationId = this.#conversation('attach');
    const { caption, filename, contentType, push_to_talk, metadata, send_to_crm } = options;
    let upload: UploadParams;
    if (typeof file === 'string') {
      if (!/^https?:\/\//i.test(file)) {
        throw new PactArgumentError(
          `ctx.attach() takes an http(s) URL, bytes, a Blob, a stream or { path }, got ${show(file)}`,
        );
      }
      upload = { file_url: file, push_to_talk, metadata };
    } else if (
      file !== null &&
      typeof file === 'object' &&
      'path' in file &&
      typeof file.path === 'string'
    ) {
      upload = { path: file.path, filename, contentType, push_to_talk, metadata };
    } else {
      upload = {
        data: file as Exclude<AttachFile, string | { path: string }>,
        filename,
        contentType,
        push_to_talk,
        metadata,
      };
    }
    const unsure = this.#checkWindow(conversationId, 'attach');
    const outbound = this.#services.outbound;
    const channel = this.channel;
    // Upload and send share one turn in the line, so a reply queued after this one stays after it.
    const sent = outbound.inLine(
      conversationId,
      async () => {
        if (unsure) await unsure();
        const attachmentId = await outbound.upload(conversationId, upload);
        return outbound.sendNow(
          conversationId,
          [{ message: caption, attachments_ids: [attachmentId], send_to_crm }],
          this.#guard,
          channel,
        );
      },
      this.#guard,
    );
    return this.#track(sent);
  }

  /**
   * Sends text with up to three buttons. On WhatsApp Business through API v1 they are Pact's
   * interactive reply buttons; elsewhere — every channel on API v2, which has no interactive
   * messages — a numbered list, where typing the number or the title presses. A press reaches
   * `bot.action(id)` (the id defaults to the title). Checks 1–3 unique titles of 1–20 characters
   * and text of at most 1024 characters, before sending anything.
   */
  buttons(text: string, buttons: readonly ButtonSpec[], options: ReplyOptions = {}): Promise<Sent> {
    try {
      return this.#buttons(text, buttons, options);
    } catch (error) {
      return this.#refuse(error);
    }
  }

  #buttons(text: string, buttons: readonly ButtonSpec[], options: ReplyOptions): Promise<Sent> {
    const conversationId = this.#conversation('buttons');
    const normalized = normalizeButtons(text, buttons);
    const unsure = this.#checkWindow(conversationId, 'buttons');
    const outbound = this.#services.outbound;
    const channel = this.channel;
    const interactive = outbound.apiVersion === 1 && channel?.type === 'whatsapp_business';
    const message: SendMessageParams = interactive
      ? {
          message: text,
          interactive: { type: 'button', buttons: normalized.map((b) => b.title) },
          send_to_crm: options.send_to_crm,
        }
      : { message: numberedMenu(text, normalized), send_to_crm: options.send_to_crm };
    const menus = this.#services.menus;
    const sent = outbound.inLine(
      conversationId,
      async () => {
        if (unsure) await unsure();
        // Remembered before sending, so a quick press cannot overtake the menu.
        await menus.remember(conversationId, normalized, !interactive);
        return outbound.sendNow(conversationId, [message], this.#guard, channel);
      },
      this.#guard,
    );
    return this.#track(sent);
  }

  /**
   * Sends an approved WhatsApp Business template into this conversation — the one message
   * WhatsApp delivers outside the 24-hour window: `ctx.template('order_update', { language: 'en',
   * parameters: ['#123'] })`. The template is found by its name (or `waba_id`, or Pact's id) in
   * the company's list (kept for a while), and the parameters are checked against its
   * placeholders before anything is sent. Goes in the conversation's line, in order with
   * replies. A template opens no window; the customer's answer does.
   */
  template(nameOrId: string, options: TemplateOptions = {}): Promise<Sent> {
    try {
      const conversationId = this.#conversation('template');
      const request = checkTemplateRequest('ctx.template()', nameOrId, options);
      const waba = this.#services.waba;
      if (!waba) {
        throw new PactArgumentError(
          "ctx.template() needs a context made by a Bot, which knows the company's templates",
        );
      }
      const provider = this.#provider();
      if (provider !== undefined && provider !== WABA) {
        throw new PactArgumentError(
          `ctx.template() sends WhatsApp Business templates, but conversation ${conversationId} is on ${provider}; send it a message with ctx.reply()`,
          { code: 'PACTBOT_NOT_WABA' },
        );
      }
      return this.#track(
        waba.templates.toConversation('ctx.template()', conversationId, request, this.#guard),
      );
    } catch (error) {
      return this.#refuse(error);
    }
  }
}
