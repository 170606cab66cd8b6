/**
 * @pactbot/adapter-express: Express middleware that puts a pactbot bot on a route of an existing
 * Express app.
 * @packageDocumentation
 */
export {
  pactWebhook,
  type PactWebhookOptions,
  type ExpressWebhookHandler,
  type WebhookBot,
} from './pact-webhook.js';
