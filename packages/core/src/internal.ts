/**
 * @pactbot/core/internal: helpers the sibling packages (adapters, the Redis state, the sandbox)
 * share with the core. Not covered by semver: these may change in any release. Applications
 * should use the names of `@pactbot/core` itself.
 * @packageDocumentation
 */
export { readBody, checkContentType, DEFAULT_BODY_LIMIT } from './http/body.js';
export {
  checkButtons,
  MAX_BUTTONS,
  MAX_BUTTON_TITLE,
  MAX_INTERACTIVE_BODY,
} from './api/validate.js';
export { textLimitOf } from './context/split-text.js';
export { mimeTypeOf } from './util/mime.js';
export { flatten } from './composer/middleware.js';
export { isStateFailure } from './state/errors.js';
export type { ContextServices } from './context/context.js';
export {
  kindOf,
  conversationIdOf,
  channelOf,
  messageOf,
  lineOf,
  updateIdentity,
  orderingKey,
  UPDATE_KINDS,
} from './webhook/update-kinds.js';
export { sanitizeBody, MAX_WEBHOOK_DEPTH } from './webhook/json.js';
export { RateBudgetTable } from './api/rate-budgets.js';
export { lineValueKey } from './state/line-value-key.js';
export { PEEK_VALUE, NOT_KNOWN, type PeekableState } from './state/peek-value.js';
