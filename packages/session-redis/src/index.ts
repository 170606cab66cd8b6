/**
 * @pactbot/session-redis: sessions and shared bot state in Redis, so several bot processes act as one.
 * @packageDocumentation
 */
export { RedisSessionStore, type RedisSessionStoreOptions } from './session-store.js';
export { redisState, RedisState, type RedisStateOptions } from './state.js';
export { RedisRateLimiter } from './rate-limiter.js';
export { RedisInbox } from './inbox.js';
export { SessionConflictError } from './errors.js';
export { URL_CLIENT_OPTIONS, type RedisClient, type RedisInput } from './connection.js';
