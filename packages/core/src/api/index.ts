export { PactClient, PACT_API_URL, type PactClientOptions, type PactApiVersion } from './client.js';
export {
  PactError,
  PactApiError,
  PactNetworkError,
  PactTimeoutError,
  PactArgumentError,
  type PactArgumentErrorOptions,
  type PactUsageCode,
  type HttpMethod,
  type PactApiErrorInit,
  type PactCallInfo,
  type PactNetworkErrorInit,
  type PactTimeoutErrorInit,
  type PactErrorEntry,
} from './errors.js';
export type { RequestOptions, RetryEvent, PactClientEvents } from './request.js';
export {
  LocalRateLimiter,
  DEFAULT_RATE_LIMIT,
  type RateLimiter,
  type RateLimitOptions,
} from './rate-limit.js';
export {
  DEFAULT_RATE_BUDGETS,
  budgetKey,
  type BudgetClass,
  type RateBudgets,
  type RateBudgetOptions,
  type RateWindow,
} from './rate-budgets.js';
export type { RetryOptions, RequestEffect } from './retry.js';
export type { FileInput, FileData } from './multipart.js';
export { checkButtons, MAX_BUTTONS, MAX_BUTTON_TITLE, MAX_INTERACTIVE_BODY } from './validate.js';
export type * from './types.js';
export type {
  CreateCompanyParams,
  UpdateCompanyParams,
  CompaniesApi,
} from './resources/companies.js';
export type * from './resources/channels.js';
export type { CreateConversationParams, ConversationsApi } from './resources/conversations.js';
export type { SendMessageParams, InteractiveButtons, MessagesApi } from './resources/messages.js';
export type {
  UploadParams,
  UploadOptions,
  AttachmentMetadata,
  AttachmentsApi,
} from './resources/attachments.js';
export type { WabaTemplatesApi } from './resources/waba-templates.js';
export type { JobsApi } from './resources/jobs.js';
export { parsePactDate } from './dates.js';
export { V2Api } from './v2/client.js';
export type * from './v2/types.js';
export type { V2UploadParams } from './v2/resources/attachments.js';
export type { V2ConversationsApi } from './v2/resources/conversations.js';
export type { V2MessagesApi } from './v2/resources/messages.js';
export type { V2AttachmentsApi } from './v2/resources/attachments.js';
export type { V2WabaTemplatesApi } from './v2/resources/waba-templates.js';
export type { V2AuthsApi } from './v2/resources/auths.js';
export { MAX_COMPANY_WEBHOOKS, type V2WebhooksApi } from './v2/resources/webhooks.js';
