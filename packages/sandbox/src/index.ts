/**
 * @pactbot/sandbox: a local Pact — its API, its webhooks, a chat page to talk to your bot — and a
 * test harness for bots.
 * @packageDocumentation
 */
export {
  Sandbox,
  type NewCustomerOptions,
  type ConnectOptions,
  type SandboxBotOptions,
} from './sandbox.js';
export type { SandboxOptions } from './options.js';
export { Customer, type CustomerFile, type WriteOutcome } from './customer.js';
export type {
  ChatMessage,
  ChatAttachment,
  ChatTemplate,
  ConversationView,
  DeliveryStatus,
} from './chat-view.js';
export type { Duration } from './util/duration.js';
export type { ConversationWindow } from './waba/window.js';
export { CHANNEL_TYPES, CHANNEL_LABELS, PROVIDERS, type ChannelType } from './channels.js';
export { NO_FAULTS, type Faults } from './faults.js';
export type { DeliveryTiming } from './emulator.js';
export type {
  SandboxEvents,
  ApiCallEvent,
  WebhookEvent,
  WebhookAttemptOutcome,
  MessageEvent,
  ConversationEvent,
  TargetEvent,
} from './events.js';
export type { WebhookOutcome } from './webhooks/outbox.js';
export type { WebhookReceiver } from './webhooks/bot-target.js';
export type { WebhookBody } from './webhooks/payloads.js';
export type { LocationRecord as Location } from './store/records.js';
export {
  startTestBot,
  TestBot,
  type TestBotOptions,
  type TestChatOptions,
} from './harness/test-bot.js';
export { TestChat, type ObservedBot } from './harness/test-chat.js';
export { TestFlow } from './harness/test-flow.js';
export type {
  ReplyExpectation,
  ReplyShape,
  AttachmentExpectation,
} from './harness/expectations.js';
export {
  BotFailedError,
  WebhookNotTakenError,
  StepNotAwaitedError,
  LateSendError,
} from './harness/bot-failure.js';
