import { Bot } from '@pactbot/core';
import type { OrderBook } from './orders.js';

/** Options of {@link createShopBot}. */
export interface ShopBotOptions {
  token: string;
  companyId: number;
  /** Pact's API address; tests and the sandbox pass their own. */
  apiUrl?: string | undefined;
  orders: OrderBook;
}

/** The shop's assistant: tells customers where their order is. */
export function createShopBot(options: ShopBotOptions): Bot {
  const { orders } = options;
  const bot = new Bot({
    token: options.token,
    companyId: options.companyId,
    apiUrl: options.apiUrl,
  });
  bot.hears(/^order\s*#?(\d+)$/i, (ctx) => {
    const order = typeof ctx.match === 'string' ? undefined : orders.get(Number(ctx.match[1]));
    if (!order) return ctx.reply('I could not find that order. Check the number on your receipt.');
    return ctx.reply(`Order #${order.id} (${order.quantity} × ${order.item}): ${order.status}.`);
  });
  bot.on('message:text', (ctx) =>
    ctx.reply('Hi! Write "order" and its number, like "order 12", to see where your order is.'),
  );
  return bot;
}
