/**
 * The dialogs case's dialog on grammY with its conversations plugin (`@grammyjs/conversations`
 * 2.x): one conversation that asks N questions, each `await conversation.waitFor('message:text')`,
 * fed through `webhookCallback(bot, 'http')` on node:http, its API root the Telegram stand-in, with
 * the fair configuration of servers/grammy.ts (`botInfo` given, default agent, no webhook reply).
 * Its state goes to a storage adapter over a Map: holding the plugin's objects as they are (what
 * its default storage does), or as JSON text (what a durable adapter stores). Answers the case's
 * `stored` request with the size of each chat's conversation state.
 */
import http from 'node:http';
import {
  conversations,
  createConversation,
  type Conversation,
  type ConversationFlavor,
  type VersionedState,
  type VersionedStateStorage,
  type ConversationData,
} from '@grammyjs/conversations';
import { Bot, webhookCallback, type Context } from 'grammy';
import { BENCH_BOT_INFO } from './grammy-bot-info.js';
import { answer, config, count, serve } from '../lib/child-kit.js';
import {
  afterAnswer,
  firstQuestion,
  jsonBytes,
  report,
  START,
  type DialogServerConfig,
} from './dialog-texts.js';

const { apiUrl, questions, storage = 'objects' } = config<DialogServerConfig>();

type Stored = VersionedState<ConversationData>;
const map = new Map<string, Stored | string>();
const adapter: VersionedStateStorage<string, ConversationData> =
  storage === 'json'
    ? {
        read: (key) => {
          const text = map.get(key) as string | undefined;
          return text === undefined ? undefined : (JSON.parse(text) as Stored);
        },
        write: (key, state) => void map.set(key, JSON.stringify(state)),
        delete: (key) => void map.delete(key),
      }
    : {
        read: (key) => map.get(key) as Stored | undefined,
        write: (key, state) => void map.set(key, state),
        delete: (key) => void map.delete(key),
      };

type OuterContext = ConversationFlavor<Context>;
const bot = new Bot<OuterContext>('bench-token', {
  botInfo: BENCH_BOT_INFO,
  client: { apiRoot: apiUrl },
});
bot.catch(() => count('errors'));

async function quiz(
  conversation: Conversation<OuterContext, Context>,
  ctx: Context,
): Promise<void> {
  await ctx.reply(firstQuestion(questions));
  for (let i = 1; i <= questions; i++) {
    const answered = await conversation.waitFor('message:text');
    await answered.reply(afterAnswer(i, answered.message.text, questions));
  }
}

bot.use(async (_ctx, next) => {
  await next();
  count('handled');
});
bot.use(conversations({ storage: { type: 'key', adapter } }));
bot.use(createConversation(quiz, 'quiz'));
bot.hears(START, (ctx) => ctx.conversation.enter('quiz'));
bot.on('message', () => count('unexpected'));

answer('stored', (params) => {
  const { ids } = params as { ids: number[] };
  return report(
    ids.map((id) => {
      const value = map.get(String(id));
      if (value === undefined) return undefined;
      const state = (typeof value === 'string' ? JSON.parse(value) : value) as Stored;
      // Its replay log holds every update it took (the first entered it) and every API result.
      const received = state.state['quiz']?.[0]?.replay.receive ?? [];
      const updates = received.filter((op) => {
        const value = op.returnValue as { update_id?: unknown } | undefined;
        return value?.update_id !== undefined;
      }).length;
      const answers = Math.max(0, updates - 1);
      return { bytes: jsonBytes(value), answers };
    }),
  );
});

const handle = webhookCallback(bot, 'http');
const server = http.createServer((req, res) => void handle(req, res));
serve(server);
