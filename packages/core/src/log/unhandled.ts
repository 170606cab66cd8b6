import { fileURLToPath } from 'node:url';
import type { ErrorInfo } from '../runtime/events.js';
import { conversationIdOf, kindOf } from '../webhook/update-kinds.js';
import type { Update } from '../webhook/types.js';
import type { Logger } from './logger.js';
import { kindKey, OnceLog } from './once-log.js';

/** This package's own source (or build) folder: stack frames in it do not say where a bug is. */
const OWN_FILES = fileURLToPath(new URL('..', import.meta.url));

/** The ending every first line has: the reader learns why no second one follows. */
const ONCE = 'each kind of failure is printed once, then counted';

/** An error on one line: `TypeError: x is not a function`. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const [first = '', ...rest] = error.message.split('\n');
    return `${error.name}: ${first}${rest.length > 0 ? ' …' : ''}`;
  }
  const text = typeof error === 'string' ? error : (JSON.stringify(error) ?? String(error));
  return `a thrown ${typeof error}: ${text.length > 200 ? `${text.slice(0, 200)}…` : text}`;
}

/**
 * Where an error was thrown, from its stack: the first frame outside Node's internals and
 * pactbot's own files — the line of the application that failed.
 */
export function thrownAt(error: unknown): string | undefined {
  if (!(error instanceof Error) || typeof error.stack !== 'string') return undefined;
  for (const frame of error.stack.split('\n')) {
    const match = /^\s*at (?:.*\((.+)\)|(.+))$/.exec(frame);
    const place = match?.[1] ?? match?.[2];
    if (place === undefined || place.startsWith('node:') || !/:\d+:\d+$/.test(place)) continue;
    const path = place.startsWith('file://') ? safePath(place) : place;
    if (path.startsWith(OWN_FILES) || /node_modules[\\/](?:@pactbot|eventemitter3)/.test(path))
      continue;
    return place;
  }
  return undefined;
}

function safePath(url: string): string {
  try {
    return fileURLToPath(url.replace(/:\d+:\d+$/, ''));
  } catch {
    return url;
  }
}

/** `a message update in conversation 7`. */
function onUpdate(update: Update | undefined): string {
  if (update === undefined) return '';
  const kind = kindOf(update);
  const conversationId = conversationIdOf(update, kind);
  return `a ${kind} update${conversationId === undefined ? '' : ` in conversation ${conversationId}`}`;
}

/** `1 update`, `2 sends`. */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function at(error: unknown): string {
  const place = thrownAt(error);
  return place === undefined ? '' : ` (at ${place})`;
}

/**
 * The bot's lines about what nobody handled: each says what happened and what to do, once per
 * kind of failure (see {@link OnceLog}).
 */
export class UnhandledLog {
  readonly #log: OnceLog;

  constructor(logger: Logger) {
    this.#log = new OnceLog(logger);
  }

  /** A handler threw, and there is no `bot.catch` nor an `error` listener. */
  handlerFailed(error: unknown, update: Update): void {
    const what = describeError(error);
    const kind = kindOf(update);
    this.#log.report(
      'error',
      kindKey('handler', kind, what),
      `a handler failed on ${kind} updates: ${what}`,
      `pactbot: a handler failed on ${onUpdate(update)}: ${what}${at(error)}. Handle errors with bot.catch((error, ctx) => …); ${ONCE}.`,
      error,
    );
  }

  /** `bot.catch` itself threw, and nobody listens to `error`. */
  catchFailed(error: unknown, update: Update): void {
    const what = describeError(error);
    this.#log.report(
      'error',
      kindKey('catch', what),
      `bot.catch threw: ${what}`,
      `pactbot: bot.catch itself threw on ${onUpdate(update)}: ${what}${at(error)}. Catch what the error handler may throw inside it; ${ONCE}.`,
      error,
    );
  }

  /** The machinery around the handlers failed (the coordination state, a lock), and nobody listens to `error`. */
  unheardError(info: ErrorInfo): void {
    const what = describeError(info.error);
    const where = info.update === undefined ? '' : ` on ${onUpdate(info.update)}`;
    this.#log.report(
      'error',
      kindKey('error', what),
      what,
      `pactbot: an error outside the handlers${where}: ${what}. Listen to bot.events 'error' to handle such errors; ${ONCE}.`,
    );
  }

  /** A send failed after its handler returned; nothing awaited it and nobody listens to `api:error`. */
  sendFailed(error: unknown, conversationId: number, update: Update): void {
    const what = describeError(error);
    this.#log.report(
      'error',
      kindKey('send', what),
      `a send nothing awaited failed: ${what}`,
      `pactbot: a send to conversation ${conversationId} failed after its handler (${onUpdate(update)}) had returned, and nothing awaited it: ${what}. Await (or return) ctx.reply() and the other sends to handle their failures, or listen to bot.events 'api:error'; ${ONCE}.`,
    );
  }

  /** A handler sent after it had returned, and nobody listens to `send:late`. */
  lateSend(conversationId: number, update: Update): void {
    const kind = kindOf(update);
    this.#log.report(
      'warn',
      kindKey('late', kind),
      `a handler of ${kind} updates sent after it had returned`,
      `pactbot: a send to conversation ${conversationId} started after its handler (${onUpdate(update)}) had returned: it may reach the customer after the replies to later updates, and changes to ctx.session made after the handler returned are lost. Await (or return) every send in the handler (to send later on purpose, use bot.api.messages.send); ${ONCE}.`,
    );
  }

  /** `bot.stop()` gave up on updates or sends, and nobody listens to `dropped`. */
  stopUnfinished(updates: number, sends: number): void {
    this.#log.report(
      'warn',
      'stop',
      'the bot stopped with work unfinished',
      `pactbot: the bot stopped with ${count(updates, 'update')} and ${count(sends, 'send')} unfinished: the sends were cut off, and the updates are left to Pact's redelivery (with a durable inbox, to the other processes). Give bot.stop({ timeoutMs }) longer to let them finish.`,
    );
  }

  /** Tells the counts of the failures that repeated since they were last told. */
  flush(): void {
    this.#log.flush();
  }
}
