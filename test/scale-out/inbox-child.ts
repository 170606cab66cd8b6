/**
 * A bot process on the durable inbox for the kill campaigns: shares Redis and the stand-in of Pact
 * with the test, replies to each text message with its text, counts the updates of a conversation
 * in its session, and reports on stdout, one JSON line per event. The update whose text is
 * BLOCK_TEXT holds its handler at BLOCK_AT — `start` (inside the handler, before any reply) or
 * `replied` (after `ctx.reply` resolved, before the handler returns) — until the process is killed.
 */
import { Bot, session, type Context, type SessionFlavor } from '@pactbot/core';
import { RedisSessionStore, redisState } from '@pactbot/session-redis';

const { PACT_URL, REDIS_URL, PREFIX, LEASE_MS, BLOCK_TEXT, BLOCK_AT } = process.env;
const say = (event: object) => process.stdout.write(`${JSON.stringify(event)}\n`);
const forever = new Promise<never>(() => undefined);

const bot = new Bot<Context & SessionFlavor<{ count: number }>>({
  token: 'child-token',
  companyId: 42,
  apiUrl: PACT_URL,
  rateLimit: false,
  state: redisState(REDIS_URL!, { prefix: PREFIX, rateLimit: false }),
  leaseMs: Number(LEASE_MS),
});
bot.use(
  session({
    initial: () => ({ count: 0 }),
    store: new RedisSessionStore(REDIS_URL!, { prefix: PREFIX }),
  }),
);
bot.on('message:text', async (ctx) => {
  const blocked = ctx.text === BLOCK_TEXT;
  say({ event: 'started', text: ctx.text });
  if (blocked && BLOCK_AT === 'start') {
    say({ event: 'blocked', text: ctx.text });
    await forever;
  }
  ctx.session.count++;
  await ctx.reply(ctx.text);
  if (blocked && BLOCK_AT === 'replied') {
    say({ event: 'blocked', text: ctx.text });
    await forever;
  }
});
bot.events.on('handled', ({ update }) =>
  say({
    event: 'handled',
    text: 'data' in update ? (update.data as { message?: unknown }).message : undefined,
  }),
);
bot.catch((error) =>
  say({ event: 'error', name: (error as Error).name, message: (error as Error).message }),
);
const server = await bot.listen({ port: 0, host: '127.0.0.1', path: '/pact' });
say({ event: 'listening', port: (server.address() as { port: number }).port });
