/**
 * Runs the shop with its bot:
 *
 *   PACT_TOKEN=… PACT_COMPANY_ID=42 WEBHOOK_SECRET=… PORT=3000 \
 *     node --conditions=pactbot-source --import tsx examples/koa-embed/main.ts
 *
 * PACT_API_URL points the bot at another Pact (the sandbox, a stand-in in tests).
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createShopApp } from './app.js';
import { createShopBot } from './bot.js';
import { OrderBook } from './orders.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`Set ${name} (see examples/koa-embed/README.md).`);
    process.exit(1);
  }
  return value;
}

const orders = new OrderBook();
const bot = createShopBot({
  token: required('PACT_TOKEN'),
  companyId: Number(required('PACT_COMPANY_ID')),
  apiUrl: process.env.PACT_API_URL || undefined,
  orders,
});
const webhookSecret = process.env.WEBHOOK_SECRET || undefined;
const app = createShopApp({ bot, orders, webhookSecret });

const server = app.listen(Number(process.env.PORT ?? 3000));
await once(server, 'listening');
const { port } = server.address() as AddressInfo;
console.log(`shop listening on http://localhost:${port}`);
console.log(
  `point Pact's webhook at https://<your host>/pact${webhookSecret ? '?secret=<WEBHOOK_SECRET>' : ''}`,
);
if (!webhookSecret)
  console.warn('WEBHOOK_SECRET is not set: anyone who finds /pact can post to it');

async function shutdown(): Promise<void> {
  // The bot first: webhooks arriving meanwhile get 503 (Pact sends them again), running ones finish.
  const report = await bot.stop();
  if (report.unfinishedUpdates > 0 || report.pendingSends > 0) console.warn('unfinished:', report);
  server.close();
  server.closeIdleConnections();
}
process.once('SIGINT', () => void shutdown());
process.once('SIGTERM', () => void shutdown());
