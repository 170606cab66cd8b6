import { afterEach, describe, inject, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { session, type Context, type SessionFlavor } from '@pactbot/core';
import { startTestBot, type TestBot } from '@pactbot/sandbox';
import { RedisSessionStore, redisState } from '@pactbot/session-redis';

type Counter = Context & SessionFlavor<{ n: number }>;
let tester: TestBot<Counter> | undefined;
const clients: Redis[] = [];
afterEach(async () => {
  await tester?.close();
  tester = undefined;
  for (const c of clients.splice(0)) c.disconnect();
});

describe('the test harness with a durable inbox', () => {
  it('waits for each step to be handled, though the webhook is answered once queued', async () => {
    const redis = new Redis(inject('redisUrl'));
    clients.push(redis);
    const prefix = `pactbot-test:${randomUUID()}:`;
    const state = redisState(redis, { prefix, rateLimit: false });
    tester = await startTestBot<Counter>(
      (bot) => {
        bot.use(
          session({ initial: () => ({ n: 0 }), store: new RedisSessionStore(redis, { prefix }) }),
        );
        bot.on('message:text', async (ctx) => {
          // Slower than the answer: the step must still see the reply.
          await new Promise((r) => setTimeout(r, 30));
          ctx.session.n++;
          await ctx.reply(`visit ${ctx.session.n}`);
        });
      },
      { bot: { state } },
    );
    const chat = tester.chat({ channel: 'telegram' });
    await chat.send('hi').assertReply('visit 1');
    await chat.send('again').assertReply('visit 2');
    await state.close();
  });
});
