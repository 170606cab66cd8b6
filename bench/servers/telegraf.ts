/**
 * The echo bot on Telegraf, fed through `bot.webhookCallback('/tg')` on node:http, its API root a
 * local stand-in of Telegram's Bot API. Fair configuration: `botInfo` set (no getMe round trip);
 * `webhookReply: false`, so the reply is a real sendMessage call as in every other contestant
 * (Telegraf's default would answer it inside the webhook response and make no API call at all).
 * For an http API root Telegraf drops any agent it is given and node-fetch uses Node's global
 * agent, which keeps connections alive on Node 20.
 */
import http from 'node:http';
import { Telegraf } from 'telegraf';
import { message } from 'telegraf/filters';
import { config, count, serve } from '../lib/child-kit.js';

const { apiUrl } = config<{ apiUrl: string }>();
const bot = new Telegraf('bench-token', { telegram: { apiRoot: apiUrl, webhookReply: false } });
bot.botInfo = {
  id: 7000001,
  is_bot: true,
  first_name: 'Bench',
  username: 'bench_bot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
};
bot.on(message('text'), (ctx) => {
  count('handled');
  return ctx.reply(`You said: ${ctx.message.text}`);
});
bot.catch(() => count('errors'));

const handle = bot.webhookCallback('/tg');
const server = http.createServer((req, res) => void handle(req, res));
serve(server);
