// The other front ends fit their frameworks' own types: Express 5's app.post and app.use (with
// @types/express), Fastify's register, and the fetch handler as a Hono route and a plain
// (Request) => Promise<Response>.
import express from 'express';
import fastify from 'fastify';
import { Hono } from 'hono';
import { Bot, createFetchHandler, createNodeHandler } from '@pactbot/core';
import { pactWebhook as expressWebhook } from '@pactbot/adapter-express';
import { pactWebhook as fastifyWebhook } from '@pactbot/adapter-fastify';

const bot = new Bot({ token: 'token', companyId: 1 });

const app = express();
app.post('/pact', expressWebhook(bot));
app.use(expressWebhook(bot, { path: '/pact' }));
app.use(createNodeHandler(bot, { path: '/pact' }));

export const registered = fastify().register(fastifyWebhook(bot, { path: '/pact' }));

const handler: (request: Request) => Promise<Response> = createFetchHandler(bot);
new Hono().post('/pact', (c) => handler(c.req.raw));
