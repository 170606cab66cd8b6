import { ApiError, erroredBody } from './api-error.js';
import type { ApiDialect } from './dialect.js';
import { attachmentRoutes } from './routes/attachments.js';
import { channelRoutes } from './routes/channels.js';
import { companyRoutes } from './routes/companies.js';
import { conversationRoutes } from './routes/conversations.js';
import { firstMessageRoutes } from './routes/first-message.js';
import { messageRoutes } from './routes/messages.js';
import { notEmulatedRoutes } from './routes/not-emulated.js';
import { templateRoutes } from './routes/templates.js';

/**
 * Pact's API v1, under `/p1`: `{"status":"errored","message":…}` errors, the token in the
 * `X-Private-Api-Token` header or the `private_api_token` query parameter.
 */
export const V1_DIALECT: ApiDialect = {
  name: "Pact's API v1",
  routes: [
    ...companyRoutes,
    ...channelRoutes,
    ...firstMessageRoutes,
    ...conversationRoutes,
    ...messageRoutes,
    ...attachmentRoutes,
    ...templateRoutes,
    ...notEmulatedRoutes,
  ],
  tokenInBody: false,
  tokenError: (problem) =>
    new ApiError(
      401,
      problem === 'missing'
        ? 'the API token is missing: send it in the X-Private-Api-Token header or the private_api_token query parameter'
        : 'the API token is wrong: use the token the sandbox was started with',
    ),
  errorBody: (error) => erroredBody(error.message),
  faultError(fault) {
    if (fault.kind === 'rate-limited') {
      return new ApiError(
        429,
        `Too many requests. Please wait for ${fault.retryAfterSeconds} seconds (the sandbox's rateLimited fault)`,
        { 'retry-after': String(fault.retryAfterSeconds) },
      );
    }
    const reason =
      fault.status === 500
        ? 'Internal Server Error'
        : "We're temporarily offline for maintenance. Please try again later";
    return new ApiError(fault.status, `${reason} (the sandbox's serverErrors fault)`);
  },
};
