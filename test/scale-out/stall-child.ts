/**
 * A bot process for the stalled-holder test: shares Redis and the stand-in of Pact with the test,
 * and reports on stdout, one JSON line per event.
 */
import { Bot, session, type Context, type SessionFlavor } from '@pactbot/core';
import { RedisSessionStore, redisState } from '@pactbot/session-redis';

const { PACT_URL, REDIS_URL, PREFIX, LEASE_MS } = process.env;
const say = (event: object) => process.stdout.write(`${JSON.stringify(event)}\n`);

const state = redisState(REDIS_URL!, { prefix: PREFIX, rateLimit: false });
const bot = new Bot<Context & SessionFlavor<{ count: number; by: string }>>({
  token: 'test-token',
  companyId: 42,
  apiUrl: PACT_URL,
  rateLimit: false,
  state,
  leaseMs: Number(LEASE_MS),
});
bot.use(
  session({
    initial: () => ({ count: 0, by: '' }),
    store: new RedisSessionStore(REDIS_URL!, { prefix: PREFIX }),
  }),
);
bot.on('message:text', async (ctx) => {
  say({ event: 'started', text: ctx.text });
  // The test freezes this process here, past the lock's lease.
  await new Promise((r) => setTimeout(r, 100));
  ctx.session.count += 100;
  ctx.session.by = 'stalled';
});
bot.catch((error) =>
  say({ event: 'error', name: (error as Error).name, message: (error as Error).message }),
);
const server = await bot.listen({ port: 0, host: '127.0.0.1', path: '/pact' });
say({ event: 'listening', port: (server.address() as { port: number }).port });
