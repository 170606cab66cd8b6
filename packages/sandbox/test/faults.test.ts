import { describe, expect, it } from 'vitest';
import { DeliveryError, type Sent } from '@pactbot/core';
import { BotFailedError, NO_FAULTS, startTestBot, type ApiCallEvent } from '../src/index.js';
import { call, closeAfterTest, startSandbox } from './helpers.js';

const messages = (conversation: number) => `/p1/companies/1/conversations/${conversation}/messages`;

describe('faults', () => {
  it('answer 429 with Retry-After, and the wait in the body', async () => {
    const sandbox = await startSandbox({ faults: { rateLimited: 1, retryAfterSeconds: 7 } });
    const answer = await call(sandbox, 'GET', '/p1/companies');
    expect(answer.status).toBe(429);
    expect(answer.headers.get('retry-after')).toBe('7');
    expect(answer.body).toEqual({
      status: 'errored',
      message: "Too many requests. Please wait for 7 seconds (the sandbox's rateLimited fault)",
    });
  });

  it('answer 500, 502 or 503 as server errors', async () => {
    const sandbox = await startSandbox({ faults: { serverErrors: 1 } });
    const statuses = new Set<number>();
    for (let i = 0; i < 20; i++) statuses.add((await call(sandbox, 'GET', '/p1/companies')).status);
    expect([...statuses].every((status) => [500, 502, 503].includes(status))).toBe(true);
  });

  it('reset the connection without an answer', async () => {
    const sandbox = await startSandbox({ faults: { connectionResets: 1 } });
    const calls: ApiCallEvent[] = [];
    sandbox.events.on('api', (event) => calls.push(event));
    await expect(call(sandbox, 'GET', '/p1/companies')).rejects.toThrow(/fetch failed/);
    expect(calls).toMatchObject([
      { status: null, fault: 'connection-reset', path: '/p1/companies' },
    ]);
  });

  it('add latency to every answer', async () => {
    const sandbox = await startSandbox({ faults: { latencyMs: 150 } });
    const startedAt = performance.now();
    expect((await call(sandbox, 'GET', '/p1/companies')).status).toBe(200);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(145);
  });

  it('change at runtime, are checked, and are reported', async () => {
    const sandbox = await startSandbox();
    const reported: unknown[] = [];
    sandbox.events.on('faults', (faults) => reported.push(faults));
    expect(sandbox.setFaults({ serverErrors: 0.25 })).toEqual({ ...NO_FAULTS, serverErrors: 0.25 });
    expect(sandbox.faults.serverErrors).toBe(0.25);
    expect(reported).toEqual([{ ...NO_FAULTS, serverErrors: 0.25 }]);
    expect(() => sandbox.setFaults({ rateLimited: 5 })).toThrow(
      'faults.rateLimited must be a share of API calls from 0 to 1, got 5',
    );
    expect(() => sandbox.setFaults({ chaos: 1 } as never)).toThrow(
      'faults has no setting "chaos"; the settings are rateLimited, serverErrors, connectionResets, latencyMs, retryAfterSeconds, undelivered',
    );
    const fromPage = await fetch(`${sandbox.url}/sandbox/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ latencyMs: 10 }),
    });
    expect(await fromPage.json()).toEqual({ ...NO_FAULTS, serverErrors: 0.25, latencyMs: 10 });
  });

  it("let a bot's reply get through 429s: the bot waits as Retry-After says, and sends again", async () => {
    const tester = closeAfterTest(
      await startTestBot((bot) => bot.on('message:text', (ctx) => ctx.reply('Hello!')), {
        sandbox: { faults: { retryAfterSeconds: 0 } },
      }),
    );
    const { sandbox } = tester;
    const sends: Array<number | null> = [];
    sandbox.events.on('api', (event) => {
      if (event.method !== 'POST') return;
      sends.push(event.status);
      // Two refusals, then a calm day again.
      if (sends.length === 2) sandbox.setFaults({ rateLimited: 0 });
    });
    sandbox.setFaults({ rateLimited: 1 });
    await tester.chat().send('hi').assertReply('Hello!');
    expect(sends).toEqual([429, 429, 200]);
  });

  it('make deliveries fail: job/executed says NOT DELIVERED and Sent.delivered() rejects', async () => {
    const outcomes: unknown[] = [];
    const tester = closeAfterTest(
      await startTestBot((bot) =>
        bot.on('message:text', async (ctx) => {
          const sent: Sent = await ctx.reply('You will not get this');
          await sent.delivered().catch((error: unknown) => outcomes.push(error));
        }),
      ),
    );
    tester.sandbox.setFaults({ undelivered: 1 });
    const chat = tester.chat();
    await chat.send('hi');
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toBeInstanceOf(DeliveryError);
    expect(chat.lastReply).toMatchObject({
      text: 'You will not get this',
      status: 'not delivered',
    });
  });

  it('surface in tests: a reply lost to a reset connection fails the step, saying so', async () => {
    const tester = closeAfterTest(
      await startTestBot((bot) => bot.on('message:text', (ctx) => ctx.reply('Hello!')), {
        bot: { retry: { maxAttempts: 1 } },
      }),
    );
    tester.sandbox.setFaults({ connectionResets: 1 });
    const failure = await tester
      .chat()
      .send('hi')
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failure).toBeInstanceOf(BotFailedError);
    expect((failure as Error).message).toMatch(
      /^the bot failed after the customer wrote "hi": POST \/p1\/companies\/1\/conversations\/\d+\/messages failed/,
    );
    expect((failure as Error).message).toContain('The bot sent nothing in reply.');
    await expect(call(tester.sandbox, 'GET', messages(1))).rejects.toThrow();
  });
});
