import { afterEach, describe, expect, it } from 'vitest';
import { startBot, type BotFixture } from '@pactbot/testkit/support/bot-fixture';
import { messageNew } from '@pactbot/testkit/support/webhooks';

let fixture: BotFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

describe('redelivery storm', () => {
  it('answers handlers slower than the webhook timeout with 503 until they are handled, then 200, and runs none of them twice, whatever the redeliveries', async () => {
    const runs = new Map<string, number>();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    fixture = await startBot({ webhookTimeoutMs: 50 }, (bot) =>
      bot.on('message:text', async (ctx) => {
        runs.set(ctx.text, (runs.get(ctx.text) ?? 0) + 1);
        await gate; // slower than the webhook timeout
        await ctx.reply(`done ${ctx.text}`);
      }),
    );
    const bodies = Array.from({ length: 40 }, (_, i) =>
      messageNew({ conversationId: 300 + (i % 8), text: `slow${i}` }),
    );
    // Pact re-sends what it did not get a 200 for: five waves of every webhook. Nothing durable
    // holds them, and none is handled yet, so none may be promised with a 200.
    for (let wave = 0; wave < 5; wave++) {
      const answers = await Promise.all(bodies.map((body) => fixture!.post(body)));
      expect(answers.every((a) => a.status === 503)).toBe(true);
    }
    const handled = new Promise<void>((resolve) => {
      let count = 0;
      fixture!.bot.events.on('handled', () => ++count === bodies.length && resolve());
    });
    release();
    await handled;
    // Pact's next tries find every one handled.
    const last = await Promise.all(bodies.map((body) => fixture!.post(body)));
    expect(last.every((a) => a.status === 200)).toBe(true);
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
    expect(runs.size).toBe(40);
    expect(fixture.sends()).toHaveLength(40);
  });
});
