/**
 * The dialogs case's dialog written the old way on pactbot: a state machine in `ctx.session` (as
 * `examples/survey` was before it became a dialog), the session in a `MemorySessionStore` (JSON
 * text) made here so its entries can be read back. On `bot.listen`, its API root the Pact
 * stand-in. Answers the case's `stored` request with the size of each conversation's session.
 */
import type { AddressInfo } from 'node:net';
import {
  Bot,
  conversationKey,
  MemorySessionStore,
  session,
  type Context,
  type SessionFlavor,
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

/** Where the customer is: answers taken so far, while the questions run. */
interface QuizSession {
  answered?: number | undefined;
}
type QuizContext = Context & SessionFlavor<QuizSession>;

const bot = new Bot<QuizContext>({
  token: 'bench-token',
  companyId: COMPANY,
  apiUrl,
  rateLimit: false,
});
bot.catch(() => count('errors'));

const store = new MemorySessionStore<QuizSession>();
bot.use(async (_ctx, next) => {
  await next();
  count('handled');
});
bot.use(session<QuizSession, QuizContext>({ initial: () => ({}), store }));
bot.hears(START, (ctx) => {
  ctx.session.answered = 0;
  return ctx.reply(firstQuestion(questions));
});
bot.on('message:text').filter(
  (ctx) => ctx.session.answered !== undefined,
  (ctx) => {
    const i = ctx.session.answered! + 1;
    ctx.session.answered = i < questions ? i : undefined;
    return ctx.reply(afterAnswer(i, ctx.text, questions));
  },
);
bot.on('message', () => count('unexpected'));

answer('stored', (params) => {
  const { ids } = params as { ids: number[] };
  return report(
    ids.map((id) => {
      const value = store.get(conversationKey(COMPANY, id));
      if (value === undefined) return undefined;
      return { bytes: jsonBytes(value), answers: value.answered ?? 0 };
    }),
  );
});

const server = await bot.listen({ port: 0, host: '127.0.0.1', path: '/pact' });
ready((server.address() as AddressInfo).port, () => bot.stop({ timeoutMs: 2000 }));
