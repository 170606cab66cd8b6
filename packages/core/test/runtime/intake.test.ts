import { afterEach, describe, expect, it } from 'vitest';
import {
  Bot,
  memoryState,
  MemorySessionStore,
  parseWebhook,
  session,
  type Context,
  type SessionFlavor,
  type Update,
} from '@pactbot/core';
import { startBot, deferred, type BotFixture } from '@pactbot/testkit/support/bot-fixture';
import { messageNew } from '@pactbot/testkit/support/webhooks';
import { webhooks } from '@pactbot/testkit/support/reference-webhooks';

type SessionContext = Context & SessionFlavor<{ count: number }>;

/** The update of a webhook body, for `bot.handleUpdate`. */
function parseWebhookUpdate(body: unknown): Update {
  const parsed = parseWebhook(body);
  if (parsed.kind !== 'update') throw new Error(`not an update: ${parsed.kind}`);
  return parsed.update;
}

let fixture: BotFixture<SessionContext> | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
});

describe('an echo bot', () => {
  it('replies through Pact with the right path, token header and body', async () => {
    fixture = await startBot({}, (bot) =>
      bot.on('message:text', (ctx) => ctx.reply(`You said: ${ctx.text}`)),
    );
    const answer = await fixture.post(messageNew({ conversationId: 7, text: 'hello' }));
    expect(answer).toEqual({ status: 200, body: { ok: true } });
    const [sent] = fixture.sends();
    expect(sent?.request.path).toBe('/p1/companies/42/conversations/7/messages');
    expect(sent?.request.headers['x-private-api-token']).toBe('test-token');
    expect(sent?.body).toEqual({ message: 'You said: hello' });
  });

  it('does not answer the echo of its own reply', async () => {
    const seen: string[] = [];
    fixture = await startBot({}, (bot) => {
      bot.on('message', (ctx) => {
        seen.push(ctx.text ?? '');
        return ctx.reply(`You said: ${ctx.text}`);
      });
    });
    await fixture.post(messageNew({ conversationId: 7, text: 'hello' }));
    // Pact echoes what the bot sent as a new message with income: false.
    await fixture.post(
      messageNew({ conversationId: 7, text: 'You said: hello', income: false, jobId: 1 }),
    );
    expect(seen).toEqual(['hello']);
    expect(fixture.sends()).toHaveLength(1);
  });

  it('sees its echoes under message:outgoing', async () => {
    const outgoing: string[] = [];
    fixture = await startBot({}, (bot) =>
      bot.on('message:outgoing', (ctx) => void outgoing.push(ctx.text!)),
    );
    await fixture.post(messageNew({ text: 'sent by the bot', income: false }));
    expect(outgoing).toEqual(['sent by the bot']);
  });
});

describe('deduplication', () => {
  it('handles a webhook delivered three times at once exactly once, answering 200 only once it is handled', async () => {
    let runs = 0;
    fixture = await startBot({}, (bot) =>
      bot.on('message', async (ctx) => {
        runs++;
        await ctx.reply('once');
      }),
    );
    const body = messageNew({ conversationId: 3 });
    const answers = await Promise.all([fixture.post(body), fixture.post(body), fixture.post(body)]);
    // One delivery is handled and answered 200; the others arrived while it ran, when a 200
    // would have been a promise nothing durable keeps: 503, and Pact's next try gets 200.
    expect(answers.map((a) => a.status).sort()).toEqual([200, 503, 503]);
    expect(answers.find((a) => a.status === 503)?.body).toEqual({
      error:
        'this update is being handled and is not done yet; Pact will deliver it again, and it is answered 200 once handled',
    });
    expect(await fixture.post(body)).toEqual({ status: 200, body: { ok: true, duplicate: true } });
    expect(runs).toBe(1);
    expect(fixture.sends()).toHaveLength(1);
  });

  it('answers a redelivery after the handler finished with 200 and does not run it again', async () => {
    let runs = 0;
    fixture = await startBot({}, (bot) => bot.on('message', () => void runs++));
    const body = messageNew();
    await fixture.post(body);
    expect(await fixture.post(body)).toEqual({ status: 200, body: { ok: true, duplicate: true } });
    expect(runs).toBe(1);
  });
});

describe('ordering', () => {
  it('runs 100 updates of one conversation posted at once one at a time, in arrival order', async () => {
    const store = new MemorySessionStore<{ count: number }>();
    const started: string[] = [];
    const arrived: string[] = [];
    let running = 0;
    let overlapped = false;
    fixture = await startBot<SessionContext>({}, (bot) => {
      bot.events.on('update', ({ update }) => {
        if (update.type === 'message' && update.event === 'new') arrived.push(update.data.message!);
      });
      bot.use(session({ initial: () => ({ count: 0 }), store }));
      bot.on('message:text', async (ctx) => {
        running++;
        if (running > 1) overlapped = true;
        started.push(ctx.text);
        await new Promise((r) => setTimeout(r, Math.random() * 5));
        ctx.session.count++;
        await ctx.reply(`${ctx.session.count}:${ctx.text}`);
        running--;
      });
    });
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        fixture!.post(messageNew({ conversationId: 5, text: `m${i}` })),
      ),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(overlapped).toBe(false);
    expect(store.get('42:conversation:5')).toEqual({ count: 100 });
    expect(started).toEqual(arrived);
    const replies = fixture.sends().map((s) => s.body.message);
    expect(replies).toEqual(started.map((text, i) => `${i + 1}:${text}`));
  });

  it('runs ten conversations at the same time', async () => {
    const allRunning = deferred();
    let running = 0;
    fixture = await startBot({}, (bot) =>
      bot.on('message', async () => {
        if (++running === 10) allRunning.resolve();
        await allRunning.promise;
      }),
    );
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => fixture!.post(messageNew({ conversationId: 100 + i }))),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(running).toBe(10);
  });
});

describe('slow and failing handlers', () => {
  it('answers 503 at the webhook timeout, lets the handler finish, and answers its redelivery 200 without running it again', async () => {
    const gate = deferred();
    const finished = deferred();
    let runs = 0;
    fixture = await startBot({ webhookTimeoutMs: 100 }, (bot) =>
      bot.on('message', async (ctx) => {
        runs++;
        await gate.promise;
        await ctx.reply('done at last');
        finished.resolve();
      }),
    );
    const body = messageNew({ conversationId: 9 });
    expect(await fixture.post(body)).toEqual({
      status: 503,
      body: {
        error:
          'the update is still waiting for its turn or running; Pact will deliver it again, and it is answered 200 once handled',
      },
    });
    expect(fixture.sends()).toHaveLength(0);
    expect((await fixture.post(body)).status).toBe(503);
    gate.resolve();
    await finished.promise;
    await fixture.bot.stop();
    expect(runs).toBe(1);
    expect(fixture.sends().map((s) => s.body.message)).toEqual(['done at last']);
  });

  it('reports a throwing handler to bot.catch and leaves its session unwritten', async () => {
    const store = new MemorySessionStore<{ count: number }>();
    store.set('42:conversation:11', { count: 5 });
    const caught: Array<{ error: unknown; text: string | undefined }> = [];
    fixture = await startBot<SessionContext>({}, (bot) => {
      bot.use(session({ initial: () => ({ count: 0 }), store }));
      bot.on('message', (ctx) => {
        ctx.session.count = 99;
        throw new Error('boom');
      });
      bot.catch((error, ctx) => void caught.push({ error, text: ctx.text }));
    });
    expect((await fixture.post(messageNew({ conversationId: 11, text: 'x' }))).status).toBe(200);
    expect(caught).toHaveLength(1);
    expect((caught[0]!.error as Error).message).toBe('boom');
    expect(caught[0]!.text).toBe('x');
    expect(store.get('42:conversation:11')).toEqual({ count: 5 });
  });

  it('asks Pact to deliver again when a handler throws and redeliverOnError is set, then runs the redelivery', async () => {
    let runs = 0;
    fixture = await startBot({ redeliverOnError: true }, (bot) => {
      bot.on('message', () => {
        if (++runs === 1) throw new Error('first try fails');
      });
      bot.catch(() => undefined);
    });
    const body = messageNew();
    expect((await fixture.post(body)).status).toBe(503);
    expect((await fixture.post(body)).status).toBe(200);
    expect(runs).toBe(2);
  });
});

describe('failed and abandoned updates', () => {
  it('gives a failed update back, so a redelivery that still comes runs it again', async () => {
    let runs = 0;
    fixture = await startBot({}, (bot) => {
      bot.on('message', () => {
        if (++runs === 1) throw new Error('first try fails');
      });
      bot.catch(() => undefined);
    });
    const body = messageNew();
    expect(await fixture.post(body)).toEqual({ status: 200, body: { ok: true } });
    expect(await fixture.post(body)).toEqual({ status: 200, body: { ok: true } });
    expect(runs).toBe(2);
  });

  it('leaves updates still waiting for a handler slot at stop() to a redelivery, runs none of them, and does not count one that finished past the deadline as handled', async () => {
    const state = memoryState();
    const blocker = deferred();
    const started = deferred();
    const ran: number[] = [];
    const dropped: string[] = [];
    fixture = await startBot({ concurrency: 1, state }, (bot) => {
      bot.on('message', async (ctx) => {
        ran.push(ctx.conversationId);
        started.resolve();
        if (ctx.conversationId === 1) await blocker.promise;
      });
      bot.events.on('dropped', ({ reason }) => dropped.push(reason));
    });
    const first = fixture.bot.handleUpdate(
      parseWebhookUpdate(messageNew({ conversationId: 1, externalId: 9001 })),
    );
    await started.promise;
    // Conversations 2 and 3 wait for the only slot.
    const waiting = [2, 3].map((c) =>
      fixture!.bot.handleUpdate(
        parseWebhookUpdate(messageNew({ conversationId: c, externalId: 9001 + c })),
      ),
    );
    const stopped = fixture.bot.stop({ timeoutMs: 50 });
    await stopped;
    blocker.resolve();
    expect(await Promise.all(waiting)).toEqual(['retry', 'retry']);
    // Its webhook was answered 503 at the deadline: Pact brings it back, so it is given back too.
    expect(await first).toBe('retry');
    expect(ran).toEqual([1]);
    expect(
      dropped.filter((r) => r === 'the bot stopped before this update had its turn'),
    ).toHaveLength(2);
    expect(dropped).toContain('it finished after the bot stopped waiting for it');
    // Their claims were given back: a bot sharing the state handles the redeliveries.
    const next = new Bot({
      token: 't',
      companyId: 42,
      apiUrl: fixture.stub.url,
      rateLimit: false,
      state,
    });
    const handled: number[] = [];
    next.on('message', (ctx) => void handled.push(ctx.conversationId));
    for (const [c, externalId] of [
      [1, 9001],
      [2, 9003],
      [3, 9004],
    ]) {
      await next.handleUpdate(parseWebhookUpdate(messageNew({ conversationId: c, externalId })));
    }
    expect(handled).toEqual([1, 2, 3]);
    await next.stop({ timeoutMs: 1000 });
  });
});

describe('bad input', () => {
  it.each<
    [string, unknown, { query?: string; contentType?: string; raw?: boolean }, number, string]
  >([
    [
      'a body that is not JSON',
      '{"type": "message",',
      { raw: true },
      400,
      'webhook body is not JSON',
    ],
    ['an array', [1, 2], {}, 400, 'webhook body must be a JSON object, got an array'],
    [
      'no type',
      { event: 'new', data: {} },
      {},
      400,
      'webhook has no type; expected one of message, conversation',
    ],
    [
      'a message without data',
      { type: 'message', event: 'new' },
      {},
      400,
      'message/new webhook has no data object (got nothing)',
    ],
    [
      'a known type with neither event nor data',
      { type: 'job' },
      {},
      400,
      'job webhook lacks data',
    ],
    [
      'a message without its conversation',
      { type: 'message', event: 'new', data: { external_id: 5, income: true, message: 'x' } },
      {},
      400,
      'message/new webhook lacks data.conversation_id',
    ],
    [
      'a bad ack level',
      { type: 'message', event: 'ack', data: { external_id: 1, conversation_id: 1, ack: 7 } },
      {},
      400,
      'expected -1, 0, 1, 2 or 3',
    ],
    [
      'a form body',
      'type=message',
      { raw: true, contentType: 'application/x-www-form-urlencoded' },
      415,
      'is not JSON; send application/json',
    ],
  ])(
    'refuses %s with a one-line reason and reaches no handler',
    async (_name, body, options, status, reason) => {
      let runs = 0;
      const rejected: string[] = [];
      fixture = await startBot({}, (bot) => {
        bot.use(() => void runs++);
        bot.events.on('rejected', (info) => rejected.push(info.reason));
      });
      const answer = await fixture.post(body, options);
      expect(answer.status).toBe(status);
      const error = (answer.body as { error: string }).error;
      expect(error).toContain(reason);
      expect(error).not.toContain('\n');
      expect(rejected).toEqual([error]);
      expect(runs).toBe(0);
    },
  );

  it('refuses a wrong or missing secret with 401, and never echoes it', async () => {
    let runs = 0;
    fixture = await startBot({ secret: 's3cr3t-value' }, (bot) => bot.use(() => void runs++));
    for (const query of ['', '?secret=wrong', '?secret=s3cr3t-valu']) {
      const answer = await fixture.post(messageNew(), { query });
      expect(answer).toEqual({
        status: 401,
        body: { error: 'wrong or missing secret query parameter' },
      });
    }
    expect(runs).toBe(0);
    expect((await fixture.post(messageNew(), { query: '?secret=s3cr3t-value' })).status).toBe(200);
    expect(runs).toBe(1);
  });

  it('refuses a body over the limit with 413', async () => {
    let runs = 0;
    fixture = await startBot({}, (bot) => bot.use(() => void runs++));
    const answer = await fixture.post(messageNew({ text: 'x'.repeat(1024 * 1024) }));
    expect(answer.status).toBe(413);
    expect((answer.body as { error: string }).error).toMatch(/over the limit of 1048576 bytes/);
    expect(runs).toBe(0);
  });

  it('answers other paths 404 and other methods 405', async () => {
    fixture = await startBot();
    const base = fixture.url.replace('/pact', '');
    expect((await fetch(`${base}/elsewhere`, { method: 'POST', body: '{}' })).status).toBe(404);
    const get = await fetch(fixture.url);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it("acknowledges Pact's test probe and unknown types without running handlers, reporting the unknown", async () => {
    let runs = 0;
    const unknown: unknown[] = [];
    fixture = await startBot({}, (bot) => {
      bot.use(() => void runs++);
      bot.events.on('unknown', (info) => unknown.push(info.type));
    });
    expect(await fixture.post(webhooks.probe)).toEqual({ status: 200, body: { ok: true } });
    expect(await fixture.post({ type: 'reaction', event: 'new', data: {} })).toEqual({
      status: 200,
      body: { ok: true },
    });
    expect(await fixture.post({ type: 'message', event: 'deleted', data: {} })).toEqual({
      status: 200,
      body: { ok: true },
    });
    expect(unknown).toEqual(['reaction', 'message']);
    expect(runs).toBe(0);
  });
});

describe('stop', () => {
  it('finishes running handlers and their sends, and answers new webhooks 503', async () => {
    const gate = deferred();
    const entered = deferred();
    fixture = await startBot({}, (bot) =>
      bot.on('message', async (ctx) => {
        entered.resolve();
        await gate.promise;
        void ctx.reply('before stop');
      }),
    );
    const { bot } = fixture;
    const first = fixture.post(messageNew({ conversationId: 1 }));
    await entered.promise;
    const stopped = bot.stop({ timeoutMs: 5000 });
    expect(
      (await bot.handleWebhook(JSON.stringify(messageNew({ conversationId: 2 })))).status,
    ).toBe(503);
    gate.resolve();
    expect(await stopped).toEqual({ unfinishedUpdates: 0, pendingSends: 0 });
    expect((await first).status).toBe(200);
    expect(fixture.sends().map((s) => s.body.message)).toEqual(['before stop']);
  });
});

describe('bot.listen', () => {
  it('names the option at fault when it cannot listen, and leaves nothing open', async () => {
    fixture = await startBot();
    const port = Number(new URL(fixture.url).port);
    const bot = new Bot({ token: 'test-token', companyId: 42, apiUrl: 'http://127.0.0.1:9' });
    await expect(bot.listen({ port, host: '127.0.0.1' })).rejects.toThrow(
      `bot.listen: port ${port} on 127.0.0.1 is already in use; pick another port, or 0 for a free one`,
    );
    // The failed server is not kept: stopping reports nothing left and resolves at once.
    expect(await bot.stop({ timeoutMs: 1000 })).toEqual({ unfinishedUpdates: 0, pendingSends: 0 });
  });

  it('refuses a blank secret, a path without "/" and an impossible port before listening', async () => {
    const bot = new Bot({ token: 'test-token', companyId: 42, apiUrl: 'http://127.0.0.1:9' });
    await expect(bot.listen({ port: 0, secret: '' })).rejects.toThrow(
      'bot.listen: secret must be a non-empty string when given (leave it out to accept webhooks without one)',
    );
    await expect(bot.listen({ port: 0, path: 'pact' })).rejects.toThrow(
      'bot.listen: path must start with "/", got "pact"',
    );
    await expect(bot.listen({ port: 70000 })).rejects.toThrow(
      'bot.listen: port must be a whole number from 0 to 65535 (0 picks a free one), got 70000',
    );
  });
});
