import type { PactClient } from '../api/client.js';
import { PactArgumentError, PactError } from '../api/errors.js';
import type { Outbound, SendGuard } from '../outbound/outbound.js';
import { jobOfV2Message, SentMessage, type Sent } from '../outbound/sent.js';
import type { ConversationDirectory } from './directory.js';
import type { ChosenTemplate, TemplateBook, TemplateRequest } from './templates.js';
import { WABA } from './window.js';

/** Who a template goes to: the customer's phone and, on v1, the WhatsApp Business channel. */
interface Recipient {
  phone: string;
  channelId: number | undefined;
}

/** How long the company's WhatsApp Business channels are kept, for templates sent to a phone (v1). */
const CHANNELS_TTL_MS = 10 * 60 * 1000;

/**
 * Sends WhatsApp Business templates, the only messages WhatsApp delivers outside a
 * conversation's 24-hour window. Pact takes them only on its first-message endpoints: v1 `POST
 * …/channels/:id/conversations` with `phone` and `template` (`id` — the template's `waba_id` —,
 * `language_code`, `parameters`), v2 `POST /api/p2/messages` with `provider`, `phone`, `waba_id`
 * and `substitutions`; a customer who has a conversation already is found by the phone. A
 * template opens no window: the customer's answer does.
 */
export class TemplateSender {
  readonly #api: PactClient;
  readonly #outbound: Outbound;
  readonly #templates: TemplateBook;
  readonly #directory: ConversationDirectory;
  #channels: { ids: number[]; at: number } | undefined;

  constructor(
    api: PactClient,
    outbound: Outbound,
    templates: TemplateBook,
    directory: ConversationDirectory,
  ) {
    this.#api = api;
    this.#outbound = outbound;
    this.#templates = templates;
    this.#directory = directory;
  }

  /**
   * Sends a template into a conversation, in the conversation's line (after what was queued for it
   * before, before what is queued after).
   */
  toConversation(
    method: string,
    conversationId: number,
    request: TemplateRequest,
    guard?: SendGuard,
  ): Promise<Sent> {
    return this.#outbound.inLine(
      conversationId,
      async () => {
        const recipient = await this.#recipientOf(method, conversationId);
        const chosen = await this.#templates.choose(method, request);
        return this.#send(chosen, recipient, conversationId, guard);
      },
      guard,
    );
  }

  /** Sends a template to a phone number, writing first or into the conversation the phone has. */
  toPhone(
    method: string,
    phone: string,
    request: TemplateRequest,
    channelId: number | undefined,
  ): Promise<Sent> {
    return this.#outbound.unlined(async () => {
      const chosen = await this.#templates.choose(method, request);
      const channel =
        this.#api.apiVersion === 2 ? undefined : (channelId ?? (await this.#channelOf(method)));
      return this.#send(chosen, { phone, channelId: channel }, undefined, undefined);
    });
  }

  async #send(
    chosen: ChosenTemplate,
    recipient: Recipient,
    conversationId: number | undefined,
    guard: SendGuard | undefined,
  ): Promise<Sent> {
    const { template, language, parameters } = chosen;
    const tracker = this.#outbound.tracker;
    if (this.#api.apiVersion === 2) {
      const message = await this.#outbound.call(
        conversationId,
        () =>
          this.#api.v2.messages.writeFirst({
            provider: WABA,
            phone: recipient.phone,
            waba_id: template.waba_id,
            substitutions: parameters.length > 0 ? parameters : undefined,
            language,
          }),
        guard,
      );
      const job = jobOfV2Message(message, { id: 0, type: WABA });
      return new SentMessage(job, message.conversation_id, tracker, [], message);
    }
    const job = await this.#outbound.call(
      conversationId,
      () =>
        this.#api.channels.sendFirstMessage(recipient.channelId!, {
          phone: recipient.phone,
          template: { id: template.waba_id, language_code: language!, parameters },
        }),
      guard,
    );
    return new SentMessage(job, job.conversation_id ?? conversationId ?? 0, tracker);
  }

  /** The phone (and v1 channel) of a conversation: from its updates, else from Pact. */
  async #recipientOf(method: string, conversationId: number): Promise<Recipient> {
    let known = this.#directory.known(conversationId);
    const v1 = this.#api.apiVersion === 1;
    if (
      known?.provider === undefined ||
      (known.provider === WABA &&
        (known.phone === undefined || (v1 && known.channelId === undefined)))
    ) {
      known = await this.#directory.read(conversationId, { window: false });
    }
    if (known.provider !== WABA) {
      throw new PactArgumentError(
        `${method}: conversation ${conversationId} is on ${String(known.provider)}, not WhatsApp Business; templates are for WhatsApp Business conversations — send a message instead (ctx.reply, bot.send)`,
        { code: 'PACTBOT_NOT_WABA' },
      );
    }
    if (known.phone === undefined) {
      throw new PactError(
        `${method}: Pact names no phone number for conversation ${conversationId}, and a template is sent to the customer's phone`,
      );
    }
    if (v1 && known.channelId === undefined) {
      throw new PactError(
        `${method}: Pact names no channel for conversation ${conversationId}, and v1 sends a template through its WhatsApp Business channel`,
      );
    }
    return { phone: known.phone, channelId: known.channelId };
  }

  /** The company's WhatsApp Business channel (v1), for a template to a phone number. */
  async #channelOf(method: string): Promise<number> {
    let ids =
      this.#channels && Date.now() - this.#channels.at < CHANNELS_TTL_MS
        ? this.#channels.ids
        : undefined;
    if (ids === undefined) {
      ids = [];
      for await (const channel of this.#api.channels.iterate()) {
        if (channel.provider === WABA) ids.push(channel.external_id);
      }
      this.#channels = { ids, at: Date.now() };
    }
    if (ids.length === 1) return ids[0]!;
    throw new PactArgumentError(
      ids.length === 0
        ? `${method}: the company has no WhatsApp Business channel in Pact to send the template through`
        : `${method}: the company has ${ids.length} WhatsApp Business channels (${ids.join(', ')}); say which to send through with { channelId }`,
      { code: 'PACTBOT_NOT_WABA' },
    );
  }
}
