/**
 * @pactbot/adapter-koa: Koa middleware that puts a pactbot bot on a route of an existing Koa app.
 * @packageDocumentation
 */
export { pactWebhook, type PactWebhookOptions, type WebhookBot } from './pact-webhook.js';
