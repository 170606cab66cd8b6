/**
 * Runs the opening-hours app with its bot on Node:
 *
 *   PACT_TOKEN=… PACT_COMPANY_ID=42 WEBHOOK_SECRET=… PORT=3000 \
 *     node --conditions=pactbot-source --import tsx examples/hono-app/main.ts
 *
 * PACT_API_URL points the bot at another Pact (the sandbox, in its test).
 */
import { serve } from '@hono/node-server';
import { createHoursApp } from './app.js';
import { createHoursBot } from './bot.js';
import { OpeningHours } from './hours.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`Set ${name} (see examples/hono-app/README.md).`);
    process.exit(1);
  }
  return value;
}

const hours = new OpeningHours();
const bot = createHoursBot({
  token: required('PACT_TOKEN'),
  companyId: Number(required('PACT_COMPANY_ID')),
  apiUrl: process.env.PACT_API_URL || undefined,
  hours,
});
const webhookSecret = process.env.WEBHOOK_SECRET || undefined;
const app = createHoursApp({ bot, hours, webhookSecret });
const server = serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000) }, (info) =>
  console.log(`opening hours listening on http://localhost:${info.port}`),
);

async function shutdown(): Promise<void> {
  // The bot first: webhooks arriving meanwhile get 503 (Pact sends them again), running ones finish.
  await bot.stop();
  server.close();
}
process.once('SIGINT', () => void shutdown());
process.once('SIGTERM', () => void shutdown());
