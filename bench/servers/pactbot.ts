/**
 * pactbot under test, on `bot.listen`. Modes:
 * - `intake`: a `message:text` handler that reads `ctx.text` and sends nothing;
 * - `echo`: the same handler replies (`ctx.reply`) to the Pact stand-in at `apiUrl`.
 * State `memory` (the default) or `redis` (shared dedup, locks, and unless `inbox: false` the
 * durable inbox; `redisState`), and optionally a session (memory or Redis) whose counter the
 * handler increments.
 */
import { Redis } from 'ioredis';
import {
  Bot,
  conversationKey,
  MemorySessionStore,
  memoryState,
  session,
  type BotState,
  type Context,
  type SessionFlavor,
  type SessionStore,
} from '@pactbot/core';
import { RedisSessionStore, redisState, URL_CLIENT_OPTIONS } from '@pactbot/session-redis';
import type { AddressInfo } from 'node:net';
import { config, count, ready } from '../lib/child-kit.js';

/** Configuration of this server. */
export interface PactbotServerConfig {
  mode: 'intake' | 'echo';
  apiUrl?: string;
  state?: 'memory' | 'redis';
  session?: 'none' | 'memory' | 'redis';
  redisUrl?: string;
  prefix?: string;
  /**
   * `redisState`'s durable inbox (default on): with it a webhook is answered once its update is
   * queued in Redis, without it once the update was handled, as with the memory state.
   */
  inbox?: boolean;
  /**
   * Handled updates to remember before listening, as if the bot had been busy for a while: 200 000
   * puts the default memory state at its dedup bound, the steady state of a bot that handled that
   * many updates in the last hour.
   */
  prefillClaims?: number;
  /**
   * Sessions to store before listening (memory sessions only; the orchestrator fills Redis), as if
   * that many conversations had written recently: conversations `first` … `first + count − 1`,
   * each with a counter of 1, so the handler can tell a prefilled session from a new one.
   */
  prefillSessions?: { first: number; count: number };
}

const options = config<PactbotServerConfig>();
type BenchContext = Context & SessionFlavor<{ count: number }>;

const redis =
  options.state === 'redis' || options.session === 'redis'
    ? new Redis(options.redisUrl ?? 'redis://127.0.0.1:6379', URL_CLIENT_OPTIONS)
    : undefined;
const state: BotState =
  options.state === 'redis'
    ? redisState(redis!, { prefix: options.prefix, rateLimit: false, inbox: options.inbox })
    : // What the bot creates when given no state; made here so it can be prefilled.
      memoryState();

for (let i = 0; i < (options.prefillClaims ?? 0); i++) {
  const claim = await state.claim(`42:message:new:prefill-${i}`, {
    leaseMs: 30_000,
    ttlMs: 60 * 60 * 1000,
  });
  await claim?.complete();
}

const bot = new Bot<BenchContext>({
  token: 'bench-token',
  companyId: 42,
  // A local stand-in; the intake mode never calls it.
  apiUrl: options.apiUrl ?? 'http://127.0.0.1:9',
  // Throughput runs: Pact's 5 sends/s per company would be the only thing measured otherwise.
  rateLimit: false,
  state,
});
bot.catch(() => count('errors'));

if (options.session && options.session !== 'none') {
  const store: SessionStore<{ count: number }> =
    options.session === 'redis'
      ? new RedisSessionStore(redis!, { prefix: options.prefix })
      : new MemorySessionStore();
  const { first = 0, count: prefill = 0 } = options.prefillSessions ?? {};
  if (prefill > 0 && options.session !== 'memory')
    throw new Error('prefillSessions fills memory sessions only');
  for (let i = 0; i < prefill; i++) await store.set(conversationKey(42, first + i), { count: 1 });
  bot.use(session({ initial: () => ({ count: 0 }), store }));
}

let sink = 0;
if (options.mode === 'intake') {
  bot.on('message:text', (ctx) => {
    sink += ctx.text.length;
    count('handled');
  });
} else {
  bot.on('message:text', (ctx) => {
    // A session still at its initial counter is new: the growth case checks its prefill with it.
    if (options.session && options.session !== 'none' && ctx.session.count++ === 0)
      count('new sessions');
    count('handled');
    return ctx.reply(`You said: ${ctx.text}`);
  });
}

const server = await bot.listen({ port: 0, host: '127.0.0.1', path: '/pact' });
ready((server.address() as AddressInfo).port, async () => {
  count('sink', sink % 2);
  await bot.stop({ timeoutMs: 2000 });
  await (state as { close?: () => Promise<void> }).close?.();
  redis?.disconnect();
});
