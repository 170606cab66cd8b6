import type { Composer, Context } from '@pactbot/core';

/**
 * The echo demo: text comes back as it was written, and a shared location as its coordinates.
 * Install it after everything else: it answers every text that nothing before it handled.
 */
export function echo<C extends Context>(bot: Composer<C>): void {
  bot.on('message:text', (ctx) => ctx.reply(ctx.text));
  bot.on('message:location', (ctx) => {
    const { latitude, longitude } = ctx.location;
    return ctx.reply(`📍 You are at ${latitude?.toFixed(4)}, ${longitude?.toFixed(4)}.`);
  });
}
