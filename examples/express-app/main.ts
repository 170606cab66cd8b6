/**
 * Runs the help desk with its bot:
 *
 *   PACT_TOKEN=… PACT_COMPANY_ID=42 WEBHOOK_SECRET=… PORT=3000 \
 *     node --conditions=pactbot-source --import tsx examples/express-app/main.ts
 *
 * PACT_API_URL points the bot at another Pact (the sandbox, in its test).
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { createDeskApp } from './app.js';
import { createDeskBot } from './bot.js';
import { TicketDesk } from './tickets.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`Set ${name} (see examples/express-app/README.md).`);
    process.exit(1);
  }
  return value;
}

const desk = new TicketDesk();
const bot = createDeskBot({
  token: required('PACT_TOKEN'),
  companyId: Number(required('PACT_COMPANY_ID')),
  apiUrl: process.env.PACT_API_URL || undefined,
  desk,
});
const webhookSecret = process.env.WEBHOOK_SECRET || undefined;
const server = createDeskApp({ bot, desk, webhookSecret }).listen(Number(process.env.PORT ?? 3000));
await once(server, 'listening');
console.log(`help desk listening on http://localhost:${(server.address() as AddressInfo).port}`);
if (!webhookSecret)
  console.warn('WEBHOOK_SECRET is not set: anyone who finds /pact can post to it');

async function shutdown(): Promise<void> {
  // The bot first: webhooks arriving meanwhile get 503 (Pact sends them again), running ones finish.
  await bot.stop();
  server.close();
  server.closeIdleConnections();
}
process.once('SIGINT', () => void shutdown());
process.once('SIGTERM', () => void shutdown());
