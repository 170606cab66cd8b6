import { ApiError } from '../api-error.js';
import type { ApiDialect } from '../dialect.js';
import { errorsBody } from './errors.js';
import { attachmentRoutes } from './routes/attachments.js';
import { authRoutes } from './routes/auths.js';
import { conversationRoutes } from './routes/conversations.js';
import { messageRoutes } from './routes/messages.js';
import { templateRoutes } from './routes/templates.js';
import { webhookRoutes } from './routes/webhooks.js';
import { writeFirstRoutes } from './routes/write-first.js';

/**
 * Pact's API v2, under `/api/p2`: `{"errors":[…]}` errors, the token also in the body, per-endpoint
 * rate limits. Like the reference, no `Retry-After` header: the wait is in `detail`.
 */
export const V2_DIALECT: ApiDialect = {
  name: "Pact's API v2",
  routes: [
    ...conversationRoutes,
    ...messageRoutes,
    ...writeFirstRoutes,
    ...attachmentRoutes,
    ...templateRoutes,
    ...authRoutes,
    ...webhookRoutes,
  ],
  tokenInBody: true,
  tokenError: (problem) =>
    new ApiError(
      401,
      problem === 'missing'
        ? 'No token provided'
        : 'Invalid token: use the token the sandbox was started with',
    ),
  errorBody: errorsBody,
  faultError(fault) {
    if (fault.kind === 'rate-limited') {
      return new ApiError(429, `Please wait for ${fault.retryAfterSeconds} seconds`);
    }
    const reason =
      fault.status === 500
        ? "Internal Server Error (the sandbox's serverErrors fault)"
        : "We're temporarily offline for maintenance. Please try again later (the sandbox's serverErrors fault)";
    return new ApiError(fault.status, reason);
  },
};
