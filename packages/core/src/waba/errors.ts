import { PactArgumentError } from '../api/errors.js';

/**
 * A free-form message — `ctx.reply`, `ctx.attach`, `ctx.buttons` or `bot.send` — was refused
 * before it was sent: its WhatsApp Business conversation's 24-hour window is closed, and WhatsApp
 * would refuse it (its error 131047, "re-engagement message"). Nothing reached Pact. Send an
 * approved template instead (`ctx.template`, `bot.sendTemplate`); once the customer answers it,
 * the window is open again. `code` is `PACTBOT_WINDOW_CLOSED`.
 */
export class WindowClosedError extends PactArgumentError {
  override name = 'WindowClosedError';
  /** The conversation the message was for. */
  readonly conversationId: number;
  /** When the window closed: 24 hours after the customer's last message; undefined when the customer never wrote. */
  readonly closedAt: Date | undefined;

  constructor(conversationId: number, closedAt: Date | undefined, method: string) {
    const when =
      closedAt === undefined
        ? 'has no open 24-hour window: the customer has not written to it yet (as far as the bot and Pact know)'
        : `has its 24-hour window closed since ${closedAt.toISOString()} (24 hours after the customer's last message)`;
    super(
      `${method} refused: WhatsApp Business conversation ${conversationId} ${when}, and WhatsApp delivers only approved templates there; send one with ctx.template(name, { language, parameters }) or bot.sendTemplate(conversationId, name, …) — free-form messages go through again once the customer answers`,
      { code: 'PACTBOT_WINDOW_CLOSED' },
    );
    this.conversationId = conversationId;
    this.closedAt = closedAt;
  }
}
