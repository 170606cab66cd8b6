import { afterEach, describe, expect, it } from 'vitest';
import {
  DeliveryError,
  PactArgumentError,
  splitText,
  TEXT_LIMITS,
  type DeliveryReport,
  type Sent,
} from '@pactbot/core';
import { startBot, deferred, type BotFixture } from '@pactbot/testkit/support/bot-fixture';
import { jobExecuted, messageAck, messageNew } from '@pactbot/testkit/support/webhooks';

let fixture: BotFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

describe('ctx.buttons', () => {
  it.each<[string, unknown[], string, string]>([
    ['no buttons', [], 'menu', 'a message takes 1 to 3 buttons, got 0'],
    ['four buttons', ['a', 'b', 'c', 'd'], 'menu', 'a message takes 1 to 3 buttons, got 4'],
    ['an empty title', [''], 'menu', 'button titles must be 1 to 20 characters, got "" (0)'],
    ['a 21-character title', ['x'.repeat(21)], 'menu', 'button titles must be 1 to 20 characters'],
    [
      'the same title twice',
      ['Yes', 'yes'],
      'menu',
      'button titles must be unique, got "yes" twice',
    ],
    [
      'a body over 1024 characters',
      ['ok'],
      'b'.repeat(1025),
      'the text above buttons must be at most 1024 characters, got 1025',
    ],
  ])('refuses %s with a clear error and sends nothing', async (_name, buttons, text, message) => {
    const errors: unknown[] = [];
    fixture = await startBot({}, (bot) =>
      bot.on('message', async (ctx) => {
        await ctx.buttons(text, buttons as string[]).catch((e: unknown) => errors.push(e));
      }),
    );
    await fixture.post(messageNew());
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(PactArgumentError);
    expect((errors[0] as Error).message).toContain(message);
    expect(fixture.sends()).toHaveLength(0);
  });

  it('reports a refused send that the handler neither awaited nor returned to bot.catch, without ending the process', async () => {
    const caught = deferred<unknown>();
    fixture = await startBot({}, (bot) => {
      bot.catch((error) => caught.resolve(error));
      bot.on('message', (ctx) => {
        // Fired and forgotten: an unhandled rejection would fail this test run.
        void ctx.buttons('menu', ['a', 'b', 'c', 'd']);
      });
    });
    expect((await fixture.post(messageNew())).status).toBe(200);
    const error = await caught.promise;
    expect(error).toBeInstanceOf(PactArgumentError);
    expect((error as Error).message).toBe('a message takes 1 to 3 buttons, got 4');
    expect(fixture.sends()).toHaveLength(0);
  });

  it('leaves a refused send that the handler caught to the handler', async () => {
    const caught: unknown[] = [];
    const handled = deferred();
    fixture = await startBot({}, (bot) => {
      bot.catch((error) => void caught.push(error));
      bot.on('message', async (ctx) => {
        try {
          await ctx.reply('   ');
        } catch {
          await ctx.reply('Something went wrong, sorry.');
        }
        handled.resolve();
      });
    });
    await fixture.post(messageNew());
    await handled.promise;
    // A turn of the event loop after the refusal, when an unawaited one would have been reported.
    await new Promise((resolve) => setImmediate(resolve));
    expect(caught).toEqual([]);
    expect(fixture.sends().map((s) => s.body)).toEqual([
      { message: 'Something went wrong, sorry.' },
    ]);
  });

  it("sends Pact's interactive buttons on WhatsApp Business and routes a press by title to bot.action", async () => {
    const presses: Array<{ id: string; title: string }> = [];
    fixture = await startBot({}, (bot) => {
      bot.action('awesome', async (ctx) => {
        presses.push(ctx.action);
        await ctx.reply('Great!');
      });
      bot.hears(/^menu$/i, (ctx) =>
        ctx.buttons('Pick one', ['Fine', { title: 'Awesome', id: 'awesome' }]),
      );
    });
    await fixture.post(messageNew({ channelType: 'whatsapp_business', text: 'Menu' }));
    expect(fixture.sends()[0]?.body).toEqual({
      message: 'Pick one',
      interactive: { type: 'button', buttons: ['Fine', 'Awesome'] },
    });
    await fixture.post(messageNew({ channelType: 'whatsapp_business', text: 'Awesome' }));
    expect(presses).toEqual([{ id: 'awesome', title: 'Awesome' }]);
    expect(fixture.sends()[1]?.body.message).toBe('Great!');
  });

  it("keeps the menu when a press's handler fails, so Pact's redelivery of the press is a press", async () => {
    let attempts = 0;
    fixture = await startBot({ redeliverOnError: true }, (bot) => {
      bot.catch(() => undefined);
      bot.action('pay', async (ctx) => {
        if (++attempts === 1) throw new Error('the shop is briefly away');
        await ctx.reply('Paid.');
      });
      bot.hears('menu', (ctx) => ctx.buttons('Ready?', [{ title: 'Pay', id: 'pay' }]));
      bot.on('message', (ctx) => ctx.reply('not a press'));
    });
    await fixture.post(messageNew({ channelType: 'whatsapp_business', text: 'menu' }));
    const press = messageNew({ channelType: 'whatsapp_business', text: 'Pay' });
    expect((await fixture.post(press)).status).toBe(503);
    expect((await fixture.post(press)).status).toBe(200);
    expect(attempts).toBe(2);
    // Handled now: the menu is used up, and the same title typed again is just text.
    await fixture.post(messageNew({ channelType: 'whatsapp_business', text: 'Pay' }));
    expect(fixture.sends().map((s) => s.body.message)).toEqual(['Ready?', 'Paid.', 'not a press']);
  });

  it('sends numbered options elsewhere and takes the number or the title as a press, once', async () => {
    const presses: string[] = [];
    const plain: string[] = [];
    fixture = await startBot({}, (bot) => {
      bot.action(/.*/, (ctx) => void presses.push(ctx.action.id));
      bot.hears('menu', (ctx) =>
        ctx.buttons('Pick one', [
          { title: 'Tea', id: 'tea' },
          { title: 'Coffee', id: 'coffee' },
        ]),
      );
      bot.on('message:text', (ctx) => void plain.push(ctx.text));
    });
    await fixture.post(messageNew({ channelType: 'telegram', text: 'menu' }));
    expect(fixture.sends()[0]?.body).toEqual({ message: 'Pick one\n\n1. Tea\n2. Coffee' });
    await fixture.post(messageNew({ channelType: 'telegram', text: ' 2 ' }));
    await fixture.post(messageNew({ channelType: 'telegram', text: '2' }));
    await fixture.post(messageNew({ channelType: 'telegram', text: 'menu' }));
    await fixture.post(messageNew({ channelType: 'telegram', text: 'tea' }));
    expect(presses).toEqual(['coffee', 'tea']);
    // The second "2" came after the menu was used: it is plain text.
    expect(plain).toEqual(['2']);
  });
});

describe('ctx.reply', () => {
  it("splits a 10,000-character reply into parts within WhatsApp's limit, sent in order", async () => {
    const words = Array.from({ length: 2000 }, (_, i) => `w${String(i).padStart(3, '0')}`);
    const text = words.join(' ').slice(0, 10_000);
    fixture = await startBot({}, (bot) => bot.on('message', (ctx) => ctx.reply(text)));
    await fixture.post(messageNew());
    const parts = fixture.sends().map((s) => s.body.message!);
    expect(parts.length).toBe(3);
    expect(parts.every((p) => p.length <= 4096)).toBe(true);
    expect(parts.join(' ')).toBe(text);
  });

  it('measures Instagram in bytes and cuts at paragraphs first', () => {
    const paragraph = 'Привет мир. '.repeat(30).trim();
    const parts = splitText(`${paragraph}\n\n${paragraph}\n\n${paragraph}`, TEXT_LIMITS.instagram!);
    expect(parts.every((p) => Buffer.byteLength(p) <= 1000)).toBe(true);
    expect(parts).toEqual([paragraph, paragraph, paragraph]);
  });

  it('cuts a word longer than the limit and never splits a surrogate pair', () => {
    const parts = splitText('😀'.repeat(3000), { max: 4096, unit: 'chars' });
    expect(parts.every((p) => p.length <= 4096)).toBe(true);
    expect(parts.join('')).toBe('😀'.repeat(3000));
    expect(parts.every((p) => !/[\uD800-\uDBFF]$/.test(p))).toBe(true);
  });

  it('keeps replies queued without await in the order they were asked for', async () => {
    fixture = await startBot({}, (bot) =>
      bot.on('message', (ctx) => {
        void ctx.reply('one');
        void ctx.attach('https://example.com/two.png', { caption: 'two' });
        void ctx.reply('three');
      }),
    );
    fixture.stub.route('POST', '/p1/companies/42/conversations/1/messages/attachments', {
      body: { status: 'ok', data: { external_id: 77 } },
    });
    await fixture.post(messageNew());
    expect(fixture.sends().map((s) => s.body)).toEqual([
      { message: 'one' },
      { message: 'two', attachments_ids: [77] },
      { message: 'three' },
    ]);
    expect(
      fixture.stub.calls('POST', '/p1/companies/42/conversations/1/messages/attachments')[0]?.json,
    ).toEqual({
      file_url: 'https://example.com/two.png',
    });
  });
});

describe('Sent.delivered()', () => {
  it('resolves from the job webhook', async () => {
    const sent = deferred<Sent>();
    fixture = await startBot({}, (bot) =>
      bot.on('message', async (ctx) => sent.resolve(await ctx.reply('tracked'))),
    );
    await fixture.post(messageNew());
    const { jobId } = await sent.promise;
    const report = (await sent.promise).delivered();
    await fixture.post(jobExecuted(jobId, 'DELIVERED', 555));
    expect(await report).toEqual({ jobId, messageId: 555, source: 'webhook' });
  });

  it('resolves from a job webhook that arrived before anyone asked', async () => {
    const sent = deferred<Sent>();
    fixture = await startBot({}, (bot) =>
      bot.on('message', async (ctx) => sent.resolve(await ctx.reply('tracked'))),
    );
    await fixture.post(messageNew());
    const { jobId } = await sent.promise;
    await fixture.post(jobExecuted(jobId, 'DELIVERED', 556));
    expect(await (await sent.promise).delivered()).toEqual({
      jobId,
      messageId: 556,
      source: 'webhook',
    });
  });

  it('resolves from a delivered ack of its message', async () => {
    const report = deferred<DeliveryReport>();
    fixture = await startBot({}, (bot) =>
      bot.on('message', async (ctx) => {
        const sent = await ctx.reply('synchronous');
        void sent.delivered().then(report.resolve);
      }),
    );
    fixture.stub.route('POST', '/p1/companies/42/conversations/1/messages', {
      body: {
        status: 'ok',
        data: {
          id: 9001,
          company_id: 42,
          channel: { id: 1, type: 'whatsapp' },
          conversation_id: 1,
          state: 'trying_deliver',
          message_id: 321,
          details: null,
          created_at: 1,
        },
      },
    });
    await fixture.post(messageNew());
    await fixture.post(messageAck(321, 2));
    expect(await report.promise).toEqual({ jobId: 9001, messageId: 321, source: 'ack' });
  });

  it('resolves inside the handler that sent it, from an ack of its own conversation', async () => {
    const report = deferred<DeliveryReport>();
    const sentIt = deferred();
    fixture = await startBot({ concurrency: 1 }, (bot) =>
      bot.on('message', async (ctx) => {
        const sent = await ctx.reply('synchronous');
        sentIt.resolve();
        // The ack waits in no line behind this handler, which holds the conversation's turn.
        report.resolve(await sent.delivered());
      }),
    );
    fixture.stub.route('POST', '/p1/companies/42/conversations/1/messages', {
      body: {
        status: 'ok',
        data: {
          id: 9002,
          company_id: 42,
          channel: { id: 1, type: 'whatsapp' },
          conversation_id: 1,
          state: 'trying_deliver',
          message_id: 322,
          details: null,
          created_at: 1,
        },
      },
    });
    const handled = fixture.post(messageNew());
    await sentIt.promise;
    await fixture.post(messageAck(322, 2));
    expect(await report.promise).toEqual({ jobId: 9002, messageId: 322, source: 'ack' });
    expect((await handled).status).toBe(200);
  });

  it("asks Pact's job endpoint when no webhook comes in time", async () => {
    const report = deferred<DeliveryReport>();
    fixture = await startBot({ delivery: { pollAfterMs: 50 } }, (bot) =>
      bot.on('message', async (ctx) => {
        const sent = await ctx.reply('polled');
        void sent.delivered().then(report.resolve);
      }),
    );
    fixture.stub.route('GET', /^\/p1\/companies\/42\/channels\/1\/jobs\/\d+$/, (req) => ({
      body: {
        status: 'ok',
        data: {
          id: Number(req.path.split('/').at(-1)),
          company_id: 42,
          channel: { id: 1, type: 'whatsapp' },
          conversation_id: 1,
          state: 'delivered',
          message_id: 808,
          details: { result: 'DELIVERED' },
          created_at: 1,
        },
      },
    }));
    await fixture.post(messageNew());
    expect(await report.promise).toMatchObject({ messageId: 808, source: 'poll' });
  });

  it('rejects with DeliveryError when Pact reports NOT DELIVERED', async () => {
    const sent = deferred<Sent>();
    fixture = await startBot({}, (bot) =>
      bot.on('message', async (ctx) => sent.resolve(await ctx.reply('doomed'))),
    );
    await fixture.post(messageNew());
    const { jobId } = await sent.promise;
    const outcome = (await sent.promise).delivered().catch((e: unknown) => e);
    await fixture.post(jobExecuted(jobId, 'NOT DELIVERED', null, 'Contact is not present'));
    const error = await outcome;
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as Error).message).toBe(
      `message of job ${jobId} was NOT DELIVERED: Contact is not present`,
    );
  });
});
