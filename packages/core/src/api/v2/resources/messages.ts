import { noAnswer } from '../../answers.js';
import { PactArgumentError } from '../../errors.js';
import type { RequestOptions } from '../../request.js';
import { requireId, show } from '../../validate.js';
import { V2_BASE, type V2Context } from '../context.js';
import { checkPageParams, iterateNumbered, pageAnswer } from '../pages.js';
import { railsQuery } from '../query.js';
import { singleAnswer } from '../read.js';
import type {
  V2ListParams,
  V2Message,
  V2Page,
  V2SendMessageParams,
  V2WriteFirstParams,
} from '../types.js';
import { sendBody, writeFirstBody } from './message-params.js';

/** Most messages one `v2.messages.delete` call takes. */
const MAX_DELETE = 100;

/**
 * `client.v2.messages`: the messages of a conversation, sending, and writing first. Reads spend
 * the company's `v2-message-read` budget (20 a minute), sends and first messages its `v2-send`
 * budget (5 a second and 30 a minute); a send is never repeated once Pact may have accepted it.
 */
export class V2MessagesApi {
  readonly #api: V2Context;

  constructor(api: V2Context) {
    this.#api = api;
  }

  #path(conversationId: unknown, tail = ''): string {
    return `${V2_BASE}/conversations/${requireId('conversationId', conversationId)}/messages${tail}`;
  }

  /** One page of a conversation's messages, ordered by the provider's time. */
  async list(
    conversationId: number,
    params?: V2ListParams,
    options?: RequestOptions,
  ): Promise<V2Page<V2Message>> {
    const path = this.#path(conversationId);
    checkPageParams(params);
    const query = railsQuery({
      company_id: this.#api.companyId(options),
      page: params?.page,
      per_page: params?.per_page,
    });
    return this.#api.call({
      method: 'GET',
      path: path + query,
      effect: 'read',
      budgetKey: this.#api.budgetKey(options, 'v2-message-read'),
      options,
      read: pageAnswer<V2Message>('message', 'messages', 'v2.messages.list', params),
    });
  }

  /** Every message of a conversation, page after page. */
  iterate(
    conversationId: number,
    params?: V2ListParams,
    options?: RequestOptions,
  ): AsyncGenerator<V2Message, void, undefined> {
    return iterateNumbered((p) => this.list(conversationId, p, options), params);
  }

  /** One message, by Pact's id (not the provider's `external_id`). */
  async get(
    conversationId: number,
    messageId: number,
    options?: RequestOptions,
  ): Promise<V2Message> {
    const path = this.#path(conversationId, `/${requireId('messageId', messageId)}`);
    return this.#api.call({
      method: 'GET',
      path: path + railsQuery({ company_id: this.#api.companyId(options) }),
      effect: 'read',
      budgetKey: this.#api.budgetKey(options, 'v2-message-read'),
      options,
      read: singleAnswer<V2Message>('message', 'v2.messages.get'),
    });
  }

  /**
   * Sends a message into a conversation. Resolves with the message as Pact stored it (`status:
   * "sent"`, `external_id: null`); `message`/`update` webhooks report delivery or an error.
   */
  async send(
    conversationId: number,
    params: V2SendMessageParams,
    options?: RequestOptions,
  ): Promise<V2Message> {
    const path = this.#path(conversationId);
    const body = sendBody(params);
    return this.#api.call({
      method: 'POST',
      path,
      json: { company_id: this.#api.companyId(options), ...body },
      effect: 'create',
      budgetKey: this.#api.budgetKey(options, 'v2-send'),
      options,
      read: singleAnswer<V2Message>('message', 'v2.messages.send'),
    });
  }

  /**
   * Writes first to someone without a conversation yet; the conversation is created on the way
   * (the answer's `conversation_id`). On WhatsApp Business this takes a template: `waba_id` and
   * its `substitutions`.
   */
  async writeFirst(params: V2WriteFirstParams, options?: RequestOptions): Promise<V2Message> {
    const body = writeFirstBody(params);
    return this.#api.call({
      method: 'POST',
      path: `${V2_BASE}/messages`,
      json: { company_id: this.#api.companyId(options), ...body },
      effect: 'create',
      budgetKey: this.#api.budgetKey(options, 'v2-send'),
      options,
      read: singleAnswer<V2Message>('message', 'v2.messages.writeFirst'),
    });
  }

  /**
   * Deletes messages by Pact's ids, at most 100 at once (WhatsApp, Telegram Personal and MAX
   * only). Pact's answer is not documented; any JSON object or an empty body is success.
   */
  async delete(
    conversationId: number,
    messageIds: readonly number[],
    options?: RequestOptions,
  ): Promise<void> {
    const path = this.#path(conversationId);
    if (!Array.isArray(messageIds) || messageIds.length === 0 || messageIds.length > MAX_DELETE) {
      throw new PactArgumentError(
        `messageIds must be an array of 1 to ${MAX_DELETE} message ids, got ${
          Array.isArray(messageIds) ? `${messageIds.length} ids` : show(messageIds)
        }`,
      );
    }
    const ids = messageIds.map((id, i) => requireId(`messageIds[${i}]`, id));
    await this.#api.call({
      method: 'DELETE',
      path,
      json: { company_id: this.#api.companyId(options), message_ids: ids },
      effect: 'update',
      options,
      read: noAnswer('v2.messages.delete'),
    });
  }
}
