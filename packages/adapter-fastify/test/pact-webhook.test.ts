import type { AddressInfo } from 'node:net';
import fastify from 'fastify';
import fastify4 from 'fastify4';
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { Bot, PactArgumentError } from '@pactbot/core';
import { pactWebhook, type PactWebhookOptions } from '@pactbot/adapter-fastify';
import { describeFrontEnd } from '@pactbot/testkit/support/front-end-contract';
import { messageNew } from '@pactbot/testkit/support/webhooks';

/** Fastify 4 and 5 ship their own types; the app code below is the same for both. */
const flavours = [
  { name: 'Fastify 5', fastify },
  { name: 'Fastify 4', fastify: fastify4 as unknown as typeof fastify },
];

/** An existing app: a health check, a JSON API, its own error handler — and the bot. */
async function startApp(
  flavour: (typeof flavours)[number],
  bot: Bot,
  webhook: Omit<PactWebhookOptions, 'path'> & { path?: string },
  prefix?: string,
) {
  const app = flavour.fastify();
  const errors: unknown[] = [];
  app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
    errors.push(error);
    void reply.code(error.statusCode ?? 500).send({ appError: error.message });
  });
  app.get('/health', () => ({ status: 'ok' }));
  app.post('/api/echo', (req, reply) => reply.code(201).send({ got: req.body }));
  app.get('/pact', () => 'a page the app serves at /pact');
  await app.register(pactWebhook(bot, { path: '/pact', ...webhook }), { prefix });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    base: address.replace('localhost', '127.0.0.1'),
    port: (app.server.address() as AddressInfo).port,
    errors,
    close: () => app.close(),
  };
}

for (const flavour of flavours) {
  describeFrontEnd(`pactWebhook registered on ${flavour.name}`, async (bot, options) => {
    const app = await startApp(flavour, bot, options);
    return { url: `${app.base}/pact`, close: app.close };
  });
}

async function call(url: string, method: string, body?: string, contentType = 'application/json') {
  const response = await request(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': contentType },
    body,
  });
  return { status: response.statusCode, text: await response.body.text() };
}

describe.each(flavours)('pactWebhook in an existing $name app', (flavour) => {
  let bot: Bot | undefined;
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await bot?.stop({ timeoutMs: 1000 });
    await close?.();
    bot = close = undefined;
  });

  async function open(prefix?: string) {
    bot = new Bot({ token: 'test-token', companyId: 42, apiUrl: 'http://127.0.0.1:9' });
    let runs = 0;
    bot.use(() => void runs++);
    const app = await startApp(flavour, bot, {}, prefix);
    close = app.close;
    return { ...app, runs: () => runs };
  }

  it("leaves the app's own routes and JSON parsing as they were", async () => {
    const { base } = await open();
    expect((await call(`${base}/health`, 'GET')).text).toBe('{"status":"ok"}');
    expect(await call(`${base}/api/echo`, 'POST', '{"item":"pizza"}')).toEqual({
      status: 201,
      text: '{"got":{"item":"pizza"}}',
    });
    // The app still refuses what it never parsed: the plugin's catch-all parser is its own.
    expect((await call(`${base}/api/echo`, 'POST', 'item=pizza', 'text/csv')).status).toBe(415);
    expect((await call(`${base}/pact`, 'GET')).text).toBe('a page the app serves at /pact');
  });

  it('serves the route under the prefix it is registered with', async () => {
    const { base, runs } = await open('/hooks');
    expect((await call(`${base}/hooks/pact`, 'POST', JSON.stringify(messageNew()))).text).toBe(
      '{"ok":true}',
    );
    expect((await call(`${base}/pact`, 'POST', JSON.stringify(messageNew()))).status).toBe(404);
    expect(runs()).toBe(1);
  });

  it("passes failures of the bot's machinery to the app's error handler", async () => {
    const { base, errors } = await open();
    bot!.handleWebhook = () => Promise.reject(new Error('state went away'));
    const answer = await call(`${base}/pact`, 'POST', JSON.stringify(messageNew()));
    expect(answer).toEqual({ status: 500, text: '{"appError":"state went away"}' });
    expect(errors).toHaveLength(1);
  });
});

describe('pactWebhook options', () => {
  it('refuses options that would fail quietly later', () => {
    const bot = new Bot({ token: 'test-token', companyId: 42 });
    expect(() => pactWebhook(bot, {} as PactWebhookOptions)).toThrow(
      new PactArgumentError(
        `pactWebhook: path must be the webhook's route, starting with "/" (such as '/pact'), got undefined`,
      ),
    );
    expect(() => pactWebhook(bot, { path: '/pact', secret: '' })).toThrow(
      'pactWebhook: secret must be a non-empty string when given',
    );
    expect(() => pactWebhook(bot, { path: '/pact', bodyLimit: 1.5 })).toThrow(
      'pactWebhook: bodyLimit must be a positive whole number of bytes, got 1.5',
    );
    expect(() => pactWebhook({} as Bot, { path: '/pact' })).toThrow(
      'pactWebhook: the first argument must be a Bot (new Bot({ token, companyId }))',
    );
  });
});
