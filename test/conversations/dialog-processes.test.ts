import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import {
  conversations,
  createConversation,
  type Context,
  type Conversation,
  type ConversationFlavor,
  type DialogState,
} from '@pactbot/core';
import { RedisSessionStore, redisState, type RedisState } from '@pactbot/session-redis';
import { acceptSends, startBot, type BotFixture } from '@pactbot/testkit/support/bot-fixture';
import { countHandled } from '@pactbot/testkit/support/handled';
import { startPactStub, type PactStub } from '@pactbot/testkit/support/pact-stub';
import { messageNew } from '@pactbot/testkit/support/webhooks';

type C = Context & ConversationFlavor;
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Counts its turns aloud: a reply of an earlier turn sent again, or a turn run twice, shows. */
async function counter(conv: Conversation<C>, ctx: C) {
  await ctx.reply('0:start');
  for (let turn = 1; ; turn++) {
    const said = await conv.waitFor('message:text');
    await said.reply(`${turn}:${said.text}`);
  }
}

/** A bot "process" with its own Redis connection, on the shared Redis and stand-in of Pact. */
async function botProcess(stub: PactStub, prefix: string): Promise<BotFixture<C>> {
  const redis = new Redis(inject('redisUrl'));
  redis.on('error', () => undefined);
  const state: RedisState = redisState(redis, { prefix, rateLimit: false });
  const store = new RedisSessionStore<DialogState>(redis, { prefix, name: 'dialog' });
  const fixture = await startBot<C>(
    { state },
    (bot) => {
      bot.use(conversations({ store }));
      bot.use(createConversation(counter));
      bot.hears('go', (ctx) => ctx.conversation.enter('counter'));
    },
    { stub },
  );
  cleanups.push(async () => {
    await fixture.close();
    await state.close();
    redis.disconnect();
  });
  return fixture;
}

function replies(stub: PactStub): string[] {
  return stub.requests
    .filter((r) => r.method === 'POST' && /\/messages$/.test(r.path))
    .map((r) => (r.json as { message: string }).message);
}

describe('a dialog across processes on one Redis', () => {
  it('advances once per message, in order, when every message reaches both processes at once', async () => {
    const stub = await startPactStub();
    acceptSends(stub);
    cleanups.push(() => stub.close());
    const prefix = `pactbot-test:${randomUUID()}:`;
    const [a, b] = [await botProcess(stub, prefix), await botProcess(stub, prefix)];
    const handled = countHandled(a.bot, b.bot);
    const bodies = [
      messageNew({ conversationId: 77, text: 'go' }),
      ...Array.from({ length: 20 }, (_, i) => messageNew({ conversationId: 77, text: `m${i}` })),
    ];
    for (const body of bodies) {
      const answers = await Promise.all([a.post(body), b.post(body)]);
      expect(answers.map((x) => x.status)).toEqual([200, 200]);
    }
    await handled.reach(bodies.length);
    expect(replies(stub)).toEqual([
      '0:start',
      ...Array.from({ length: 20 }, (_, i) => `${i + 1}:m${i}`),
    ]);
  });

  it('continues in a second bot after the first was stopped, where it was', async () => {
    const stub = await startPactStub();
    acceptSends(stub);
    cleanups.push(() => stub.close());
    const prefix = `pactbot-test:${randomUUID()}:`;
    const first = await botProcess(stub, prefix);
    const firstHandled = countHandled(first.bot);
    await first.post(messageNew({ conversationId: 78, text: 'go' }));
    await first.post(messageNew({ conversationId: 78, text: 'a' }));
    await firstHandled.reach(2);
    await first.bot.stop();
    const second = await botProcess(stub, prefix);
    const secondHandled = countHandled(second.bot);
    await second.post(messageNew({ conversationId: 78, text: 'b' }));
    await secondHandled.reach(1);
    expect(replies(stub)).toEqual(['0:start', '1:a', '2:b']);
  });
});
