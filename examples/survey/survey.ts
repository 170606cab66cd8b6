import {
  conversations,
  createConversation,
  type Composer,
  type Context,
  type Conversation,
  type ConversationFlavor,
  type DialogState,
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

/** What the survey keeps per conversation between messages: the record of its dialog. */
export type SurveySession = DialogState;

/** A context with dialogs. */
export type SurveyContext = Context & ConversationFlavor;

/** Options of {@link survey}. */
export interface SurveyOptions {
  /**
   * Where running surveys are kept: a `MemorySessionStore` for one process, or a Redis store
   * (`@pactbot/session-redis`) so every process of the bot — and the bot after a restart — picks
   * a survey up where it was.
   */
  store: SessionStore<SurveySession>;
  /** Called with the answers when a customer finishes, for instance to save them. */
  onComplete?: ((answers: SurveyAnswers, ctx: SurveyContext) => unknown) | undefined;
  /** Words that stop a running survey. Default "cancel" and "stop". */
  stopWords?: RegExp | undefined;
}

const RATINGS = ['😍 Love it', "🙂 It's fine", '🤔 Not sure yet'].map((title, i) => ({
  title,
  id: `survey:rate:${i}`,
}));

/** The survey as a dialog: three questions, each awaited in turn. */
function surveyDialog(onComplete: SurveyOptions['onComplete']) {
  return async function survey(conv: Conversation<SurveyContext>, ctx: SurveyContext) {
    await ctx.reply(
      '📋 Three quick questions. First: what is your name? (Write "cancel" to stop.)',
    );
    const askAgain = (c: SurveyContext) => c.reply('Please type your name (up to 50 characters).');
    let named = await conv.waitFor('message:text', { otherwise: askAgain });
    while (named.text.trim().length > 50) {
      await askAgain(named);
      named = await conv.waitFor('message:text', { otherwise: askAgain });
    }
    const name = named.text.trim();

    const rating = await conv.ask(
      `Nice to meet you, ${name}! How do you like pactbot so far?`,
      RATINGS,
      { otherwise: (c) => c.buttons('Please pick one of the buttons:', RATINGS) },
    );

    const skip = [{ title: 'Skip', id: 'survey:skip' }];
    await ctx.buttons('Noted! What could we do better? Write it, or press Skip.', skip);
    let idea: string | null = null;
    let said = await conv.waitFor('message');
    while (said.action?.id !== 'survey:skip' && !said.text?.trim()) {
      await said.reply('Please write your idea as text, or press Skip.');
      said = await conv.waitFor('message');
    }
    if (said.action?.id !== 'survey:skip') idea = said.text!.trim();

    const answers: SurveyAnswers = { name, rating: rating.title, idea };
    // Saved once, even if the survey resumes elsewhere: outside effects go through external().
    await conv.external(() => onComplete?.(answers, said));
    await said.reply(
      `🙏 Thanks, ${answers.name}! You told us:\n• Rating: ${answers.rating}\n• Idea: ${answers.idea ?? '(skipped)'}`,
    );
  };
}

/**
 * The survey demo: three questions over several messages — a name (typed), a rating (buttons), an
 * idea (typed, or skipped) — written as one dialog that awaits each answer. "survey" starts it;
 * a stop word ends it and is passed on, so that a menu installed later can answer the word too.
 * Install it before handlers that answer any text, since a running survey takes the answers.
 */
export function survey<C extends SurveyContext>(bot: Composer<C>, options: SurveyOptions): void {
  bot.use(conversations({ store: options.store }));

  // Pressing another demo's button leaves a running survey quietly; a stop word says so. Either
  // is passed on, past the survey, so later handlers see it.
  const stopWords = options.stopWords ?? /^(cancel|stop)$/i;
  const leaving = (ctx: C) => {
    if (ctx.conversation.active() !== 'survey') return false;
    if (ctx.action) return !ctx.action.id.startsWith('survey:');
    stopWords.lastIndex = 0;
    return stopWords.test(ctx.text?.trim() ?? '');
  };
  bot.on('message').filter(leaving, async (ctx, next) => {
    await ctx.conversation.exit();
    if (!ctx.action) await ctx.reply('Survey cancelled. Write "survey" to start again.');
    await next();
  });

  bot.use(createConversation(surveyDialog(options.onComplete)));
  const start = (ctx: C) => ctx.conversation.enter('survey');
  bot.action(START_SURVEY, start);
  bot.hears(/^survey$/i, start);
}
