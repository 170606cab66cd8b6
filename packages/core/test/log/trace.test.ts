import { format } from 'node:util';
import createDebug from 'debug';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deferred, startBot, type BotFixture } from '@pactbot/testkit/support/bot-fixture';
import { messageNew } from '@pactbot/testkit/support/webhooks';

const TOKEN = 'tok-9f8e7d6c5b4a-private';
const SECRET = 's3cr3t-q7w8e9r0';

/** Every line the `debug` package wrote, as it would print it. */
const lines: string[] = [];
const print = createDebug.log;

beforeAll(() => {
  createDebug.enable('pactbot:*');
  createDebug.log = (...args: unknown[]) => void lines.push(format(...args));
});
afterAll(() => {
  createDebug.disable();
  createDebug.log = print;
});

let fixture: BotFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
  lines.length = 0;
});

/** The trace lines of one namespace, without the date and the time since the last line. */
function traced(namespace: string): string[] {
  return lines
    .map((line) => / (pactbot:\S+) (.*?)(?: \+\d+m?s)?$/.exec(line))
    .filter((match) => match?.[1] === namespace)
    .map((match) => match![2]!);
}

describe('DEBUG=pactbot:*', () => {
  it("traces an update's life: received, waiting for its turn, started, handled in N ms, duplicate", async () => {
    const first = deferred();
    const second = deferred();
    fixture = await startBot({}, (bot) =>
      bot.on('message', async (ctx) => {
        if (ctx.text === 'first') {
          first.resolve();
          await second.promise;
        }
      }),
    );
    const one = messageNew({ conversationId: 7, externalId: 501, text: 'first' });
    const two = messageNew({ conversationId: 7, externalId: 502, text: 'second' });
    const answers = [fixture.post(one)];
    await first.promise;
    answers.push(fixture.post(two));
    // The second waits behind the first; let it in line, then let the first finish.
    while (
      !traced('pactbot:update').some((line) => line.includes('502') && line.endsWith('received'))
    )
      await new Promise((resolve) => setImmediate(resolve));
    second.resolve();
    expect((await Promise.all(answers)).map((a) => a.status)).toEqual([200, 200]);
    expect((await fixture.post(one)).status).toBe(200);

    const trace = traced('pactbot:update').map((line) => line.replace(/\d+(\.\d)? ms/, 'N ms'));
    expect(trace).toEqual([
      'message message:new:501 in conversation 7: received',
      'message message:new:502 in conversation 7: received',
      'message message:new:502 in conversation 7: waiting for its turn, 1 update of its conversation ahead of it',
      'message message:new:502 in conversation 7: started after waiting N ms',
      'message message:new:501 in conversation 7: handled in N ms',
      'message message:new:502 in conversation 7: handled in N ms',
      'message message:new:501 in conversation 7: duplicate; handled before, acknowledged and not run again',
    ]);
  });

  it('traces each send and retry, refused webhooks and errors, and never shows the token or the secret', async () => {
    fixture = await startBot(
      { token: TOKEN, secret: SECRET, retry: { baseDelayMs: 10 } },
      (bot) => {
        bot.catch(() => undefined);
        bot.on('message', async (ctx) => {
          await ctx.reply('hello');
          await ctx.buttons('Pick one', ['Yes', 'No']);
          if (ctx.text === 'fail') throw new Error('the handler failed');
        });
      },
    );
    // Pact answers the first send 503 and echoes what a careless server might: the token, and the
    // webhook URL with its secret.
    let failed = false;
    fixture.stub.route('POST', /^\/p1\/companies\/42\/conversations\/\d+\/messages$/, (req) => {
      if (failed)
        return {
          body: {
            status: 'ok',
            data: {
              id: 77,
              conversation_id: 3,
              state: 'trying_deliver',
              message_id: null,
              company_id: 42,
              channel: { id: 1, type: 'whatsapp' },
              details: null,
              created_at: 1,
            },
          },
        };
      failed = true;
      return {
        status: 503,
        body: {
          error: `overloaded for token ${String(req.headers['x-private-api-token'])}`,
          webhook_url: `https://bot.example.com/pact?secret=${SECRET}`,
        },
      };
    });
    expect((await fixture.post(messageNew(), { query: '?secret=wrong' })).status).toBe(401);
    expect(
      (
        await fixture.post(
          messageNew({ conversationId: 3, text: 'fail', channelType: 'whatsapp_business' }),
          {
            query: `?secret=${SECRET}`,
          },
        )
      ).status,
    ).toBe(200);
    expect(
      (
        await fixture.post(
          { type: 'weather', event: 'rain', data: {} },
          { query: `?secret=${encodeURIComponent(SECRET)}` },
        )
      ).status,
    ).toBe(200);

    expect(traced('pactbot:webhook')).toEqual([
      'refused with 401: wrong or missing secret query parameter',
      'acknowledged a webhook of unknown type "weather" (event "rain")',
    ]);
    const retries = traced('pactbot:retry');
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatch(
      /^POST \/p1\/companies\/42\/conversations\/3\/messages: attempt 1 failed \(PactApiError: .*503.*\); trying again in \d+(\.\d)? ms$/,
    );
    expect(traced('pactbot:send').map((line) => line.replace(/\d+(\.\d)? ms/, 'N ms'))).toEqual([
      'conversation 3: sending a message (5 characters)',
      'conversation 3: accepted in N ms (job 77)',
      'conversation 3: sending a message (8 characters, 2 buttons)',
      'conversation 3: accepted in N ms (job 77)',
    ]);
    expect(traced('pactbot:update')).toContainEqual(
      expect.stringMatching(
        /^message message:new:\d+ in conversation 3: error: Error: the handler failed$/,
      ),
    );
    expect(traced('pactbot:update')).toContainEqual(
      expect.stringMatching(
        /^message message:new:\d+ in conversation 3: failed \(reported as an error\)$/,
      ),
    );

    // Every line the trace wrote, with its namespace and date, and the error the retry was for.
    const everything = lines.join('\n');
    expect(everything).toContain('[redacted]');
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain(encodeURIComponent(SECRET));
    expect(everything).not.toMatch(/x-private-api-token/i);
  });
});
