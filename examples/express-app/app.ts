import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Bot } from '@pactbot/core';
import { pactWebhook } from '@pactbot/adapter-express';
import type { TicketDesk } from './tickets.js';

/** Options of {@link createDeskApp}. */
export interface DeskAppOptions {
  bot: Bot;
  desk: TicketDesk;
  /** Require `?secret=…` on webhooks to `/pact`. */
  webhookSecret?: string | undefined;
  /** Where the request log goes. Default `console.log`. */
  log?: ((line: string) => void) | undefined;
}

/**
 * An existing Express app — a request log, a health check, a JSON API over the desk's tickets,
 * JSON errors — with a Pact bot added on `/pact`. Returns the app; call `app.listen()`.
 */
export function createDeskApp(options: DeskAppOptions): Express {
  const { desk } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  const app = express();

  app.use((req, res, next) => {
    const started = performance.now();
    res.on('finish', () => {
      // req.path, not req.url: the webhook URL carries the secret in its query.
      log(
        `${req.method} ${req.path} ${res.statusCode} ${(performance.now() - started).toFixed(1)}ms`,
      );
    });
    next();
  });

  // The bot: this line and the import of pactWebhook are all it takes. Mounted before
  // express.json(), it checks the secret before it reads a body, and reads the body itself.
  app.post('/pact', pactWebhook(options.bot, { secret: options.webhookSecret }));

  app.use(express.json());
  app.get('/health', (_req, res) => void res.json({ status: 'ok' }));
  app.get('/api/tickets', (_req, res) => void res.json(desk.list()));
  app.post('/api/tickets/:id/close', async (req: Request<{ id: string }>, res, next) => {
    const ticket = desk.close(Number(req.params.id));
    if (!ticket) return void res.status(404).json({ error: `no ticket ${req.params.id}` });
    try {
      // Tell the customer where the ticket came from.
      await options.bot.api.messages.send(ticket.conversationId, {
        message: `Ticket #${ticket.id} is closed. Thank you!`,
      });
      res.json(ticket);
    } catch (error) {
      next(error);
    }
  });
  app.use((error: Error, _req: Request, res: Response, _next: NextFunction) => {
    log(`error: ${error.message}`);
    res.status(500).json({ error: 'something went wrong' });
  });
  return app;
}
