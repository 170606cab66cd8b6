import { afterEach, describe, expect, it } from 'vitest';
import { redisState } from '@pactbot/session-redis';
import { deferred, startBot } from '@pactbot/testkit/support/bot-fixture';
import { countHandled } from '@pactbot/testkit/support/handled';
import { messageNew } from '@pactbot/testkit/support/webhooks';
import { testPrefix, testRedis } from './redis.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('a process behind on the durable inbox', () => {
  it('answers 503 past maxQueuedUpdates instead of queueing without end, and handles what it answered 200 for, then the re-sent rest', async () => {
    const redis = testRedis();
    cleanups.push(() => redis.disconnect());
    const state = redisState(redis, { prefix: testPrefix(), rateLimit: false });
    cleanups.push(() => state.close());
    const started = deferred();
    const gate = deferred();
    const texts: string[] = [];
    const fixture = await startBot({ state, maxQueuedUpdates: 3 }, (bot) => {
      bot.on('message:text', async (ctx) => {
        texts.push(ctx.text);
        started.resolve();
        await gate.promise;
      });
    });
    cleanups.push(() => fixture.close());
    const handled = countHandled(fixture.bot);
    const update = (n: number) =>
      messageNew({ conversationId: 7, externalId: 9100 + n, text: `m${n}` });

    // The first runs (and blocks); two more wait behind it in its line: three answered for.
    expect((await fixture.post(update(1))).status).toBe(200);
    await started.promise;
    expect((await fixture.post(update(2))).status).toBe(200);
    expect((await fixture.post(update(3))).status).toBe(200);
    // The fourth and fifth would be more than the process has room for: Pact is to re-send them.
    expect((await fixture.post(update(4))).status).toBe(503);
    expect((await fixture.post(update(5))).status).toBe(503);

    gate.resolve();
    await handled.reach(3);
    // Pact's redeliveries find room now.
    expect((await fixture.post(update(4))).status).toBe(200);
    expect((await fixture.post(update(5))).status).toBe(200);
    await handled.reach(5);
    expect(texts).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
  });
});
