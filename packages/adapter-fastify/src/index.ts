/**
 * @pactbot/adapter-fastify: a Fastify plugin that puts a pactbot bot on a route of an existing
 * Fastify app.
 * @packageDocumentation
 */
export { pactWebhook, type PactWebhookOptions, type WebhookBot } from './pact-webhook.js';
