import { Bot } from '@pactbot/core';
import { DAYS, type OpeningHours } from './hours.js';

/** Options of {@link createHoursBot}. */
export interface HoursBotOptions {
  token: string;
  companyId: number;
  /** Pact's API address; tests and the sandbox pass their own. */
  apiUrl?: string | undefined;
  hours: OpeningHours;
}

/** Tells customers when the place is open, as the app's API last set it. */
export function createHoursBot(options: HoursBotOptions): Bot {
  const bot = new Bot({
    token: options.token,
    companyId: options.companyId,
    apiUrl: options.apiUrl,
  });
  bot.hears(/\b(hours|open)\b/i, (ctx) => {
    const week = options.hours.week();
    const lines = DAYS.map(
      (day) => `${day[0]!.toUpperCase()}${day.slice(1)}: ${week[day] ?? 'closed'}`,
    );
    return ctx.reply(`We are open:\n${lines.join('\n')}`);
  });
  bot.on('message:text', (ctx) => ctx.reply('Ask me "when are you open?"'));
  return bot;
}
