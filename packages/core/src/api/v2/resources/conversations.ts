import { PactArgumentError } from '../../errors.js';
import type { RequestOptions } from '../../request.js';
import { requireId, requireOneOf, show } from '../../validate.js';
import { V2_BASE, type V2Context } from '../context.js';
import { checkPageParams, iterateNumbered, pageAnswer } from '../pages.js';
import { railsQuery } from '../query.js';
import { singleAnswer } from '../read.js';
import type {
  V2Conversation,
  V2ListConversationsParams,
  V2Page,
  V2UpdateConversationParams,
} from '../types.js';

/**
 * `client.v2.conversations`: the company's conversations. Reads spend the company's
 * `v2-conversation-read` budget (Pact allows 10 a minute); a conversation is started by
 * `v2.messages.writeFirst`.
 */
export class V2ConversationsApi {
  readonly #api: V2Context;

  constructor(api: V2Context) {
    this.#api = api;
  }

  /** One page of the company's conversations, latest activity first; `search_string` filters them. */
  async list(
    params?: V2ListConversationsParams,
    options?: RequestOptions,
  ): Promise<V2Page<V2Conversation>> {
    checkPageParams(params);
    const search = params?.search_string;
    if (search !== undefined && typeof search !== 'string') {
      throw new PactArgumentError(`search_string must be a string, got ${show(search)}`);
    }
    const query = railsQuery({
      company_id: this.#api.companyId(options),
      search_string: search,
      page: params?.page,
      per_page: params?.per_page,
    });
    return this.#api.call({
      method: 'GET',
      path: `${V2_BASE}/conversations${query}`,
      effect: 'read',
      budgetKey: this.#api.budgetKey(options, 'v2-conversation-read'),
      options,
      read: pageAnswer<V2Conversation>(
        'conversation',
        'conversations',
        'v2.conversations.list',
        params,
      ),
    });
  }

  /** Every conversation of the company (matching `search_string`), page after page. */
  iterate(
    params?: V2ListConversationsParams,
    options?: RequestOptions,
  ): AsyncGenerator<V2Conversation, void, undefined> {
    return iterateNumbered((p) => this.list({ ...params, ...p }, options), params);
  }

  /** One conversation. */
  async get(conversationId: number, options?: RequestOptions): Promise<V2Conversation> {
    const id = requireId('conversationId', conversationId);
    return this.#api.call({
      method: 'GET',
      path: `${V2_BASE}/conversations/${id}${railsQuery({ company_id: this.#api.companyId(options) })}`,
      effect: 'read',
      budgetKey: this.#api.budgetKey(options, 'v2-conversation-read'),
      options,
      read: singleAnswer<V2Conversation>('conversation', 'v2.conversations.get'),
    });
  }

  /**
   * Archives or reopens a conversation, marks it answered or not, or sets its responsible user
   * (`assignee_id: null` removes them). Resolves with the conversation after the change.
   */
  async update(
    conversationId: number,
    params: V2UpdateConversationParams,
    options?: RequestOptions,
  ): Promise<V2Conversation> {
    const id = requireId('conversationId', conversationId);
    if (params === null || typeof params !== 'object') {
      throw new PactArgumentError(
        `conversation update needs an object like { operational_state: "archived" }, got ${show(params)}`,
      );
    }
    const { operational_state, replied_state, assignee_id } = params;
    if (
      operational_state === undefined &&
      replied_state === undefined &&
      assignee_id === undefined
    ) {
      throw new PactArgumentError(
        'conversation update needs operational_state, replied_state or assignee_id; got none of them',
      );
    }
    if (operational_state !== undefined)
      requireOneOf('operational_state', operational_state, ['open', 'archived'] as const);
    if (replied_state !== undefined)
      requireOneOf('replied_state', replied_state, ['replied', 'unreplied'] as const);
    const assignee =
      assignee_id === undefined || assignee_id === null
        ? assignee_id
        : requireId('assignee_id', assignee_id);
    return this.#api.call({
      method: 'PUT',
      path: `${V2_BASE}/conversations/${id}`,
      json: {
        company_id: this.#api.companyId(options),
        operational_state,
        replied_state,
        // null goes as JSON null: it clears the assignee.
        assignee_id: assignee,
      },
      effect: 'update',
      options,
      read: singleAnswer<V2Conversation>('conversation', 'v2.conversations.update'),
    });
  }
}
