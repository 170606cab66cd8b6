/**
 * Koa servers of the Koa case, on a @koa/router route at `/pact`:
 * - `bare`: koa-bodyparser app-wide and a route that reads the message text and answers 200;
 * - `adapter`: `pactWebhook(bot)` on the route, no body parser (the adapter reads the body);
 * - `adapter+bodyparser`: the same behind app-wide koa-bodyparser (the adapter takes its rawBody).
 * The bot's handler reads `ctx.text`, as in the intake case.
 */
import http from 'node:http';
import Router from '@koa/router';
import { Bot } from '@pactbot/core';
import { pactWebhook } from '@pactbot/adapter-koa';
import Koa from 'koa';
import bodyParser from 'koa-bodyparser';
import { config, count, serve } from '../lib/child-kit.js';

const { variant } = config<{ variant: 'bare' | 'adapter' | 'adapter+bodyparser' }>();
const app = new Koa();
const router = new Router();
let sink = 0;
let bot: Bot | undefined;

if (variant === 'bare') {
  app.use(bodyParser());
  router.post('/pact', (ctx) => {
    const update = ctx.request.body as { data?: { message?: string } };
    sink += update.data?.message?.length ?? 0;
    count('handled');
    ctx.body = { ok: true };
  });
} else {
  bot = new Bot({ token: 'bench-token', companyId: 42, apiUrl: 'http://127.0.0.1:9' });
  bot.catch(() => count('errors'));
  bot.on('message:text', (ctx) => {
    sink += ctx.text.length;
    count('handled');
  });
  if (variant === 'adapter+bodyparser') app.use(bodyParser());
  router.post('/pact', pactWebhook(bot));
}
app.use(router.routes());
app.use(router.allowedMethods());

const callback = app.callback();
const server = http.createServer((req, res) => void callback(req, res));
serve(server, async () => {
  count('sink', sink % 2);
  await bot?.stop({ timeoutMs: 1000 });
});
