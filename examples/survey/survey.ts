import {
  session,
  type Composer,
  type Context,
  type SessionFlavor,
  type SessionStore,
} from '@pactbot/core';

/** The button id that starts the survey; put it on a button of your own to lead here. */
export const START_SURVEY = 'survey:start';

/** What a customer answered. */
export interface SurveyAnswers {
  name: string;
  rating: string;
  /** What they would improve; null when they skipped it. */
  idea: string | null;
}

/** Where a customer is in the survey, kept in their conversation's session between messages. */
export interface SurveySession {
  survey?: { step: 'name' | 'rating' | 'idea'; name?: string; rating?: string } | undefined;
}

/** A context with the survey's session. */
export type SurveyContext = Context & SessionFlavor<SurveySession>;

/** Options of {@link survey}. */
export interface SurveyOptions {
  /**
   * Where sessions live: a `MemorySessionStore` for one process, or a Redis store
   * (`@pactbot/session-redis`) so every process of the bot sees the same survey.
   */
  store: SessionStore<SurveySession>;
  /** Called with the answers when a customer finishes, for instance to save them. */
  onComplete?: ((answers: SurveyAnswers, ctx: SurveyContext) => unknown) | undefined;
  /** Words that stop a running survey. Default "cancel" and "stop". */
  stopWords?: RegExp | undefined;
}

const RATINGS = ['😍 Love it', "🙂 It's fine", '🤔 Not sure yet'];

/**
 * The survey demo: three questions over several messages — a name (typed), a rating (buttons), an
 * idea (typed, or skipped) — with the customer's progress in the session. "survey" starts it;
 * a stop word ends it and is passed on, so that a menu installed later can answer the word too.
 * Install it before handlers that answer any text, since a running survey takes the answers.
 */
export function survey<C extends SurveyContext>(bot: Composer<C>, options: SurveyOptions): void {
  bot.use(session<SurveySession, C>({ initial: () => ({}), store: options.store }));

  const start = async (ctx: SurveyContext) => {
    ctx.session.survey = { step: 'name' };
    await ctx.reply(
      '📋 Three quick questions. First: what is your name? (Write "cancel" to stop.)',
    );
  };
  bot.action(START_SURVEY, start);
  bot.hears(/^survey$/i, start);

  // Pressing another demo's button leaves a running survey quietly; a stop word says so. Either
  // is passed on, past the survey (whose branch no longer matches), so later handlers see it.
  const stopWords = options.stopWords ?? /^(cancel|stop)$/i;
  const leaving = (ctx: SurveyContext) => {
    if (ctx.session.survey === undefined) return false;
    if (ctx.action) return !ctx.action.id.startsWith('survey:');
    stopWords.lastIndex = 0;
    return stopWords.test(ctx.text?.trim() ?? '');
  };
  bot.on('message').filter(leaving, async (ctx, next) => {
    ctx.session.survey = undefined;
    if (!ctx.action) await ctx.reply('Survey cancelled. Write "survey" to start again.');
    await next();
  });

  const answering = bot.on('message').filter((ctx) => ctx.session.survey !== undefined);
  answering.use(async (ctx) => {
    const state = ctx.session.survey!;
    if (state.step === 'name') {
      const name = ctx.text?.trim();
      if (!name || name.length > 50) {
        await ctx.reply('Please type your name (up to 50 characters).');
        return;
      }
      ctx.session.survey = { step: 'rating', name };
      await ctx.buttons(
        `Nice to meet you, ${name}! How do you like pactbot so far?`,
        RATINGS.map((title, i) => ({ title, id: `survey:rate:${i}` })),
      );
      return;
    }
    if (state.step === 'rating') {
      if (!ctx.action?.id.startsWith('survey:rate:')) {
        await ctx.buttons(
          'Please pick one of the buttons:',
          RATINGS.map((title, i) => ({ title, id: `survey:rate:${i}` })),
        );
        return;
      }
      ctx.session.survey = { ...state, step: 'idea', rating: ctx.action.title };
      await ctx.buttons('Noted! What could we do better? Write it, or press Skip.', [
        { title: 'Skip', id: 'survey:skip' },
      ]);
      return;
    }
    const skipped = ctx.action?.id === 'survey:skip';
    const idea = skipped ? null : (ctx.text?.trim() ?? null);
    if (!skipped && !idea) {
      await ctx.reply('Please write your idea as text, or press Skip.');
      return;
    }
    const answers: SurveyAnswers = { name: state.name!, rating: state.rating!, idea };
    ctx.session.survey = undefined;
    await options.onComplete?.(answers, ctx);
    await ctx.reply(
      `🙏 Thanks, ${answers.name}! You told us:\n• Rating: ${answers.rating}\n• Idea: ${answers.idea ?? '(skipped)'}`,
    );
  });
}
