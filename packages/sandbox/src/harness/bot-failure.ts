/** The bot's handler threw while handling what a test's customer did. */
export class BotFailedError extends Error {
  override name = 'BotFailedError';
  /** What the handler threw. */
  readonly errors: readonly unknown[];

  constructor(action: string, errors: readonly unknown[], replies: string) {
    const first = errors[0];
    const reason = first instanceof Error ? first.message : String(first);
    super(
      `the bot failed after the customer ${action}: ${reason}\n${replies}\n(To test bot.catch, start the test bot with { failOnBotError: false }.)`,
      { cause: first },
    );
    this.errors = errors;
  }
}

/** The bot never answered the webhook of what a test's customer did with 200. */
export class WebhookNotTakenError extends Error {
  override name = 'WebhookNotTakenError';
}
