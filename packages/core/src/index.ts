/**
 * @pactbot/core: the Pact API client and the bot runtime.
 * @packageDocumentation
 */
export * from './api/index.js';
export { mimeTypeOf } from './util/mime.js';
export {
  Bot,
  type BotOptions,
  type StopReport,
  type ErrorHandler,
  type ContextConstructor,
  type SendOptions,
  type TemplateRecipient,
} from './bot.js';
export {
  Composer,
  type Predicate,
  type HearsTrigger,
  type ActionTrigger,
  type HearsContext,
  type ActionContext,
} from './composer/composer.js';
export {
  compose,
  flatten,
  NextCalledTwiceError,
  ChainUnfinishedError,
  type Middleware,
  type MiddlewareFn,
  type MiddlewareObj,
  type NextFunction,
} from './composer/middleware.js';
export {
  FILTER_QUERIES,
  matchFilter,
  type FilterQuery,
  type Filtered,
  type FilterShapes,
  type CheckedFilter,
} from './composer/filters.js';
export {
  Context,
  type ReplyOptions,
  type AttachOptions,
  type AttachFile,
  type ContextServices,
  type WabaServices,
} from './context/context.js';
export { WindowClosedError } from './waba/errors.js';
export type { WabaWindow } from './waba/window.js';
export type { WabaOptions } from './waba/options.js';
export type { TemplateOptions } from './waba/templates.js';
export type { ButtonSpec, ButtonPress } from './context/button-menus.js';
export { splitText, textLimitOf, TEXT_LIMITS, type TextLimit } from './context/split-text.js';
export type { Sent } from './outbound/sent.js';
export {
  DeliveryError,
  DeliveryTimeoutError,
  SendCancelledError,
  type DeliveryFailureInfo,
} from './outbound/errors.js';
export type {
  DeliveryReport,
  DeliveryEvent,
  DeliveredOptions,
  DeliveryOptions,
  DeliverySource,
} from './outbound/delivery-tracker.js';
export { session, conversationSessionKey, type SessionOptions } from './session/session.js';
export { conversations } from './conversation/conversations.js';
export { createConversation } from './conversation/create-conversation.js';
export type {
  Conversation,
  ConversationControls,
  ConversationFlavor,
  ConversationsOptions,
  CreateConversationOptions,
  DialogFunction,
  DialogEnd,
  DialogEndReason,
  WaitOptions,
  AskOptions,
} from './conversation/types.js';
export type {
  DialogState,
  DialogEntry,
  RecordedUpdate,
  RecordedSend,
} from './conversation/dialog-state.js';
export { MemorySessionStore, type MemorySessionStoreOptions } from './session/memory-store.js';
export type {
  SessionStore,
  SessionFlavor,
  SessionReadOptions,
  SessionWriteOptions,
} from './session/types.js';
export { MemoryState, memoryState, type MemoryStateOptions } from './state/memory-state.js';
export { StateUnavailableError, isStateFailure } from './state/errors.js';
export type {
  BotState,
  UpdateClaim,
  ConversationLock,
  Fence,
  ClaimOptions,
  ClaimResult,
  LockOptions,
  DurableInbox,
  InboxAdmission,
  InboxEntry,
  InboxOptions,
  InboxTurn,
  StagedWrite,
  TurnValues,
  ValueOptions,
} from './state/types.js';
export type {
  BotEvents,
  UpdateInfo,
  ErrorInfo,
  DroppedInfo,
  RejectedInfo,
  UnknownInfo,
  LateSendInfo,
} from './runtime/events.js';
export type { Logger } from './log/logger.js';
export type { RunOutcome } from './runtime/update-runner.js';
export type { WebhookRequest, WebhookResult, WebhookResponseBody } from './http/handle-webhook.js';
export type { ListenOptions } from './http/listener.js';
export { readBody, checkContentType, DEFAULT_BODY_LIMIT } from './http/body.js';
export type { QueryInput } from './http/secret.js';
export {
  parseWebhook,
  parseWebhookBody,
  WebhookError,
  type ParsedWebhook,
} from './webhook/parse.js';
export {
  conversationKey,
  updateKind,
  UPDATE_KIND_NAMES,
  type UpdateKind,
  type UpdatesOfKind,
  updateIdentity,
  orderingKey,
} from './webhook/update-kinds.js';
export { unknownField } from './webhook/unknown-field.js';
export type * from './webhook/types.js';
export type * from './webhook/v2-types.js';
export {
  createNodeHandler,
  type NodeHandlerOptions,
  type NodeWebhookHandler,
  type NodeNext,
} from './http/node-handler.js';
export {
  createFetchHandler,
  type FetchHandlerOptions,
  type FetchWebhookHandler,
} from './http/fetch-handler.js';
export type { WebhookBot, WebhookHandlerOptions } from './http/handler-options.js';
export { LISTEN_DEFAULTS } from './http/listener.js';
