import { afterEach, describe, expect, it } from 'vitest';
import { startBot, type BotFixture } from '../support/bot-fixture.js';
import { messageNew } from '../support/webhooks.js';

let fixture: BotFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

describe('redelivery storm', () => {
  it('answers handlers slower than the webhook timeout with 200 and runs none of them again, whatever the redeliveries', async () => {
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
    // Pact re-sends what it did not get an answer for in time: five waves of every webhook.
    for (let wave = 0; wave < 5; wave++) {
      const answers = await Promise.all(bodies.map((body) => fixture!.post(body)));
      expect(answers.every((a) => a.status === 200)).toBe(true);
    }
    release();
    const handled = new Promise<void>((resolve) => {
      let count = 0;
      fixture!.bot.events.on('handled', () => ++count === bodies.length && resolve());
    });
    await handled;
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
    expect(runs.size).toBe(40);
    expect(fixture.sends()).toHaveLength(40);
  });
});
