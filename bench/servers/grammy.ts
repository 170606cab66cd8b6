/**
 * The echo bot on grammY, fed through `webhookCallback(bot, 'http')` on node:http, its API root a
 * local stand-in of Telegram's Bot API. Fair configuration: `botInfo` given (no getMe round trip),
 * grammY's default keep-alive http.Agent for an http API root, no webhook reply (grammY's default:
 * the reply is a real sendMessage call, as in every other contestant).
 */
import http from 'node:http';
import { Bot, webhookCallback } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { config, count, serve } from '../lib/child-kit.js';

const { apiUrl } = config<{ apiUrl: string }>();
const botInfo = {
  id: 7000001,
  is_bot: true,
  first_name: 'Bench',
  username: 'bench_bot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
} as UserFromGetMe;

const bot = new Bot('bench-token', { botInfo, client: { apiRoot: apiUrl } });
bot.on('message:text', (ctx) => {
  count('handled');
  return ctx.reply(`You said: ${ctx.message.text}`);
});
bot.catch(() => count('errors'));

const handle = webhookCallback(bot, 'http');
const server = http.createServer((req, res) => void handle(req, res));
serve(server);
