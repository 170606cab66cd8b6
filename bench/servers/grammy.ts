/**
 * The echo bot on grammY, fed through `webhookCallback(bot, 'http')` on node:http, its API root a
 * local stand-in of Telegram's Bot API. Fair configuration: `botInfo` given (no getMe round trip),
 * grammY's default keep-alive http.Agent for an http API root, no webhook reply (grammY's default:
 * the reply is a real sendMessage call, as in every other contestant).
 */
import http from 'node:http';
import { Bot, webhookCallback } from 'grammy';
import { BENCH_BOT_INFO } from './grammy-bot-info.js';
import { config, count, serve } from '../lib/child-kit.js';

const { apiUrl } = config<{ apiUrl: string }>();

const bot = new Bot('bench-token', { botInfo: BENCH_BOT_INFO, client: { apiRoot: apiUrl } });
bot.on('message:text', (ctx) => {
  count('handled');
  return ctx.reply(`You said: ${ctx.message.text}`);
});
bot.catch(() => count('errors'));

const handle = webhookCallback(bot, 'http');
const server = http.createServer((req, res) => void handle(req, res));
serve(server);
