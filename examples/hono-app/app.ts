import { Hono } from 'hono';
import { createFetchHandler, type Bot } from '@pactbot/core';
import type { OpeningHours } from './hours.js';

/** Options of {@link createHoursApp}. */
export interface HoursAppOptions {
  bot: Bot;
  hours: OpeningHours;
  /** Require `?secret=…` on webhooks to `/pact`. */
  webhookSecret?: string | undefined;
}

/**
 * An existing Hono app — a health check and an API over the opening hours — with a Pact bot added
 * on `/pact` through the fetch handler. Serve `app.fetch` with any fetch server: Node
 * (@hono/node-server), Bun, Deno, Workers.
 */
export function createHoursApp(options: HoursAppOptions): Hono {
  const app = new Hono();
  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.get('/api/hours', (c) => c.json(options.hours.week()));
  app.put('/api/hours', async (c) => {
    const week = options.hours.update(await c.req.json().catch(() => undefined));
    return typeof week === 'string' ? c.json({ error: week }, 400) : c.json(week);
  });

  // The bot: a fetch handler on a route; it takes the standard Request Hono holds.
  const webhook = createFetchHandler(options.bot, { secret: options.webhookSecret });
  app.post('/pact', (c) => webhook(c.req.raw));
  return app;
}
