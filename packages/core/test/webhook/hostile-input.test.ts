import { afterEach, describe, expect, it } from 'vitest';
import { startBot, type BotFixture } from '@pactbot/testkit/support/bot-fixture';
import { messageNew } from '@pactbot/testkit/support/webhooks';

let fixture: BotFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

describe('hostile webhook bodies', () => {
  it('refuses nesting far deeper than any webhook with a 400, not a crash', async () => {
    let handled = 0;
    fixture = await startBot({}, (bot) => bot.use(() => void handled++));
    const depth = 100_000;
    const body = `{"type":"conversation","event":"update","data":{"external_id":1,"name":"x","deep":${'['.repeat(depth)}${']'.repeat(depth)}}}`;
    const answer = await fixture.post(body, { raw: true });
    expect(answer).toEqual({
      status: 400,
      body: { error: "webhook body nests deeper than 64 levels; Pact's webhooks nest a few" },
    });
    expect(handled).toBe(0);
  });

  it('refuses message ids that are no integers instead of taking two for one', async () => {
    const texts: string[] = [];
    fixture = await startBot({}, (bot) =>
      bot.on('message:text', (ctx) => void texts.push(ctx.text)),
    );
    for (const id of ['1e400', '2e400', '1.5', '-1e20']) {
      const raw = JSON.stringify(messageNew({ text: id })).replace(
        /"external_id":\d+/,
        `"external_id":${id}`,
      );
      const answer = await fixture.post(raw, { raw: true });
      expect(answer).toEqual({
        status: 400,
        body: {
          error:
            'message/new webhook lacks data.external_id (the message id: an integer or a string of digits)',
        },
      });
    }
    expect(texts).toEqual([]);
    // Ids too long for a number stay the strings they came as, and stay apart.
    await fixture.post(messageNew({ text: 'a' }), {});
    const long = (id: string, text: string) =>
      JSON.stringify(messageNew({ text })).replace(/"external_id":\d+/, `"external_id":"${id}"`);
    await fixture.post(long('123456789012345678901234567890', 'b'), { raw: true });
    await fixture.post(long('123456789012345678901234567891', 'c'), { raw: true });
    expect(texts).toEqual(['a', 'b', 'c']);
  });

  it('strips own __proto__, constructor and prototype keys from what handlers see', async () => {
    let seen: Record<string, unknown> | undefined;
    fixture = await startBot({}, (bot) =>
      bot.on('message', (ctx) => {
        seen = Object.assign({}, ctx.message, ctx.message.channel) as unknown as Record<
          string,
          unknown
        >;
      }),
    );
    const raw = JSON.stringify(messageNew({ conversationId: 3 })).replace(
      '"channel":{',
      '"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"channel":{"__proto__":{"polluted":true},',
    );
    const answer = await fixture.post(raw, { raw: true });
    expect(answer.status).toBe(200);
    expect(seen).toBeDefined();
    expect(Object.hasOwn(seen!, 'constructor')).toBe(false);
    expect((seen as { polluted?: unknown }).polluted).toBeUndefined();
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });
});
