import { once } from 'node:events';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import Router from '@koa/router';
import Koa from 'koa';
import bodyParser from 'koa-bodyparser';
import { request } from 'undici';
import { Bot } from '@pactbot/core';
import { pactWebhook, type PactWebhookOptions } from '@pactbot/adapter-koa';
import { startPactStub, type PactStub } from '@pactbot/testkit/support/pact-stub';

/** How the webhook is put into the app. */
export type Mount = 'router' | 'app.use';

/** Options of {@link startShop}. */
export interface ShopOptions {
  mount: Mount;
  /** Run koa-bodyparser on every request, before the webhook; otherwise only the API parses. */
  bodyParserFirst: boolean;
  webhook?: PactWebhookOptions;
  /** The bot's own `secret` option. */
  botSecret?: string;
  /** Extra routes of the existing app, added before the webhook is mounted. */
  routes?: (router: Router, bot: Bot) => void;
}

/** An answer as a client saw it. */
export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** The body parsed as JSON, when it was JSON. */
  json: unknown;
  /** The `error` of a JSON answer, when it has one. */
  error: string | undefined;
}

/** A running Koa app with a bot mounted on `/pact`, and a stand-in of Pact for the bot's sends. */
export interface Shop {
  bot: Bot;
  stub: PactStub;
  base: string;
  /** Times the bot's middleware ran. */
  runs(): number;
  /** Log lines of the app's own timing middleware. */
  log: string[];
  /** Errors the app's error middleware caught. */
  appErrors: unknown[];
  call(
    method: string,
    path: string,
    options?: { body?: string | Readable; headers?: Record<string, string> },
  ): Promise<Answer>;
  /** POSTs a JSON webhook body to `/pact` plus `query`. */
  webhook(body: unknown, query?: string): Promise<Answer>;
  sends(): Array<{ path: string; json: unknown }>;
  close(): Promise<void>;
}

let nextJob = 1;

/**
 * Builds an "existing" Koa shop app — error handling, a timing log, a health check, a JSON API
 * behind koa-bodyparser — and mounts a reply-to-everything bot on `/pact` the way `options` says.
 */
export async function startShop(options: ShopOptions): Promise<Shop> {
  const stub = await startPactStub();
  // Accepts every send as Pact does: a job in state trying_deliver (see @pactbot/testkit/support/bot-fixture).
  stub.route('POST', /^\/p1\/companies\/\d+\/conversations\/\d+\/messages$/, (req) => ({
    body: {
      status: 'ok',
      data: {
        id: nextJob++,
        company_id: 42,
        channel: { id: 1, type: 'whatsapp' },
        conversation_id: Number(req.path.split('/')[5]),
        state: 'trying_deliver',
        message_id: null,
        details: null,
        created_at: 1510396057,
      },
    },
  }));
  const bot = new Bot({
    token: 'test-token',
    companyId: 42,
    apiUrl: stub.url,
    rateLimit: false,
    secret: options.botSecret,
  });
  let runs = 0;
  bot.use((_ctx, next) => {
    runs++;
    return next();
  });
  bot.on('message:text', (ctx) => ctx.reply(`You said: ${ctx.text}`));

  const log: string[] = [];
  const appErrors: unknown[] = [];
  const app = new Koa();
  app.use(async (ctx, next) => {
    const started = performance.now();
    await next();
    const ms = performance.now() - started;
    ctx.set('X-Response-Time', `${ms.toFixed(1)}ms`);
    // The path, not the URL: the webhook URL carries the secret.
    log.push(`${ctx.method} ${ctx.path} ${ctx.status}`);
  });
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      // Client errors (ctx.throw, koa-bodyparser's 400 and 413) keep their status, as in Koa's own handler.
      const { status, expose, message } = error as {
        status?: number;
        expose?: boolean;
        message: string;
      };
      if (status !== undefined && status >= 400 && status < 500) {
        ctx.status = status;
        ctx.body = { error: expose === true ? message : 'bad request' };
        return;
      }
      appErrors.push(error);
      ctx.status = 500;
      ctx.body = { error: 'the shop failed' };
    }
  });
  if (options.bodyParserFirst) app.use(bodyParser());

  const orders: Array<{ id: number; item: string }> = [];
  const router = new Router();
  const parseJson = options.bodyParserFirst
    ? (_ctx: Koa.Context, next: Koa.Next) => next()
    : bodyParser();
  router.get('/health', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/api/orders', (ctx) => {
    ctx.body = orders;
  });
  router.post('/api/orders', parseJson, (ctx) => {
    const { item } = (ctx.request.body ?? {}) as { item?: unknown };
    if (typeof item !== 'string') return ctx.throw(400, 'item must be a string');
    const order = { id: orders.length + 1, item };
    orders.push(order);
    ctx.status = 201;
    ctx.body = order;
  });
  router.get('/api/boom', () => {
    throw new Error('boom');
  });
  options.routes?.(router, bot);
  if (options.mount === 'router') router.post('/pact', pactWebhook(bot, options.webhook));
  else app.use(pactWebhook(bot, { path: '/pact', ...options.webhook }));
  app.use(router.routes()).use(router.allowedMethods());

  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const call: Shop['call'] = async (method, path, callOptions = {}) => {
    const response = await request(`${base}${path}`, {
      method,
      headers: callOptions.headers,
      body: callOptions.body,
    });
    const text = await response.body.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const error = (json as { error?: unknown } | undefined)?.error;
    return {
      status: response.statusCode,
      headers: response.headers,
      text,
      json,
      error: typeof error === 'string' ? error : undefined,
    };
  };

  return {
    bot,
    stub,
    base,
    runs: () => runs,
    log,
    appErrors,
    call,
    webhook: (body, query = '') =>
      call('POST', `/pact${query}`, {
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      }),
    sends: () =>
      stub.requests
        .filter((r) => r.method === 'POST' && r.path.endsWith('/messages'))
        .map((r) => ({ path: r.path, json: r.json })),
    async close() {
      await bot.stop({ timeoutMs: 1000 });
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
      await stub.close();
    },
  };
}
