import {
  DeliveryError,
  WindowClosedError,
  type Bot,
  type Composer,
  type Context,
} from '@pactbot/core';

/** What a customer writes to ask for a reminder: "remind me tomorrow", "remind me". */
export const REMIND_ME = /^\s*remind me\b/i;

/** The reminder itself, when it may go as a message of its own. */
export const REMINDER_TEXT = '⏰ Here is the reminder you asked me for.';

const DAY = 24 * 60 * 60 * 1000;

/** Options of {@link reminders}. */
export interface RemindersOptions {
  /** How long until the reminder, in ms. Default a day: "tomorrow". */
  delayMs?: number | undefined;
  /**
   * The approved WhatsApp Business template that reminds a customer whose 24-hour window closed
   * meanwhile. Default `welcome_back`, one of the sandbox's; on Pact, one of your company's.
   */
  template?: string | undefined;
  /** The template's language. Default `en`. */
  language?: string | undefined;
  /**
   * Runs `remind` after `delayMs`. Default a timer of this process (which does not keep it
   * alive): a reminder is lost when the process ends — a real bot keeps them in a job queue.
   * Tests pass their own, to run the reminder when they choose.
   */
  schedule?: ((delayMs: number, remind: () => Promise<void>) => void) | undefined;
  /** Where a reminder that could not be sent is reported. Default `console.error`. */
  onError?: ((error: unknown) => void) | undefined;
}

/** "tomorrow", or "in 20 seconds" for a demo that does not wait a day. */
function when(delayMs: number): string {
  if (delayMs === DAY) return 'tomorrow';
  if (delayMs < 60_000) return `in ${Math.round(delayMs / 1000)} seconds`;
  if (delayMs < 2 * 60 * 60_000) return `in ${Math.round(delayMs / 60_000)} minutes`;
  return `in ${Math.round(delayMs / (60 * 60_000))} hours`;
}

/** Whether a delivery failed for WhatsApp Business's window: its error 131047, "re-engagement message". */
function outsideWindow(error: unknown): boolean {
  return error instanceof DeliveryError && /\b131047\b/.test(error.reason ?? '');
}

/**
 * The "remind me tomorrow" demo: a message the bot starts itself, a day after the customer asked.
 * By then a WhatsApp Business customer's 24-hour window has closed, unless they wrote since:
 * `bot.send` refuses a free-form message on a closed window (`WindowClosedError`, before it
 * reaches Pact), and the reminder goes as an approved template instead (`bot.sendTemplate`).
 * On other messengers it is a plain message.
 */
export function reminders<C extends Context>(
  bot: Composer<C>,
  options: RemindersOptions = {},
): void {
  const delayMs = options.delayMs ?? DAY;
  const template = options.template ?? 'welcome_back';
  const language = options.language ?? 'en';
  const onError = options.onError ?? ((error: unknown) => console.error(error));
  const schedule =
    options.schedule ??
    ((ms: number, remind: () => Promise<void>) => setTimeout(() => void remind(), ms).unref());

  async function remind(sender: Bot, conversationId: number): Promise<void> {
    const asTemplate = () => sender.sendTemplate(conversationId, template, { language });
    try {
      const sent = await sender.send(conversationId, REMINDER_TEXT);
      // What the bot knows of the window can be behind WhatsApp's (on the sandbox's chat page,
      // "+25 h" moves the customer's clock and not the bot's): refused for the window, the
      // reminder goes again, as a template.
      await sent.delivered().catch((error: unknown) => {
        if (!outsideWindow(error)) throw error;
        return asTemplate();
      });
    } catch (error) {
      if (!(error instanceof WindowClosedError)) throw error;
      await asTemplate();
    }
  }

  bot.hears(REMIND_ME, (ctx) => {
    const conversationId = ctx.conversationId;
    const sender = ctx.bot;
    schedule(delayMs, () => remind(sender, conversationId).catch(onError));
    return ctx.reply(`⏰ Sure — I'll remind you ${when(delayMs)}.`);
  });
}
