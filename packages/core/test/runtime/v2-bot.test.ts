import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  Bot,
  DeliveryError,
  PactArgumentError,
  PactClient,
  type BotOptions,
  type DeliveryEvent,
  type DeliveryReport,
  type Sent,
} from '@pactbot/core';
import { deferred } from '@pactbot/testkit/support/bot-fixture';
import { startPactStub, PactStub, type PactStub as Stub } from '@pactbot/testkit/support/pact-stub';
import {
  acceptV2Sends,
  v2Echo,
  v2Incoming,
  v2SentMessage,
  v2Sends,
  v2StatusUpdate,
  v2Uploads,
} from '@pactbot/testkit/support/v2-sends';

let stub: Stub | undefined;
let bot: Bot | undefined;
afterEach(async () => {
  await bot?.stop({ timeoutMs: 1000 });
  await stub?.close();
  bot = stub = undefined;
});

/** A bot on API v2, talking to a stand-in of Pact that accepts v2 sends and uploads. */
async function startV2Bot(setup: (bot: Bot) => void, options: Partial<BotOptions> = {}) {
  stub = await startPactStub();
  acceptV2Sends(stub);
  bot = new Bot({
    token: 'test-token',
    companyId: 42,
    apiUrl: stub.url,
    apiVersion: 2,
    rateLimit: false,
    ...options,
  });
  setup(bot);
  return { bot, stub };
}

/** Feeds a webhook body to the bot as its HTTP endpoint would, expecting Pact's 200. */
async function deliver(body: unknown): Promise<void> {
  const result = await bot!.handleWebhook(body);
  expect(result.status).toBe(200);
}

describe('a bot on API v2', () => {
  it('echoes through v2 messages and does not answer the echo of its own reply', async () => {
    const outgoing: number[] = [];
    await startV2Bot((b) => {
      b.on('message:text', (ctx) => ctx.reply(ctx.text));
      b.on('message:outgoing', (ctx) => void outgoing.push(ctx.conversationId));
    });
    expect(bot!.api.apiVersion).toBe(2);
    await deliver(v2Incoming({ conversationId: 456, text: 'Hello there' }));
    const [reply] = v2Sends(stub!);
    expect(v2Sends(stub!)).toHaveLength(1);
    expect(reply!.request.path).toBe('/api/p2/conversations/456/messages');
    expect(reply!.body).toEqual({ company_id: 42, text: 'Hello there' });
    expect(stub!.requests.filter((r) => r.path.startsWith('/p1/'))).toEqual([]);

    // Pact posts the bot's own reply back as an outgoing message/create.
    await deliver(v2Echo(reply!));
    expect(outgoing).toEqual([456]);
    expect(v2Sends(stub!)).toHaveLength(1);
  });

  it("splits a long reply by the conversation's provider and sends the parts in order", async () => {
    await startV2Bot((b) => b.on('message', (ctx) => ctx.reply('word '.repeat(300).trim())));
    // Instagram Business takes 1000 bytes a message: 1499 characters become two parts.
    await deliver(v2Incoming({ provider: 'instagram_business' }));
    const parts = v2Sends(stub!).map((s) => s.body.text!);
    expect(parts).toHaveLength(2);
    expect(parts.every((part) => Buffer.byteLength(part) <= 1000)).toBe(true);
    expect(parts.join(' ')).toBe('word '.repeat(300).trim());
  });

  it('gives a Sent whose messageId and message are the v2 message, with no delivery job', async () => {
    const sent = deferred<Sent>();
    await startV2Bot((b) => b.on('message', async (ctx) => sent.resolve(await ctx.reply('hi'))));
    await deliver(v2Incoming({ conversationId: 456 }));
    const result = await sent.promise;
    const [record] = v2Sends(stub!);
    expect(result.messageId).toBe(record!.messageId);
    expect(result.message).toEqual(v2SentMessage(record!.messageId, 456, record!.body));
    expect(result.conversationId).toBe(456);
    expect(result.jobId).toBe(0);
    expect(result.job).toMatchObject({
      id: 0,
      message_id: record!.messageId,
      conversation_id: 456,
      state: 'trying_deliver',
      channel: { id: 0, type: 'whatsapp' },
    });
    expect(result.parts).toEqual([result]);
  });

  it('uploads a file with v2 attachments, then sends it with the caption as text', async () => {
    await startV2Bot((b) =>
      b.on('message', async (ctx) => {
        await ctx.attach('https://example.com/a.png', { caption: 'Back' });
        await ctx.attach(new Uint8Array([1, 2, 3]), { filename: 'b.bin' });
      }),
    );
    await deliver(v2Incoming({ conversationId: 456 }));
    const uploads = v2Uploads(stub!);
    expect(uploads).toHaveLength(2);
    expect(uploads[0]!.request.json).toEqual({
      company_id: 42,
      file_url: 'https://example.com/a.png',
    });
    const form = await PactStub.formData(uploads[1]!.request);
    expect(form.get('company_id')).toBe('42');
    expect((form.get('file') as File).name).toBe('b.bin');
    expect(v2Sends(stub!).map((s) => s.body)).toEqual([
      { company_id: 42, text: 'Back', attachment_ids: [uploads[0]!.attachmentId] },
      { company_id: 42, attachment_ids: [uploads[1]!.attachmentId] },
    ]);
    // Each upload went before its send, in the conversation's line.
    const order = stub!.requests.map((r) =>
      r.path === '/api/p2/attachments/' ? 'upload' : 'send',
    );
    expect(order).toEqual(['upload', 'send', 'upload', 'send']);
  });

  it('sends buttons as numbered text on every channel, and a typed number or title presses', async () => {
    const presses: string[] = [];
    const plain: string[] = [];
    await startV2Bot((b) => {
      b.action('awesome', async (ctx) => {
        presses.push(ctx.action.id);
        await ctx.reply('Great!');
      });
      b.action('Fine', (ctx) => void presses.push(ctx.action.id));
      b.hears(/^menu$/i, (ctx) =>
        ctx.buttons('Pick one', ['Fine', { title: 'Awesome', id: 'awesome' }]),
      );
      b.on('message:text', (ctx) => void plain.push(ctx.text));
    });
    // WhatsApp Business too: v2 has no interactive messages.
    await deliver(v2Incoming({ provider: 'whatsapp_business', text: 'menu' }));
    expect(v2Sends(stub!)[0]!.body).toEqual({
      company_id: 42,
      text: 'Pick one\n\n1. Fine\n2. Awesome',
    });
    await deliver(v2Incoming({ provider: 'whatsapp_business', text: '2' }));
    expect(presses).toEqual(['awesome']);
    expect(v2Sends(stub!)[1]!.body).toEqual({ company_id: 42, text: 'Great!' });
    await deliver(v2Incoming({ provider: 'whatsapp_business', text: 'menu' }));
    await deliver(v2Incoming({ provider: 'whatsapp_business', text: 'fine' }));
    expect(presses).toEqual(['awesome', 'Fine']);
    expect(plain).toEqual([]);
  });

  it('takes apiVersion from a client given to it, and refuses a different one alongside', () => {
    const client = new PactClient({ token: 't', companyId: 42, apiVersion: 2 });
    const own = new Bot({ companyId: 42, client });
    expect(own.api.apiVersion).toBe(2);
    expect(() => new Bot({ companyId: 42, client, apiVersion: 1 })).toThrow(PactArgumentError);
    expect(() => new Bot({ companyId: 42, client, apiVersion: 1 })).toThrow(
      "apiVersion 1 was given, but the client given works through v2; leave apiVersion out (the client's decides) or create the client with new PactClient({ apiVersion: 1 })",
    );
    expect(() => new Bot({ token: 't', companyId: 42, apiVersion: 3 as 2 })).toThrow(
      'apiVersion must be 1 or 2, got 3',
    );
  });
});

describe('Sent.delivered() on API v2', () => {
  it.each(['delivered', 'read'] as const)(
    'resolves from a message update webhook with status %s, and reports the delivery',
    async (status) => {
      const sent = deferred<Sent>();
      const events: DeliveryEvent[] = [];
      await startV2Bot((b) => {
        b.events.on('delivery', (event) => events.push(event));
        b.on('message', async (ctx) => sent.resolve(await ctx.reply('tracked')));
      });
      await deliver(v2Incoming({ conversationId: 456 }));
      const { messageId } = await sent.promise;
      const report = (await sent.promise).delivered();
      await deliver(v2StatusUpdate(messageId!, 456, status));
      expect(await report).toEqual({ jobId: 0, messageId, source: 'ack' });
      expect(events).toEqual([{ jobId: 0, messageId, result: 'DELIVERED', reason: undefined }]);
    },
  );

  it('resolves inside the handler that sent it, from an update of its own conversation', async () => {
    const report = deferred<DeliveryReport>();
    const sentIt = deferred<number>();
    await startV2Bot(
      (b) =>
        b.on('message', async (ctx) => {
          const sent = await ctx.reply('waiting for it');
          sentIt.resolve(sent.messageId!);
          // The update waits in no line behind this handler, which holds the conversation's turn.
          report.resolve(await sent.delivered());
        }),
      { concurrency: 1 },
    );
    const handled = bot!.handleWebhook(v2Incoming({ conversationId: 456 }));
    const messageId = await sentIt.promise;
    await deliver(v2StatusUpdate(messageId, 456, 'delivered'));
    expect(await report.promise).toEqual({ jobId: 0, messageId, source: 'ack' });
    expect((await handled).status).toBe(200);
  });

  it('resolves from an update that arrived before anyone asked', async () => {
    const sent = deferred<Sent>();
    await startV2Bot((b) => b.on('message', async (ctx) => sent.resolve(await ctx.reply('fast'))));
    await deliver(v2Incoming({ conversationId: 456 }));
    const { messageId } = await sent.promise;
    await deliver(v2StatusUpdate(messageId!, 456, 'delivered'));
    expect(await (await sent.promise).delivered()).toEqual({ jobId: 0, messageId, source: 'ack' });
  });

  it("rejects with DeliveryError carrying Pact's reason from the details of an error update", async () => {
    const sent = deferred<Sent>();
    const events: DeliveryEvent[] = [];
    await startV2Bot((b) => {
      b.events.on('delivery', (event) => events.push(event));
      b.on('message', async (ctx) => sent.resolve(await ctx.reply('doomed')));
    });
    await deliver(v2Incoming({ conversationId: 456 }));
    const { messageId } = await sent.promise;
    const outcome = (await sent.promise).delivered().catch((e: unknown) => e);
    const update = v2StatusUpdate(messageId!, 456, 'error');
    await deliver(update);
    const error = (await outcome) as DeliveryError;
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error.message).toBe(
      `message ${messageId} was NOT DELIVERED: Message undeliverable (code 131026)`,
    );
    expect(error.reason).toBe('Message undeliverable (code 131026)');
    expect(error.jobId).toBe(0);
    expect(error.messageId).toBe(messageId);
    expect(error.details).toEqual(update.object.details);
    expect(events).toEqual([
      {
        jobId: 0,
        messageId,
        result: 'NOT DELIVERED',
        reason: 'Message undeliverable (code 131026)',
      },
    ]);
  });

  describe('when no update webhook comes (fake time)', () => {
    beforeEach(() => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    /** Has the stand-in answer the message read with `statuses` in turn (the last repeats). */
    function answerReads(statuses: Array<'sent' | 'delivered' | 'read' | 'error'>) {
      let read = 0;
      stub!.route('GET', /^\/api\/p2\/conversations\/456\/messages\/\d+$/, (req) => {
        const id = Number(req.path.split('/').at(-1));
        const status = statuses[Math.min(read++, statuses.length - 1)]!;
        return { body: { message: v2StatusUpdate(id, 456, status).object } };
      });
    }

    it('reads the message when no update came in pollAfterMs', async () => {
      const sent = deferred<Sent>();
      await startV2Bot(
        (b) => b.on('message', async (ctx) => sent.resolve(await ctx.reply('polled'))),
        { delivery: { pollAfterMs: 10_000 } },
      );
      answerReads(['delivered']);
      await deliver(v2Incoming({ conversationId: 456 }));
      const { messageId } = await sent.promise;
      const report = (await sent.promise).delivered();
      const path = `/api/p2/conversations/456/messages/${messageId}`;
      await vi.advanceTimersByTimeAsync(9_999);
      expect(stub!.calls('GET', path)).toHaveLength(0);
      await vi.advanceTimersByTimeAsync(1);
      expect(await report).toEqual({ jobId: 0, messageId, source: 'poll' });
      expect(stub!.calls('GET', path)).toHaveLength(1);
      expect(stub!.calls('GET', path)[0]!.query.get('company_id')).toBe('42');
    });

    it('reads it again, twice as late, while it is still sent', async () => {
      const sent = deferred<Sent>();
      await startV2Bot(
        (b) => b.on('message', async (ctx) => sent.resolve(await ctx.reply('polled'))),
        { delivery: { pollAfterMs: 10_000 } },
      );
      answerReads(['sent', 'read']);
      await deliver(v2Incoming({ conversationId: 456 }));
      const { messageId } = await sent.promise;
      let report: DeliveryReport | undefined;
      void (await sent.promise).delivered().then((r) => (report = r));
      await advanceUntil(() => report !== undefined, 1_000);
      expect(report).toEqual({ jobId: 0, messageId, source: 'poll' });
      const reads = stub!.calls('GET', `/api/p2/conversations/456/messages/${messageId}`);
      expect(reads).toHaveLength(2);
      expect(reads[1]!.at - reads[0]!.at).toBeGreaterThanOrEqual(20_000);
    });

    it('rejects with DeliveryError when the message read back has status error', async () => {
      const sent = deferred<Sent>();
      await startV2Bot(
        (b) => b.on('message', async (ctx) => sent.resolve(await ctx.reply('polled'))),
        { delivery: { pollAfterMs: 5_000 } },
      );
      answerReads(['error']);
      await deliver(v2Incoming({ conversationId: 456 }));
      const { messageId } = await sent.promise;
      const outcome = (await sent.promise).delivered().catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(5_000);
      const error = (await outcome) as DeliveryError;
      expect(error).toBeInstanceOf(DeliveryError);
      expect(error.message).toBe(
        `message ${messageId} was NOT DELIVERED: Message undeliverable (code 131026)`,
      );
    });
  });
});

/**
 * Moves the fake clock on in steps, letting real I/O (the stand-in's answers) run in between,
 * until `done` holds.
 */
async function advanceUntil(done: () => boolean, stepMs: number): Promise<void> {
  for (let step = 0; !done(); step++) {
    if (step > 500) throw new Error('still not done after 500 steps of the fake clock');
    await vi.advanceTimersByTimeAsync(stepMs);
    for (let turn = 0; turn < 20 && !done(); turn++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
