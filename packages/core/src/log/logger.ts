import { PactArgumentError } from '../api/errors.js';

/**
 * Where the bot writes what needs a person's attention: `console`, a pino, winston, bunyan or
 * log4js logger, or any object with these methods. pactbot calls only `error` and `warn`, each
 * time with one line that says what happened and what to do; for a handler's error, the error
 * itself follows as a second argument (console prints its stack; pino, which takes fields as a
 * first argument object, keeps the line, which names where the error was thrown).
 */
export interface Logger {
  /** Failures nobody handled: a handler's error with no `bot.catch`, a failed send nothing awaited. */
  error(message: string, ...details: unknown[]): void;
  /** Misuse and lost work: a send after its handler returned, repeated failures counted. */
  warn(message: string, ...details: unknown[]): void;
  /** Not called by pactbot; part of the shape so every common logger fits as it is. */
  info?(message: string, ...details: unknown[]): void;
  /** Not called by pactbot: traces go through the `debug` package (`DEBUG=pactbot:*`). */
  debug?(message: string, ...details: unknown[]): void;
}

/** The logger the bot writes to, from its `logger` option: `console` by default, none for `false`. */
export function resolveLogger(option: Logger | false | undefined): Logger | undefined {
  if (option === false) return undefined;
  if (option === undefined) return console;
  const candidate = option as Partial<Logger> | null;
  if (
    candidate === null ||
    (typeof candidate !== 'object' && typeof candidate !== 'function') ||
    typeof candidate.error !== 'function' ||
    typeof candidate.warn !== 'function'
  ) {
    throw new PactArgumentError(
      'logger must be an object with error() and warn() methods (console, a pino or winston logger), or false for none',
    );
  }
  return option;
}
