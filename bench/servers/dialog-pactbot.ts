/**
 * The dialogs case's dialog on pactbot's dialog engine: one dialog that asks N questions, each
 * `await conv.waitFor('message:text')`, under `conversations()` with its own store (the default: a
 * `MemorySessionStore`, JSON text) or given one (a `MemorySessionStore` too, which it treats as it
 * would a store shared with other processes). On `bot.listen`, its API root the Pact stand-in.
 * Answers the case's `stored` request with the size of each conversation's record.
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

const { apiUrl, questions, store: storeMode = 'default' } = config<DialogServerConfig>();
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

/**
 * The memory stores written so far. The plugin's own store cannot be reached from outside, so the
 * first write into each store notes it, for the `stored` request to read back; the note is a Set
 * lookup per write, outside the stores' work.
 */
const stores = new Set<MemorySessionStore<DialogState>>();
const originalSet = MemorySessionStore.prototype.set;
MemorySessionStore.prototype.set = function (this: MemorySessionStore<DialogState>, key, value) {
  stores.add(this);
  originalSet.call(this, key, value);
};
const given =
  storeMode === 'given'
    ? // What conversations() makes for itself, given as a store of the user's.
      new MemorySessionStore<DialogState>({ ttlMs: 30 * 24 * 3600_000 })
    : undefined;
bot.use(async (_ctx, next) => {
  await next();
  count('handled');
});
bot.use(conversations({ store: given }));
bot.use(createConversation(quiz, 'quiz'));
bot.hears(START, (ctx) => ctx.conversation.enter('quiz'));
bot.on('message', () => count('unexpected'));

answer('stored', (params) => {
  const { ids } = params as { ids: number[] };
  return report(
    ids.map((id) => {
      const key = conversationKey(COMPANY, id);
      let state: DialogState | undefined;
      for (const store of stores) state ??= store.get(key);
      if (state === undefined) return undefined;
      const answers = state.log.filter((entry) => entry.k === 'u' && entry.d === 'm').length;
      return { bytes: jsonBytes(state), answers };
    }),
  );
});

const server = await bot.listen({ port: 0, host: '127.0.0.1', path: '/pact' });
ready((server.address() as AddressInfo).port, () => bot.stop({ timeoutMs: 2000 }));
