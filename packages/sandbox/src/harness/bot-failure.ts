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

/**
 * A step of a test chat (`chat.send(...)`, `.press(...)`, `.assertReply(...)`) was started and
 * never awaited: it would pass whatever the bot did. Thrown by the next step that runs, or by
 * `tester.close()`.
 */
export class StepNotAwaitedError extends Error {
  override name = 'StepNotAwaitedError';
  /** The steps not awaited, as the test wrote them: `chat.send('hi').assertReply('Hello')`. */
  readonly steps: readonly string[];

  constructor(steps: readonly string[], next?: string, failure?: unknown) {
    const named = steps.map((step) => `\`${step}\``);
    const subject =
      named.length === 1
        ? `the step ${named[0]} was`
        : `the steps ${named.slice(0, -1).join(', ')} and ${named[named.length - 1]} were`;
    const before = next === undefined ? '' : ` before the next one, \`${next}\`, ran`;
    const failed =
      failure === undefined
        ? ''
        : ` (it failed meanwhile: ${(failure instanceof Error ? failure.message : (JSON.stringify(failure) ?? typeof failure)).split('\n')[0]})`;
    super(
      `${subject} not awaited${before}; add await (a step not awaited passes whatever the bot does)${failed}`,
      failure === undefined ? undefined : { cause: failure },
    );
    this.steps = steps;
  }
}

/**
 * The bot sent to a test's customer after the handler of what the customer did had returned: a
 * send neither awaited nor returned. It may reach the customer after the replies to later
 * messages, and changes to `ctx.session` made then are lost.
 */
export class LateSendError extends Error {
  override name = 'LateSendError';

  constructor(action: string | undefined) {
    const handler =
      action === undefined ? 'its handler' : `its handler for the customer who ${action}`;
    super(
      `the bot sent to the customer after ${handler} had returned: a send neither awaited nor returned (add await, or return it). It may arrive after the replies to later messages, and changes to ctx.session made after the handler returned are lost.`,
    );
  }
}
