import { PactArgumentError } from '../errors.js';
import { fetchPage, iteratePages, type ApiContext } from '../pagination.js';
import type { RequestOptions } from '../request.js';
import type { Job, ListParams, Message, Page } from '../types.js';
import { checkButtons, optionalBoolean, requireId, show } from '../validate.js';
import { jobAnswer } from './results.js';

/** An interactive WhatsApp Business message: up to three reply buttons, by title. */
export interface InteractiveButtons {
  type: 'button';
  /** 1–3 unique titles of 1–20 characters. A press arrives as a message whose text is the title. */
  buttons: string[];
}

/** What `messages.send` sends: text, attachments (uploaded first), or both; buttons on WhatsApp Business. */
export interface SendMessageParams {
  /** The text. Some messengers take a caption only with images; see Pact's reference. */
  message?: string | undefined;
  /** Ids from `attachments.upload`. Several at once only on VK. */
  attachments_ids?: Array<number | string> | undefined;
  /** Reply buttons (WhatsApp Business only); needs `message` as the text above them. */
  interactive?: InteractiveButtons | undefined;
  /** Sync the message to CRM integrations. Pact's default is true. */
  send_to_crm?: boolean | undefined;
}

/** Checks a message before sending: something to send, well-formed ids and buttons. */
function checkMessage(params: SendMessageParams): void {
  if (params === null || typeof params !== 'object') {
    throw new PactArgumentError(
      `message parameters must be an object like { message: "hi" }, got ${show(params)}`,
    );
  }
  const { message, attachments_ids: ids, interactive } = params;
  if (message !== undefined && typeof message !== 'string') {
    throw new PactArgumentError(`message must be a string, got ${show(message)}`);
  }
  if (ids !== undefined) {
    if (!Array.isArray(ids))
      throw new PactArgumentError(`attachments_ids must be an array of ids, got ${show(ids)}`);
    ids.forEach((id, i) => requireId(`attachments_ids[${i}]`, id));
  }
  optionalBoolean('send_to_crm', params.send_to_crm);
  if (!message && !ids?.length) {
    throw new PactArgumentError(
      'a message needs text (message) or attachments (attachments_ids); got neither',
    );
  }
  if (interactive !== undefined) {
    if (interactive?.type !== 'button') {
      throw new PactArgumentError(
        `interactive.type must be "button", got ${show(interactive?.type)}`,
      );
    }
    checkButtons(message ?? '', interactive.buttons);
  }
}

/** `client.messages`: the messages of a conversation. */
export class MessagesApi {
  readonly #api: ApiContext;

  constructor(api: ApiContext) {
    this.#api = api;
  }

  #path(options: RequestOptions | undefined, conversationId: unknown): string {
    return `${this.#api.companyPath(options)}/conversations/${requireId('conversationId', conversationId)}/messages`;
  }

  /** One page of a conversation's messages (sorted by creation time). */
  async list(
    conversationId: number,
    params?: ListParams,
    options?: RequestOptions,
  ): Promise<Page<Message>> {
    return fetchPage<Message>(
      this.#api,
      this.#path(options, conversationId),
      'messages',
      params,
      options,
    );
  }

  /** Every message of a conversation, page after page. */
  iterate(
    conversationId: number,
    params?: ListParams,
    options?: RequestOptions,
  ): AsyncGenerator<Message, void, undefined> {
    return iteratePages((p) => this.list(conversationId, p, options), params);
  }

  /**
   * Sends a message. Resolves with the delivery job: `message_id` is set when Pact delivered at
   * once; otherwise the `job`/`executed` webhook (or `jobs.get`) tells the outcome. Spends one unit
   * of the company's sending budget, and is repeated only where Pact cannot have accepted it.
   */
  async send(
    conversationId: number,
    params: SendMessageParams,
    options?: RequestOptions,
  ): Promise<Job> {
    const path = this.#path(options, conversationId);
    checkMessage(params);
    return this.#api.call({
      method: 'POST',
      path,
      json: params,
      effect: 'create',
      budgetKey: this.#api.budgetKey(options),
      options,
      read: jobAnswer('messages.send'),
    });
  }
}
