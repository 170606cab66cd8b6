import type { V2Context } from './context.js';
import { V2AttachmentsApi } from './resources/attachments.js';
import { V2AuthsApi } from './resources/auths.js';
import { V2ConversationsApi } from './resources/conversations.js';
import { V2MessagesApi } from './resources/messages.js';
import { V2WabaTemplatesApi } from './resources/waba-templates.js';
import { V2WebhooksApi } from './resources/webhooks.js';

/**
 * Pact's API v2 (`/api/p2`), grouped by resource: `client.v2.messages.send(id, { text: 'hi' })`.
 * Every `PactClient` has one, whatever its `apiVersion`; calls share the client's connections,
 * retries, timeouts and rate budgets. Conversations, messages and attachments take the company as
 * `company_id`, auths and webhooks in the path: the call's `companyId` option, else the client's.
 */
export class V2Api {
  /** The company's conversations: list, get, update. */
  readonly conversations: V2ConversationsApi;
  /** Messages: list, get, send, write first, delete. */
  readonly messages: V2MessagesApi;
  /** Files to send: upload a file or a URL. */
  readonly attachments: V2AttachmentsApi;
  /** WhatsApp Business templates. */
  readonly wabaTemplates: V2WabaTemplatesApi;
  /** Connected messenger accounts (v1's channels). */
  readonly auths: V2AuthsApi;
  /** Where Pact posts the company's v2 events. */
  readonly webhooks: V2WebhooksApi;

  constructor(api: V2Context) {
    this.conversations = new V2ConversationsApi(api);
    this.messages = new V2MessagesApi(api);
    this.attachments = new V2AttachmentsApi(api);
    this.wabaTemplates = new V2WabaTemplatesApi(api);
    this.auths = new V2AuthsApi(api);
    this.webhooks = new V2WebhooksApi(api);
  }
}
