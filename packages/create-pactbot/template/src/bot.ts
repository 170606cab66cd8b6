import type { Bot } from '@pactbot/core';

/**
 * The bot's handlers. src/main.ts installs them on the running bot, test/bot.test.ts on a bot
 * under test. Handlers run in the order they were added: the catch-all text handler comes last.
 */
export function setup(bot: Bot): void {
  bot.hears(/^(hi|hello|start|menu)$/i, (ctx) =>
    ctx.buttons('Hi! I am a brand new bot. What shall we do?', [
      { title: 'Tell me a joke', id: 'joke' },
      { title: 'Bye', id: 'bye' },
    ]),
  );
  bot.action('joke', (ctx) =>
    ctx.reply('Why do bots never get lost? They always follow the webhook.'),
  );
  bot.action('bye', (ctx) => ctx.reply('Goodbye! Write "hi" whenever you like.'));
  bot.on('message:text', (ctx) => ctx.reply(`You said: ${ctx.text}. Write "hi" for the menu.`));
}
