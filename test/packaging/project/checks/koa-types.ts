// The Koa adapter's middleware is typed where the app uses it: @types/koa comes with the adapter
// (a peer npm installs), and the middleware is Koa's Middleware, not any.
import Koa from 'koa';
import { Bot } from '@pactbot/core';
import { pactWebhook } from '@pactbot/adapter-koa';

type IsAny<T> = 0 extends 1 & T ? true : false;

const bot = new Bot({ token: 'token', companyId: 1 });
const middleware = pactWebhook(bot, { path: '/pact' });
export const notAny: IsAny<typeof middleware> = false;
export const koaMiddleware: Koa.Middleware = middleware;
new Koa().use(middleware);
