import Router from '@koa/router';
import Koa from 'koa';
import bodyParser from 'koa-bodyparser';
import type { Bot } from '@pactbot/core';
import { pactWebhook } from '@pactbot/adapter-koa';
import { OrderBook, parseNewOrder } from './orders.js';

/** Options of {@link createShopApp}. */
export interface ShopAppOptions {
  /** The bot to put on `/pact`. */
  bot: Bot;
  /** The shop's orders. Default: a new, empty book. */
  orders?: OrderBook | undefined;
  /** Require `?secret=…` on webhooks to `/pact`. */
  webhookSecret?: string | undefined;
  /** Where the request log goes. Default `console.log`. */
  log?: ((line: string) => void) | undefined;
}

/**
 * An existing Koa shop — a request log, JSON errors, a health check, an orders API behind
 * koa-bodyparser — with a Pact bot added on `/pact`. Returns the app; call `app.listen()`.
 */
export function createShopApp(options: ShopAppOptions): Koa {
  const orders = options.orders ?? new OrderBook();
  const log = options.log ?? ((line: string) => console.log(line));
  const app = new Koa();

  app.use(async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const ms = (performance.now() - started).toFixed(1);
      ctx.set('X-Response-Time', `${ms}ms`);
      // ctx.path, not ctx.url: the webhook URL carries the secret in its query.
      log(`${ctx.method} ${ctx.path} ${ctx.status} ${ms}ms`);
    }
  });
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const { status, expose, message } = error as Error & { status?: number; expose?: boolean };
      ctx.status = status !== undefined && status >= 400 && status < 500 ? status : 500;
      ctx.body = { error: expose === true ? message : 'something went wrong' };
      if (ctx.status === 500) ctx.app.emit('error', error, ctx);
    }
  });
  app.use(bodyParser());

  const router = new Router();
  router.get('/health', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/api/orders', (ctx) => {
    ctx.body = orders.list();
  });
  router.get('/api/orders/:id', (ctx) => {
    const order = orders.get(Number(ctx.params.id));
    if (!order) return ctx.throw(404, `no order ${ctx.params.id}`);
    ctx.body = order;
  });
  router.post('/api/orders', (ctx) => {
    const order = parseNewOrder(ctx.request.body);
    if (typeof order === 'string') return ctx.throw(400, order);
    ctx.status = 201;
    ctx.body = orders.add(order);
  });

  // The bot: this line and the import of pactWebhook are all it takes.
  router.post('/pact', pactWebhook(options.bot, { secret: options.webhookSecret }));

  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
