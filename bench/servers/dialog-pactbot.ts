/**
 * The dialogs case's dialog on pactbot's dialog engine: `conversations()` with its default store
 * (a `MemorySessionStore`, JSON text, made here so its entries can be read back), one dialog that
 * asks N questions, each `await conv.waitFor('message:text')`. On `bot.listen`, its API root the
 * Pact stand-in. Answers the case's `stored` request with the size of each conversation's record.
 */
import type { AddressInfo } from 'node:net';
import {
  Bot,
  conversationKey,
  conversations,
  createConversation,
  MemorySessionStore,
  type Context,
  type Conversation,
  type ConversationFlavor,
  type DialogState,
} from '@pactbot/core';
import { answer, config, count, ready } from '../lib/child-kit.js';
import {
  afterAnswer,
  firstQuestion,
  jsonBytes,
  report,
  START,
  type DialogServerConfig,
} from './dialog-texts.js';

const { apiUrl, questions } = config<DialogServerConfig>();
const COMPANY = 42;
type QuizContext = Context & ConversationFlavor;

const bot = new Bot<QuizContext>({
  token: 'bench-token',
  companyId: COMPANY,
  apiUrl,
  // Pact's 5 sends/s per company would be all that is measured otherwise.
  rateLimit: false,
});
bot.catch(() => count('errors'));

async function quiz(conv: Conversation<QuizContext>, ctx: QuizContext): Promise<void> {
  await ctx.reply(firstQuestion(questions));
  for (let i = 1; i <= questions; i++) {
    const answered = await conv.waitFor('message:text');
    await answered.reply(afterAnswer(i, answered.text, questions));
  }
}

// What conversations() makes when given no store (its time to live is the default's too).
const store = new MemorySessionStore<DialogState>({ ttlMs: 30 * 24 * 3600_000 });
bot.use(async (_ctx, next) => {
  await next();
  count('handled');
});
bot.use(conversations({ store }));
bot.use(createConversation(quiz, 'quiz'));
bot.hears(START, (ctx) => ctx.conversation.enter('quiz'));
bot.on('message', () => count('unexpected'));

answer('stored', (params) => {
  const { ids } = params as { ids: number[] };
  return report(
    ids.map((id) => {
      const state = store.get(conversationKey(COMPANY, id));
      if (state === undefined) return undefined;
      const answers = state.log.filter((entry) => entry.k === 'u' && entry.d === 'm').length;
      return { bytes: jsonBytes(state), answers };
    }),
  );
});

const server = await bot.listen({ port: 0, host: '127.0.0.1', path: '/pact' });
ready((server.address() as AddressInfo).port, () => bot.stop({ timeoutMs: 2000 }));
