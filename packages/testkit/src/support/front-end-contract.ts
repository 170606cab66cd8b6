/**
 * The behaviour every HTTP front end of a bot shares — bot.listen, createNodeHandler,
 * createFetchHandler and the Koa, Express and Fastify adapters — as one suite each of them runs on
 * its real framework: the bot's answers (200, 401, 400, 413, 415, 503), and the checks made from
 * the headers before a byte of the body is read.
 */
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { Bot, type RejectedInfo } from '@pactbot/core';
import { acceptSends } from './bot-fixture.js';
import { startPactStub, type PactStub } from './pact-stub.js';
import { rawRequest } from './raw-http.js';
import { messageNew } from './webhooks.js';

/** What the front end under test is given. */
export interface FrontEndOptions {
  /** The `secret` option of the front end itself (not the bot's). */
  secret?: string | undefined;
  /** The `bodyLimit` option of the front end. */
  bodyLimit?: number | undefined;
}

/** A front end serving a bot on 127.0.0.1. */
export interface RunningFrontEnd {
  /** The webhook's URL, without a query. */
  url: string;
  close(): Promise<void>;
}

/** Starts the front end under test for `bot`. */
export type StartFrontEnd = (bot: Bot, options: FrontEndOptions) => Promise<RunningFrontEnd>;

/** How a front end differs from the others. */
export interface FrontEndTraits {
  /** `bot.stop()` closes its server (bot.listen's own), rather than leave it to the app. */
  closesOnStop?: boolean;
  /**
   * A JSON body parser of the app runs in front and reads the body first: what is decided from
   * the headers waits for the body, and bad JSON or a chunked body past the limit are the
   * parser's to answer, so those cases are left to the front end's own tests.
   */
  parserInFront?: boolean;
}

const SECRET = 'front-end-secret-value';

/** An answer as a client saw it. */
interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: unknown;
}

async function post(
  url: string,
  body: string | Readable,
  headers: Record<string, string> = { 'content-type': 'application/json' },
): Promise<Answer> {
  const response = await request(url, { method: 'POST', headers, body });
  const text = await response.body.text();
  return {
    status: response.statusCode,
    headers: response.headers,
    json: text === '' ? undefined : (JSON.parse(text) as unknown),
  };
}

/** Runs the shared suite against one front end. */
export function describeFrontEnd(
  name: string,
  start: StartFrontEnd,
  traits: FrontEndTraits = {},
): void {
  describe(`${name}: the bot's answers`, () => {
    let stub: PactStub | undefined;
    let running: RunningFrontEnd | undefined;
    let bot: Bot | undefined;
    afterEach(async () => {
      await bot?.stop({ timeoutMs: 1000 });
      await running?.close();
      await stub?.close();
      stub = running = bot = undefined;
    });

    /** A case that holds only where the front end reads the body itself. */
    const itUnlessParsed = traits.parserInFront ? () => undefined : it;

    async function open(botSecret?: string, options: FrontEndOptions = { secret: SECRET }) {
      stub = await startPactStub();
      acceptSends(stub);
      const made = new Bot({
        token: 'test-token',
        companyId: 42,
        apiUrl: stub.url,
        rateLimit: false,
        secret: botSecret,
      });
      bot = made;
      let runs = 0;
      const rejected: RejectedInfo[] = [];
      made.use(async (_ctx, next) => {
        runs++;
        await next();
      });
      made.on('message:text', (ctx) => ctx.reply(`You said: ${ctx.text}`));
      made.events.on('rejected', (info) => rejected.push(info));
      running = await start(made, options);
      const { url } = running;
      const sends = () =>
        stub!.requests
          .filter((r) => r.method === 'POST' && r.path.endsWith('/messages'))
          .map((r) => r.json);
      return { bot: made, url, runs: () => runs, rejected, sends };
    }

    it('hands a webhook to the bot, answers 200 once it is handled, and the reply reaches Pact', async () => {
      const { url, sends, runs } = await open();
      const answer = await post(
        `${url}?secret=${SECRET}`,
        JSON.stringify(messageNew({ conversationId: 7, text: 'hello' })),
      );
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual({ ok: true });
      expect(answer.headers['content-type']).toMatch(/^application\/json/);
      expect(sends()).toEqual([{ message: 'You said: hello' }]);
      expect(runs()).toBe(1);
    });

    it('answers a redelivery 200 without running the bot again', async () => {
      const { url, runs } = await open();
      const body = JSON.stringify(messageNew({ conversationId: 7, text: 'once' }));
      expect((await post(`${url}?secret=${SECRET}`, body)).json).toEqual({ ok: true });
      expect((await post(`${url}?secret=${SECRET}`, body)).json).toEqual({
        ok: true,
        duplicate: true,
      });
      expect(runs()).toBe(1);
    });

    it('refuses a wrong or missing secret with 401, runs nothing, and never echoes the secret', async () => {
      const { url, runs, rejected } = await open();
      for (const query of ['', '?secret=wrong', `?secret=${SECRET.slice(0, -1)}`]) {
        const answer = await post(`${url}${query}`, JSON.stringify(messageNew()));
        expect(answer.status).toBe(401);
        expect(answer.json).toEqual({ error: 'wrong or missing secret query parameter' });
      }
      expect(runs()).toBe(0);
      expect(rejected.map((r) => r.status)).toEqual([401, 401, 401]);
      expect(JSON.stringify(rejected)).not.toContain(SECRET);
    });

    it("falls back to the bot's own secret when the front end is given none", async () => {
      const { url, runs } = await open('bot-level-secret', {});
      expect((await post(url, JSON.stringify(messageNew()))).status).toBe(401);
      expect(
        (await post(`${url}?secret=bot-level-secret`, JSON.stringify(messageNew()))).status,
      ).toBe(200);
      expect(runs()).toBe(1);
    });

    itUnlessParsed(
      'answers a wrong secret from the headers alone, without waiting for the body',
      async () => {
        const { url, runs } = await open();
        const { pathname } = new URL(url);
        const connection = rawRequest(
          url,
          [
            `POST ${pathname}?secret=wrong HTTP/1.1`,
            `Host: 127.0.0.1`,
            'Content-Type: application/json',
            'Content-Length: 1000000',
          ].join('\r\n'),
        );
        const answer = await connection.answer;
        expect(answer.status).toBe(401);
        expect(JSON.parse(answer.body)).toEqual({
          error: 'wrong or missing secret query parameter',
        });
        expect(answer.headers.connection).toBe('close');
        // The server hangs up rather than take in a megabyte it would drop.
        await answer.closed;
        expect(runs()).toBe(0);
      },
    );

    itUnlessParsed(
      'answers a declared length over bodyLimit with 413 from the headers alone',
      async () => {
        const { url, runs, rejected } = await open(undefined, { secret: SECRET, bodyLimit: 1000 });
        const { pathname } = new URL(url);
        const connection = rawRequest(
          url,
          [
            `POST ${pathname}?secret=${SECRET} HTTP/1.1`,
            `Host: 127.0.0.1`,
            'Content-Type: application/json',
            'Content-Length: 1001',
          ].join('\r\n'),
        );
        const answer = await connection.answer;
        expect(answer.status).toBe(413);
        expect(JSON.parse(answer.body)).toEqual({
          error: 'webhook body of 1001 bytes is over the limit of 1000 bytes',
        });
        await answer.closed;
        expect(rejected).toEqual([
          { status: 413, reason: 'webhook body of 1001 bytes is over the limit of 1000 bytes' },
        ]);
        expect(runs()).toBe(0);
      },
    );

    itUnlessParsed(
      'refuses a body without a declared length that grows past bodyLimit with 413',
      async () => {
        const { url, runs } = await open(undefined, { secret: SECRET, bodyLimit: 1000 });
        const text = JSON.stringify(messageNew({ text: 'x'.repeat(2000) }));
        // A stream has no length: it goes out chunked.
        const answer = await post(
          `${url}?secret=${SECRET}`,
          Readable.from([text.slice(0, 900), text.slice(900)]),
        );
        expect(answer.status).toBe(413);
        expect(answer.json).toEqual({ error: 'webhook body is over the limit of 1000 bytes' });
        expect(runs()).toBe(0);
      },
    );

    itUnlessParsed('refuses a body over the default limit of 1 MiB with 413', async () => {
      const { url, runs } = await open();
      const answer = await post(
        `${url}?secret=${SECRET}`,
        JSON.stringify(messageNew({ text: 'x'.repeat(1024 * 1024) })),
      );
      expect(answer.status).toBe(413);
      expect((answer.json as { error: string }).error).toMatch(/over the limit of 1048576 bytes$/);
      expect(runs()).toBe(0);
    });

    itUnlessParsed(
      'refuses a body that is not JSON, or JSON that is no webhook, with a one-line 400',
      async () => {
        const { url, runs } = await open();
        const bad = await post(`${url}?secret=${SECRET}`, '{"type": "message",');
        expect(bad.status).toBe(400);
        expect((bad.json as { error: string }).error).toMatch(/^webhook body is not JSON: [^\n]+$/);
        const noType = await post(
          `${url}?secret=${SECRET}`,
          JSON.stringify({ event: 'new', data: {} }),
        );
        expect(noType.status).toBe(400);
        expect((noType.json as { error: string }).error).toMatch(/^webhook has no type/);
        expect(runs()).toBe(0);
      },
    );

    itUnlessParsed(
      'refuses a content type that is not JSON with 415, before reading the body',
      async () => {
        const { url, runs } = await open();
        const { pathname } = new URL(url);
        const connection = rawRequest(
          url,
          [
            `POST ${pathname}?secret=${SECRET} HTTP/1.1`,
            `Host: 127.0.0.1`,
            'Content-Type: application/x-www-form-urlencoded',
            'Content-Length: 100',
          ].join('\r\n'),
        );
        const answer = await connection.answer;
        expect(answer.status).toBe(415);
        expect(JSON.parse(answer.body)).toEqual({
          error:
            'webhook content type "application/x-www-form-urlencoded" is not JSON; send application/json',
        });
        expect(runs()).toBe(0);
      },
    );

    it('takes a JSON body that comes without a content type, or as application/…+json', async () => {
      const { url, runs } = await open();
      expect((await post(`${url}?secret=${SECRET}`, JSON.stringify(messageNew()), {})).status).toBe(
        200,
      );
      const vendor = await post(`${url}?secret=${SECRET}`, JSON.stringify(messageNew()), {
        'content-type': 'application/vnd.pact+json; charset=utf-8',
      });
      expect(vendor.status).toBe(200);
      expect(runs()).toBe(2);
    });

    it(
      traits.closesOnStop
        ? 'stops taking connections once the bot stops'
        : 'answers 503 once the bot stops, so Pact delivers the webhook again',
      async () => {
        const { url, bot: stopped, runs } = await open();
        await stopped.stop();
        if (traits.closesOnStop) {
          await expect(post(url, JSON.stringify(messageNew()))).rejects.toMatchObject({
            code: 'ECONNREFUSED',
          });
        } else {
          const answer = await post(`${url}?secret=${SECRET}`, JSON.stringify(messageNew()));
          expect(answer.status).toBe(503);
          expect(answer.json).toEqual({
            error: 'the bot is stopping; Pact will deliver this webhook again',
          });
        }
        expect(runs()).toBe(0);
      },
    );
  });
}
