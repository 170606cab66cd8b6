import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { session, type Context, type SessionFlavor } from '@pactbot/core';
import { RedisSessionStore, redisState } from '@pactbot/session-redis';
import { startBot } from '@pactbot/testkit/support/bot-fixture';
import { countHandled } from '@pactbot/testkit/support/handled';
import { messageNew } from '@pactbot/testkit/support/webhooks';
import { startClusterNode } from './cluster-server.js';
import { testPrefix } from './redis.js';

let node: Awaited<ReturnType<typeof startClusterNode>>;
beforeAll(async () => {
  node = await startClusterNode();
});
afterAll(async () => {
  await node.stop();
});

describe('on Redis Cluster', () => {
  it('keeps every key of a conversation in one slot: sessions, locks, fencing, menus and the budget work', async () => {
    const cluster = new Cluster([{ host: '127.0.0.1', port: node.port }]);
    cluster.on('error', () => undefined);
    const prefix = testPrefix();
    const state = redisState(cluster, { prefix, rateLimit: { sends: 50, perMs: 1000 } });
    const store = new RedisSessionStore<{ visits: number }>(cluster, { prefix });
    const fixture = await startBot<Context & SessionFlavor<{ visits: number }>>(
      { state },
      (bot) => {
        bot.use(session({ initial: () => ({ visits: 0 }), store }));
        bot.action('again', (ctx) => ctx.reply(`pressed after ${ctx.session.visits} visits`));
        bot.on('message:text', async (ctx) => {
          ctx.session.visits++;
          await ctx.buttons(`visit ${ctx.session.visits}`, [{ title: 'Again', id: 'again' }]);
        });
      },
    );
    const errors: unknown[] = [];
    fixture.bot.events.on('error', ({ error }) => errors.push(error));
    const handled = countHandled(fixture.bot);
    for (const conversationId of [1, 2]) {
      for (let i = 0; i < 3; i++)
        expect(
          (
            await fixture.post(
              messageNew({ conversationId, channelType: 'telegram', text: `hi ${i}` }),
            )
          ).status,
        ).toBe(200);
    }
    await fixture.post(messageNew({ conversationId: 2, channelType: 'telegram', text: '1' }));
    await handled.reach(7);
    expect(errors).toEqual([]);
    expect(await store.get('42:conversation:1')).toEqual({ visits: 3 });
    expect(fixture.sends().at(-1)?.body.message).toBe('pressed after 3 visits');
    await fixture.close();
    await state.close();
    cluster.disconnect();
  });
});
