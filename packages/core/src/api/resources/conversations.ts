import { PactArgumentError } from '../errors.js';
import { noAnswer } from '../answers.js';
import { fetchPage, iteratePages, type ApiContext } from '../pagination.js';
import type { RequestOptions } from '../request.js';
import type { Conversation, ListParams, Page } from '../types.js';
import { optionalBoolean, requireId, requireOneOf, requireString, show } from '../validate.js';
import { requirePhone } from './phone.js';
import { conversationAnswer } from './results.js';

/** Parameters of `conversations.create`: a WhatsApp number, or a Telegram Personal user and first text. */
export type CreateConversationParams =
  | { provider: 'whatsapp'; phone: string }
  | {
      provider: 'telegram_personal';
      username: string;
      text: string;
      phone?: string | undefined;
      /** Sync the first message to CRM integrations. Pact's default is true. */
      send_to_crm?: boolean | undefined;
    };

/** `client.conversations`: the company's 1:1 conversations. */
export class ConversationsApi {
  readonly #api: ApiContext;

  constructor(api: ApiContext) {
    this.#api = api;
  }

  #path(options: RequestOptions | undefined, conversationId?: unknown, tail = ''): string {
    const base = `${this.#api.companyPath(options)}/conversations`;
    return conversationId === undefined
      ? base
      : `${base}/${requireId('conversationId', conversationId)}${tail}`;
  }

  /** One page of the company's conversations. */
  async list(params?: ListParams, options?: RequestOptions): Promise<Page<Conversation>> {
    return fetchPage<Conversation>(
      this.#api,
      this.#path(options),
      'conversations',
      params,
      options,
    );
  }

  /** Every conversation of the company, page after page. */
  iterate(
    params?: ListParams,
    options?: RequestOptions,
  ): AsyncGenerator<Conversation, void, undefined> {
    return iteratePages((p) => this.list(p, options), params);
  }

  /** Creates a conversation: with a WhatsApp number, or with a Telegram Personal user by username and a first text. */
  async create(params: CreateConversationParams, options?: RequestOptions): Promise<Conversation> {
    const provider = requireOneOf('provider', params?.provider, [
      'whatsapp',
      'telegram_personal',
    ] as const);
    let json: Record<string, unknown>;
    if (provider === 'whatsapp') {
      json = { provider, phone: requirePhone('phone', params.phone) };
    } else {
      const p = params as Extract<CreateConversationParams, { provider: 'telegram_personal' }>;
      json = {
        ...p,
        username: requireString('username', p.username),
        text: requireString('text', p.text),
        phone: p.phone === undefined ? undefined : requirePhone('phone', p.phone),
        send_to_crm: optionalBoolean('send_to_crm', p.send_to_crm),
      };
    }
    return this.#api.call({
      method: 'POST',
      path: this.#path(options),
      json,
      effect: 'create',
      budgetKey: provider === 'telegram_personal' ? this.#api.budgetKey(options) : undefined,
      options,
      read: conversationAnswer('conversations.create'),
    });
  }

  /** One conversation's details. */
  async get(conversationId: number, options?: RequestOptions): Promise<Conversation> {
    return this.#api.call({
      method: 'GET',
      path: this.#path(options, conversationId),
      effect: 'read',
      options,
      read: conversationAnswer('conversations.get'),
    });
  }

  /** Assigns the conversation to a Pact user (or unassigns it with `null`). */
  async assign(
    conversationId: number,
    assigneeId: number | null,
    options?: RequestOptions,
  ): Promise<Partial<Conversation>> {
    const path = this.#path(options, conversationId, '/assign');
    if (assigneeId !== null) requireId('assigneeId', assigneeId);
    return this.#api.call({
      method: 'PUT',
      path,
      // The reference takes an integer or nothing: unassigning leaves the field out.
      json: assigneeId === null ? {} : { assignee_id: assigneeId },
      effect: 'update',
      options,
      read: conversationAnswer('conversations.assign'),
    });
  }

  /** Sets the conversation's note. */
  async note(conversationId: number, note: string, options?: RequestOptions): Promise<void> {
    const path = this.#path(options, conversationId, '/note');
    if (typeof note !== 'string')
      throw new PactArgumentError(`note must be a string, got ${show(note)}`);
    await this.#api.call({
      method: 'PUT',
      path,
      json: { note },
      effect: 'update',
      options,
      read: noAnswer('conversations.note'),
    });
  }

  /** Blocks or unblocks Bitrix open lines for the conversation. */
  async toggleBitrixBlockOpenlines(
    conversationId: number,
    enabled?: boolean,
    options?: RequestOptions,
  ): Promise<Conversation> {
    const path = this.#path(options, conversationId, '/toggle_bitrix_block_openlines');
    if (enabled !== undefined && typeof enabled !== 'boolean') {
      throw new PactArgumentError(`enabled must be true or false, got ${show(enabled)}`);
    }
    return this.#api.call({
      method: 'PUT',
      path,
      json: { enabled },
      effect: 'update',
      options,
      read: conversationAnswer('conversations.toggleBitrixBlockOpenlines'),
    });
  }
}
