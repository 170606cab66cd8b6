import { Bot } from '@pactbot/core';
import type { TicketDesk } from './tickets.js';

/** Options of {@link createDeskBot}. */
export interface DeskBotOptions {
  token: string;
  companyId: number;
  /** Pact's API address; tests and the sandbox pass their own. */
  apiUrl?: string | undefined;
  desk: TicketDesk;
}

/** The help desk's bot: opens a ticket for "help …" and says which of the customer's are open. */
export function createDeskBot(options: DeskBotOptions): Bot {
  const { desk } = options;
  const bot = new Bot({
    token: options.token,
    companyId: options.companyId,
    apiUrl: options.apiUrl,
  });
  bot.hears(/^help\s+(.+)/is, (ctx) => {
    const text = typeof ctx.match === 'string' ? ctx.text : ctx.match[1]!;
    const ticket = desk.open(ctx.conversationId, text.trim());
    return ctx.reply(`Ticket #${ticket.id} is open. Someone will answer here soon.`);
  });
  bot.hears(/^tickets$/i, (ctx) => {
    const open = desk.openIn(ctx.conversationId);
    if (open.length === 0) return ctx.reply('You have no open tickets.');
    return ctx.reply(open.map((t) => `#${t.id}: ${t.text}`).join('\n'));
  });
  bot.on('message:text', (ctx) =>
    ctx.reply('Write "help" and what is wrong, like "help my order did not arrive".'),
  );
  return bot;
}
