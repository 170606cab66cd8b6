/**
 * @pactbot/core: the Pact API client and the bot runtime.
 * @packageDocumentation
 */
export * from './api/index.js';
