import { afterEach, describe, expect, it } from 'vitest';
import { PactArgumentError, TEXT_LIMITS } from '@pactbot/core';
import { deferred, startBot, type BotFixture } from '@pactbot/testkit/support/bot-fixture';
import { messageNew } from '@pactbot/testkit/support/webhooks';

let fixture: BotFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

describe('bot.send', () => {
  it("keeps the conversation's order: after the replies queued before it, before those queued after", async () => {
    const gate = deferred();
    let notify: Promise<unknown> | undefined;
    fixture = await startBot({}, (bot) =>
      bot.on('message', (ctx) => {
        void ctx.reply('first');
        // A notification fired from inside a handler, and another from outside any.
        notify = bot.send(ctx.conversationId, 'second');
        void ctx.reply('third');
      }),
    );
    // Pact holds its answer to the first send until the test lets it go.
    let answered = 0;
    fixture.stub.route('POST', '/p1/companies/42/conversations/5/messages', async () => {
      const job = 100 + answered++;
      if (job === 100) await gate.promise;
      return {
        body: {
          status: 'ok',
          data: {
            id: job,
            company_id: 42,
            channel: { id: 1, type: 'whatsapp' },
            conversation_id: 5,
            state: 'trying_deliver',
            message_id: null,
            details: null,
            created_at: 1510396057,
          },
        },
      };
    });
    const posted = fixture.post(messageNew({ conversationId: 5, text: 'order' }));
    await fixture.stub.waitForRequests(1);
    const outside = fixture.bot.send(5, 'fourth');
    gate.resolve();
    await posted;
    await notify;
    const sent = await outside;
    expect(fixture.sends().map((s) => s.body.message)).toEqual([
      'first',
      'second',
      'third',
      'fourth',
    ]);
    expect(sent).toMatchObject({ conversationId: 5, jobId: 103 });
  });

  it("splits text over the channel's limit, as ctx.reply does", async () => {
    fixture = await startBot({}, (bot) => bot.on('message', () => undefined));
    await fixture.post(messageNew({ conversationId: 6, channelType: 'telegram' }));
    const limit = TEXT_LIMITS.telegram!.max;
    const long = `${'a'.repeat(limit - 10)}\n\n${'b'.repeat(100)}`;
    const sent = await fixture.bot.send(6, long);
    expect(fixture.sends().map((s) => s.body.message)).toEqual([
      'a'.repeat(limit - 10),
      'b'.repeat(100),
    ]);
    expect(sent.parts).toHaveLength(2);
  });

  it.each<[string, unknown, unknown, string]>([
    ['a conversation id that is no id', 'five', 'hi', 'conversationId must be a positive integer'],
    ['no text', 5, '  ', 'bot.send() needs non-empty text, as a string or { text }, got "  "'],
    [
      'options without text',
      5,
      { send_to_crm: true },
      'bot.send() needs non-empty text, as a string or { text }, got undefined',
    ],
  ])('refuses %s, sending nothing', async (_name, id, message, error) => {
    fixture = await startBot();
    const refused = fixture.bot.send(id as number, message as string);
    await expect(refused).rejects.toBeInstanceOf(PactArgumentError);
    await expect(refused).rejects.toThrow(error);
    expect(fixture.stub.requests).toEqual([]);
  });

  it('refuses to send after stop()', async () => {
    fixture = await startBot();
    await fixture.bot.stop();
    await expect(fixture.bot.send(5, 'late')).rejects.toMatchObject({
      code: 'PACTBOT_BOT_STOPPED',
      message: 'bot.send() was called after bot.stop(); create a new bot to send',
    });
    await expect(fixture.bot.sendTemplate(5, 'order_update')).rejects.toMatchObject({
      code: 'PACTBOT_BOT_STOPPED',
    });
    expect(fixture.stub.requests).toEqual([]);
  });
});
