import { Readable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PactArgumentError, type RejectedInfo } from '@pactbot/core';
import { pactWebhook } from '@pactbot/adapter-koa';
import { messageNew } from '@pactbot/testkit/support/webhooks';
import { startShop, type Mount, type Shop, type ShopOptions } from './shop-fixture.js';

const SECRET = 's3cr3t-webhook-value';

let shop: Shop | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await shop?.close();
  shop = undefined;
});

async function open(options: ShopOptions): Promise<Shop> {
  shop = await startShop(options);
  return shop;
}

const mounts: Array<{ name: string; mount: Mount; bodyParserFirst: boolean }> = [
  { name: 'on a router route, no body parser in front', mount: 'router', bodyParserFirst: false },
  { name: 'on a router route, koa-bodyparser in front', mount: 'router', bodyParserFirst: true },
  { name: 'with app.use, no body parser in front', mount: 'app.use', bodyParserFirst: false },
  { name: 'with app.use, koa-bodyparser in front', mount: 'app.use', bodyParserFirst: true },
];

describe.each(mounts)('pactWebhook $name', ({ mount, bodyParserFirst }) => {
  const start = (extra: Partial<ShopOptions> = {}) =>
    open({ mount, bodyParserFirst, webhook: { secret: SECRET }, ...extra });

  it('passes a webhook to the bot and the reply reaches Pact', async () => {
    const { webhook, sends } = await start();
    const answer = await webhook(
      messageNew({ conversationId: 7, text: 'hello' }),
      `?secret=${SECRET}`,
    );
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ ok: true });
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(sends()).toEqual([
      { path: '/p1/companies/42/conversations/7/messages', json: { message: 'You said: hello' } },
    ]);
  });

  it('answers a redelivery 200 without running the bot again', async () => {
    const { webhook, runs, sends } = await start();
    const body = messageNew({ conversationId: 7, text: 'once' });
    expect((await webhook(body, `?secret=${SECRET}`)).json).toEqual({ ok: true });
    expect((await webhook(body, `?secret=${SECRET}`)).json).toEqual({ ok: true, duplicate: true });
    expect(runs()).toBe(1);
    expect(sends()).toHaveLength(1);
  });

  it("leaves the app's own routes and middleware as they were", async () => {
    const { call, log } = await start();
    const health = await call('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.json).toEqual({ status: 'ok' });
    expect(health.headers['x-response-time']).toMatch(/ms$/);

    const created = await call('POST', '/api/orders', {
      body: JSON.stringify({ item: 'pizza' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({ id: 1, item: 'pizza' });
    expect((await call('GET', '/api/orders')).json).toEqual([{ id: 1, item: 'pizza' }]);
    const invalid = await call('POST', '/api/orders', {
      body: JSON.stringify({ item: 3 }),
      headers: { 'content-type': 'application/json' },
    });
    expect(invalid.status).toBe(400);

    expect((await call('GET', '/no-such-page')).status).toBe(404);
    expect((await call('POST', '/pact/elsewhere', { body: '{}' })).status).toBe(404);
    expect(log).toEqual([
      'GET /health 200',
      'POST /api/orders 201',
      'GET /api/orders 200',
      'POST /api/orders 400',
      'GET /no-such-page 404',
      'POST /pact/elsewhere 404',
    ]);
  });

  it("lets errors of the app's routes reach the app's error handling", async () => {
    const { call, appErrors } = await start();
    const answer = await call('GET', '/api/boom');
    expect(answer.status).toBe(500);
    expect(answer.json).toEqual({ error: 'the shop failed' });
    expect(appErrors).toEqual([new Error('boom')]);
  });

  it('refuses a wrong or missing secret with 401, and the secret appears nowhere', async () => {
    const { webhook, runs, bot, log } = await start();
    const rejected: RejectedInfo[] = [];
    bot.events.on('rejected', (info) => rejected.push(info));
    const printed = [
      vi.spyOn(console, 'log'),
      vi.spyOn(console, 'error'),
      vi.spyOn(console, 'warn'),
    ];
    for (const query of ['', '?secret=wrong', `?secret=${SECRET.slice(0, -1)}`]) {
      const answer = await webhook(messageNew(), query);
      expect(answer.status).toBe(401);
      expect(answer.json).toEqual({ error: 'wrong or missing secret query parameter' });
    }
    expect(runs()).toBe(0);
    expect(rejected.map((r) => r.status)).toEqual([401, 401, 401]);
    const everything = JSON.stringify([rejected, log, printed.map((spy) => spy.mock.calls)]);
    expect(everything).not.toContain(SECRET);
  });

  it("falls back to the bot's own secret when none is given to the middleware", async () => {
    const { webhook, runs } = await start({ webhook: {}, botSecret: SECRET });
    expect((await webhook(messageNew(), '?secret=wrong')).status).toBe(401);
    expect((await webhook(messageNew(), `?secret=${SECRET}`)).status).toBe(200);
    expect(runs()).toBe(1);
  });

  it('refuses a body that is not JSON with 400 and never runs the bot', async () => {
    const { call, runs } = await start();
    const answer = await call('POST', `/pact?secret=${SECRET}`, {
      body: '{"type": "message", ',
      headers: { 'content-type': 'application/json' },
    });
    expect(answer.status).toBe(400);
    // koa-bodyparser, when it runs first, answers bad JSON itself; otherwise the bot's reason shows.
    if (!bodyParserFirst) expect(answer.error).toMatch(/JSON/);
    expect(runs()).toBe(0);
  });

  it('refuses a well-formed body that is no webhook with 400', async () => {
    const { webhook, runs } = await start();
    const answer = await webhook({ hello: 'world' }, `?secret=${SECRET}`);
    expect(answer.status).toBe(400);
    expect(answer.error).toMatch(/type/);
    expect(runs()).toBe(0);
  });

  it('reads the body itself when it comes without a content type', async () => {
    // koa-bodyparser sets `body` to {} for a type it does not parse and leaves the bytes unread.
    const { call, sends } = await start();
    const answer = await call('POST', `/pact?secret=${SECRET}`, {
      body: JSON.stringify(messageNew({ conversationId: 9, text: 'no type' })),
    });
    expect(answer.status).toBe(200);
    expect(sends()).toEqual([
      { path: '/p1/companies/42/conversations/9/messages', json: { message: 'You said: no type' } },
    ]);
  });

  it('refuses a content type that is not JSON with 415', async () => {
    const { call, runs } = await start();
    const webhookJson = JSON.stringify(messageNew());
    for (const [type, body] of [
      ['text/plain', webhookJson],
      ['application/x-www-form-urlencoded', 'type=message&event=new'],
    ] as const) {
      const answer = await call('POST', `/pact?secret=${SECRET}`, {
        body,
        headers: { 'content-type': type },
      });
      expect(answer.status).toBe(415);
      expect(answer.error).toMatch(/not JSON/);
    }
    expect(runs()).toBe(0);
  });

  it('refuses a body over bodyLimit with 413 and never runs the bot', async () => {
    const { webhook, runs, bot, call } = await start({
      webhook: { secret: SECRET, bodyLimit: 2000 },
    });
    const rejected: RejectedInfo[] = [];
    bot.events.on('rejected', (info) => rejected.push(info));
    const answer = await webhook(messageNew({ text: 'x'.repeat(3000) }), `?secret=${SECRET}`);
    expect(answer.status).toBe(413);
    expect(answer.error).toMatch(/over the limit of 2000 bytes/);
    expect(rejected.map((r) => r.status)).toEqual([413]);
    expect(rejected[0]!.reason).toMatch(/over the limit of 2000 bytes/);
    expect(runs()).toBe(0);
    // The app goes on serving.
    expect((await webhook(messageNew({ text: 'small' }), `?secret=${SECRET}`)).status).toBe(200);
    expect((await call('GET', '/health')).status).toBe(200);
    expect(runs()).toBe(1);
  });

  it('refuses a body without a length that grows past bodyLimit with 413', async () => {
    const { call, runs } = await start({ webhook: { secret: SECRET, bodyLimit: 2000 } });
    const text = JSON.stringify(messageNew({ text: 'x'.repeat(100_000) }));
    const chunks = text.match(/[^]{1,1000}/g)!.map((chunk) => Buffer.from(chunk));
    const answer = await call('POST', `/pact?secret=${SECRET}`, {
      body: Readable.from(chunks), // no Content-Length: sent chunked
      headers: { 'content-type': 'application/json' },
    });
    expect(answer.status).toBe(413);
    expect(answer.error).toMatch(/over the limit of 2000 bytes/);
    expect(runs()).toBe(0);
    expect((await call('GET', '/health')).status).toBe(200);
  });

  it('refuses a body over the default 1 MiB limit with 413', async () => {
    const { webhook, runs } = await start();
    const answer = await webhook(
      messageNew({ text: 'x'.repeat(1024 * 1024) }),
      `?secret=${SECRET}`,
    );
    expect(answer.status).toBe(413);
    expect(runs()).toBe(0);
  });

  it('answers 503 after bot.stop() while the rest of the app keeps serving', async () => {
    const { webhook, bot, call, runs } = await start();
    await bot.stop();
    const answer = await webhook(messageNew(), `?secret=${SECRET}`);
    expect(answer.status).toBe(503);
    expect(answer.error).toMatch(/stopping/);
    expect(runs()).toBe(0);
    expect((await call('GET', '/health')).json).toEqual({ status: 'ok' });
    const created = await call('POST', '/api/orders', {
      body: JSON.stringify({ item: 'tea' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(created.status).toBe(201);
  });
});

describe('pactWebhook on a router route', () => {
  it("leaves other methods to the router's allowedMethods: 405 with Allow: POST", async () => {
    const { call } = await open({ mount: 'router', bodyParserFirst: false });
    const answer = await call('GET', '/pact');
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('POST');
  });

  it('answers other methods 405 with Allow: POST when the route takes every method', async () => {
    const { call, runs, webhook } = await open({
      mount: 'router',
      bodyParserFirst: false,
      routes: (router, bot) => router.all('/hooks/pact', pactWebhook(bot)),
    });
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const answer = await call(method, '/hooks/pact');
      expect(answer.status).toBe(405);
      expect(answer.headers.allow).toBe('POST');
      expect(answer.json).toEqual({ error: 'webhooks are POST requests' });
    }
    expect(runs()).toBe(0);
    expect((await webhook(messageNew())).status).toBe(200);
  });
});

describe('pactWebhook with app.use', () => {
  it("leaves other methods on its path to the app's own routes", async () => {
    const { call } = await open({
      mount: 'app.use',
      bodyParserFirst: true,
      routes: (router) =>
        router.get('/pact', (ctx) => {
          ctx.body = 'Our bot lives here.';
        }),
    });
    const page = await call('GET', '/pact');
    expect(page.status).toBe(200);
    expect(page.text).toBe('Our bot lives here.');
    expect((await call('DELETE', '/pact')).status).toBe(405); // the router's allowedMethods
  });
});

describe('pactWebhook options', () => {
  it('refuses options that would fail quietly later', async () => {
    const { bot } = await open({ mount: 'router', bodyParserFirst: false });
    expect(() => pactWebhook(bot, { secret: '' })).toThrow(PactArgumentError);
    expect(() => pactWebhook(bot, { path: 'pact' })).toThrow(/path must start with "\/"/);
    expect(() => pactWebhook(bot, { bodyLimit: 0 })).toThrow(/bodyLimit/);
    expect(() => pactWebhook(bot, { bodyLimit: Number.NaN })).toThrow(/bodyLimit/);
  });
});
