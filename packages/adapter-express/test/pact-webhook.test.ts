import { once } from 'node:events';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import express4 from 'express4';
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { Bot, PactArgumentError } from '@pactbot/core';
import { pactWebhook, type PactWebhookOptions } from '@pactbot/adapter-express';
import { describeFrontEnd } from '@pactbot/testkit/support/front-end-contract';
import { messageNew } from '@pactbot/testkit/support/webhooks';

/** Express 4 and 5 have different type packages; the app code below is the same for both. */
const flavours = [
  { name: 'Express 5', express },
  { name: 'Express 4', express: express4 as unknown as typeof express },
];

type Mount = 'route' | 'app.use';

/** An existing app: a health check, a JSON API, an error handler — and the bot on /pact. */
async function startApp(
  flavour: (typeof flavours)[number],
  bot: Bot,
  options: { mount: Mount; jsonFirst: boolean; webhook?: PactWebhookOptions },
) {
  const app = flavour.express();
  const errors: unknown[] = [];
  if (options.jsonFirst) app.use(flavour.express.json());
  app.get('/health', (_req, res) => void res.json({ status: 'ok' }));
  app.post(
    '/api/echo',
    options.jsonFirst ? [] : [flavour.express.json()],
    (req: express.Request, res: express.Response) => {
      res.status(201).json({ got: req.body as unknown });
    },
  );
  if (options.mount === 'route') app.post('/pact', pactWebhook(bot, options.webhook));
  else app.use(pactWebhook(bot, { path: '/pact', ...options.webhook }));
  app.get('/pact', (_req, res) => void res.send('a page the app serves at /pact'));
  app.use(
    (
      error: Error & { status?: number },
      _req: express.Request,
      res: express.Response,
      _next: express.NextFunction,
    ) => {
      errors.push(error);
      res.status(error.status ?? 500).json({ appError: error.message });
    },
  );
  const server: http.Server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    errors,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

for (const flavour of flavours) {
  for (const mount of ['route', 'app.use'] as const) {
    for (const jsonFirst of [false, true]) {
      describeFrontEnd(
        `pactWebhook on ${flavour.name}, ${mount === 'route' ? "app.post('/pact')" : "app.use with path '/pact'"}, ${jsonFirst ? 'express.json() in front' : 'no body parser in front'}`,
        async (bot, options) => {
          const app = await startApp(flavour, bot, { mount, jsonFirst, webhook: options });
          return { url: `${app.base}/pact`, close: app.close };
        },
        { parserInFront: jsonFirst },
      );
    }
  }
}

async function call(url: string, method: string, body?: string, contentType = 'application/json') {
  const response = await request(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': contentType },
    body,
  });
  const text = await response.body.text();
  return { status: response.statusCode, headers: response.headers, text };
}

describe.each(flavours)('pactWebhook in an existing $name app', (flavour) => {
  let bot: Bot | undefined;
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await bot?.stop({ timeoutMs: 1000 });
    await close?.();
    bot = close = undefined;
  });

  async function open(mount: Mount, jsonFirst: boolean, webhook?: PactWebhookOptions) {
    bot = new Bot({ token: 'test-token', companyId: 42, apiUrl: 'http://127.0.0.1:9' });
    let runs = 0;
    bot.use(() => void runs++);
    const app = await startApp(flavour, bot, { mount, jsonFirst, webhook });
    close = app.close;
    return { ...app, runs: () => runs };
  }

  it("leaves the app's own routes, parser and error handling as they were", async () => {
    const { base } = await open('app.use', false);
    expect((await call(`${base}/health`, 'GET')).text).toBe('{"status":"ok"}');
    expect(await call(`${base}/api/echo`, 'POST', '{"item":"pizza"}')).toMatchObject({
      status: 201,
      text: '{"got":{"item":"pizza"}}',
    });
    expect((await call(`${base}/nothing-here`, 'GET')).status).toBe(404);
  });

  it('with app.use and path, leaves other methods on that path to the app', async () => {
    const { base, runs } = await open('app.use', false);
    expect((await call(`${base}/pact`, 'GET')).text).toBe('a page the app serves at /pact');
    expect((await call(`${base}/pact/deeper`, 'POST', '{}')).status).toBe(404);
    expect(runs()).toBe(0);
  });

  it('on an app.all route, answers other methods 405 with Allow: POST', async () => {
    bot = new Bot({ token: 'test-token', companyId: 42, apiUrl: 'http://127.0.0.1:9' });
    const app = flavour.express();
    app.all('/pact', pactWebhook(bot));
    const server: http.Server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    close = async () => {
      server.close();
      await once(server, 'close');
    };
    const answer = await call(
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/pact`,
      'PUT',
      '{}',
    );
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('POST');
  });

  it("passes failures of the bot's machinery to the app's error handler", async () => {
    const { base, errors } = await open('route', false);
    bot!.handleWebhook = () => Promise.reject(new Error('state went away'));
    const answer = await call(`${base}/pact`, 'POST', JSON.stringify(messageNew()));
    expect(answer).toMatchObject({ status: 500, text: '{"appError":"state went away"}' });
    expect(errors).toHaveLength(1);
  });

  describe('with express.json() in front', () => {
    it('takes what the parser parsed, and measures it by its declared length against bodyLimit', async () => {
      const { base, runs } = await open('route', true, { bodyLimit: 2000 });
      expect((await call(`${base}/pact`, 'POST', JSON.stringify(messageNew()))).text).toBe(
        '{"ok":true}',
      );
      const long = await call(
        `${base}/pact`,
        'POST',
        JSON.stringify(messageNew({ text: 'x'.repeat(3000) })),
      );
      expect(long.status).toBe(413);
      expect(JSON.parse(long.text)).toEqual({
        error: expect.stringMatching(
          /^webhook body of \d+ bytes is over the limit of 2000 bytes$/,
        ) as string,
      });
      expect(runs()).toBe(1);
    });

    it("leaves bad JSON to the parser, whose error reaches the app's error handler", async () => {
      const { base, errors, runs } = await open('route', true);
      const answer = await call(`${base}/pact`, 'POST', '{"type": "message",');
      expect(answer.status).toBe(400);
      expect(errors).toHaveLength(1);
      expect(runs()).toBe(0);
    });

    it('reads the body itself when the parser skipped its content type', async () => {
      const { base, runs } = await open('route', true);
      const answer = await call(
        `${base}/pact`,
        'POST',
        JSON.stringify(messageNew()),
        'application/vnd.pact+json',
      );
      expect(answer.text).toBe('{"ok":true}');
      expect(runs()).toBe(1);
    });
  });
});

describe('pactWebhook options', () => {
  it('refuses options that would fail quietly later, naming pactWebhook', () => {
    const bot = new Bot({ token: 'test-token', companyId: 42 });
    expect(() => pactWebhook(bot, { path: 'pact' })).toThrow(
      new PactArgumentError('pactWebhook: path must start with "/", got "pact"'),
    );
    expect(() => pactWebhook(bot, { secret: '' })).toThrow(
      'pactWebhook: secret must be a non-empty string when given',
    );
    expect(() => pactWebhook(bot, { bodyLimit: -5 })).toThrow(
      'pactWebhook: bodyLimit must be a positive whole number of bytes, got -5',
    );
  });
});
