import type { Composer, SessionStore } from '@pactbot/core';
import { attachments, FILES_DEMO } from '../attachments/attachments.js';
import { buttonsMenu, OPEN_MENU } from '../buttons-menu/buttons-menu.js';
import { echo } from '../echo/echo.js';
import { reminders, type RemindersOptions } from './reminders.js';
import { START_SURVEY, survey, type SurveyContext, type SurveySession } from '../survey/survey.js';

/** The showcase's context: the survey's session is the only state it keeps. */
export type ShowcaseContext = SurveyContext;

/** Options of {@link showcase}. */
export interface ShowcaseOptions {
  /** Where the survey keeps each conversation's progress (memory for one process, Redis for several). */
  store: SessionStore<SurveySession>;
  /** The picture the files demo sends by URL. */
  pictureUrl?: string | undefined;
  /** The "remind me tomorrow" demo: when the reminder comes, and the template it comes as once the window closed. */
  reminders?: RemindersOptions | undefined;
}

/** Words that bring up the menu. "cancel" and "stop" too: after the survey stops, the menu shows. */
export const GREETING = /^\s*(hi|hello|hey|hiya|start|\/start|menu|help|cancel|stop)\b/i;

/**
 * The showcase bot: a greeting with a menu of buttons that lead to each demo — food ordering
 * with buttons, a survey with sessions, files — a reminder the bot sends by itself a day later
 * ("remind me tomorrow"; a WhatsApp Business template once the 24-hour window closed), and an
 * echo of anything else.
 */
export function showcase(bot: Composer<ShowcaseContext>, options: ShowcaseOptions): void {
  // First, so that a running survey takes the customer's answers before anything else sees them.
  survey(bot, { store: options.store, stopWords: /^(cancel|stop|menu)$/i });

  bot.hears(GREETING, (ctx) =>
    ctx.buttons(
      '👋 Hi! I\'m the pactbot showcase. Pick a demo below, write "remind me tomorrow" — or anything else and I\'ll echo it back.',
      [
        { title: '🍕 Order food', id: OPEN_MENU },
        { title: '📋 Take a survey', id: START_SURVEY },
        { title: '📎 Files', id: FILES_DEMO },
      ],
    ),
  );
  buttonsMenu(bot);
  attachments(bot, { pictureUrl: options.pictureUrl });
  reminders(bot, options.reminders);

  // Last: whatever nothing above handled comes back as it was.
  echo(bot);
}
