/**
 * A bot process for the stalled-holder test: shares Redis and the stand-in of Pact with the test,
 * reports on stdout, one JSON line per event, and takes its cue to go on from a line on stdin.
 */
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { Bot, session, type Context, type SessionFlavor } from '@pactbot/core';
import { RedisSessionStore, redisState } from '@pactbot/session-redis';

const { PACT_URL, REDIS_URL, PREFIX, LEASE_MS } = process.env;
const say = (event: object) => process.stdout.write(`${JSON.stringify(event)}\n`);
// Lines the test writes are buffered here until the handler asks for one.
const cues = createInterface({ input: process.stdin })[Symbol.asyncIterator]();

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
  // The handler holds here, however long it takes: the test freezes this process (SIGSTOP) past
  // the lock's lease, lets the next holder take the conversation, thaws it, then writes the cue.
  await cues.next();
  // Thawed, the first heartbeat finds the turn gone and aborts the handler's signal.
  if (!ctx.signal.aborted) await once(ctx.signal, 'abort');
  say({ event: 'lost', reason: (ctx.signal.reason as Error).message });
  ctx.session.count += 100;
  ctx.session.by = 'stalled';
});
bot.catch((error) =>
  say({ event: 'error', name: (error as Error).name, message: (error as Error).message }),
);
const server = await bot.listen({ port: 0, host: '127.0.0.1', path: '/pact' });
say({ event: 'listening', port: (server.address() as { port: number }).port });
