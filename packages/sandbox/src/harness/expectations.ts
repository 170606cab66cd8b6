import type { ChatAttachment, ChatMessage } from '../chat-view.js';
import type { LocationRecord } from '../store/records.js';

/** What a file of a reply should be; each field given must match. */
export interface AttachmentExpectation {
  fileName?: string | RegExp | undefined;
  mimeType?: string | RegExp | undefined;
  url?: string | RegExp | undefined;
}

/** What a reply should be; each field given must match. */
export interface ReplyShape {
  /**
   * The exact text, or a RegExp it must match. Given together with `buttons`, it is the text
   * above them also where the buttons are a numbered list ending the text — so one expectation
   * fits a menu whether it went as interactive buttons or as numbered text (other channels, API v2).
   */
  text?: string | RegExp | undefined;
  /** The buttons, in order (interactive ones, or the options of a numbered list). */
  buttons?: readonly string[] | undefined;
  /** How many files, or what each file should be, in order. */
  attachments?: number | readonly AttachmentExpectation[] | undefined;
  /** The shared location. */
  location?: LocationRecord | undefined;
}

/**
 * What `assertReply` takes: the exact text, a RegExp over the text, a {@link ReplyShape}, or a
 * function that throws (or returns false) when the reply is wrong.
 */
export type ReplyExpectation = string | RegExp | ReplyShape | ((reply: ChatMessage) => unknown);

/** How a reply differs from what was expected. */
export interface Mismatch {
  /** The part that differs: `text`, `buttons`, `attachments`, `location`, or `check` (a function). */
  part: string;
  actual: unknown;
  expected: unknown;
  /** One line saying what differs. */
  reason: string;
}

function matches(value: string, expected: string | RegExp): boolean {
  if (typeof expected === 'string') return value === expected;
  expected.lastIndex = 0;
  return expected.test(value);
}

function show(value: string | RegExp): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

function fileMismatch(
  file: ChatAttachment | undefined,
  expected: AttachmentExpectation,
  i: number,
) {
  if (!file) return `file ${i + 1} is missing`;
  for (const field of ['fileName', 'mimeType', 'url'] as const) {
    const want = expected[field];
    if (want !== undefined && !matches(file[field], want)) {
      return `file ${i + 1} has ${field} ${JSON.stringify(file[field])}, expected ${show(want)}`;
    }
  }
  return undefined;
}

/** The text above a numbered list of buttons that ends it (the whole text when there is none). */
function textAboveOptions(reply: ChatMessage): string {
  if (reply.interactive || reply.buttons.length === 0) return reply.text;
  const lines = reply.text.split('\n');
  return lines
    .slice(0, Math.max(0, lines.length - reply.buttons.length))
    .join('\n')
    .trimEnd();
}

function shapeMismatch(reply: ChatMessage, shape: ReplyShape): Mismatch | undefined {
  const text = shape.buttons !== undefined ? textAboveOptions(reply) : reply.text;
  if (shape.text !== undefined && !matches(text, shape.text)) {
    return {
      part: 'text',
      actual: text,
      expected: shape.text,
      reason: `its text${text === reply.text ? '' : ' above its buttons'} is ${JSON.stringify(text)}, expected ${typeof shape.text === 'string' ? show(shape.text) : `to match ${String(shape.text)}`}`,
    };
  }
  if (shape.buttons !== undefined) {
    const same =
      shape.buttons.length === reply.buttons.length &&
      shape.buttons.every((title, i) => title === reply.buttons[i]);
    if (!same) {
      return {
        part: 'buttons',
        actual: reply.buttons,
        expected: [...shape.buttons],
        reason: `its buttons are ${describeButtons(reply.buttons)}, expected ${describeButtons(shape.buttons)}`,
      };
    }
  }
  if (shape.attachments !== undefined) {
    const files = reply.attachments;
    const wanted = shape.attachments;
    const count = typeof wanted === 'number' ? wanted : wanted.length;
    if (files.length !== count) {
      return {
        part: 'attachments',
        actual: files.map((f) => f.fileName),
        expected: count,
        reason: `it has ${files.length} file(s), expected ${count}`,
      };
    }
    if (typeof wanted !== 'number') {
      for (let i = 0; i < wanted.length; i++) {
        const reason = fileMismatch(files[i], wanted[i]!, i);
        if (reason) return { part: 'attachments', actual: files[i], expected: wanted[i], reason };
      }
    }
  }
  if (shape.location !== undefined) {
    const { location } = reply;
    if (
      location?.latitude !== shape.location.latitude ||
      location.longitude !== shape.location.longitude
    ) {
      return {
        part: 'location',
        actual: location,
        expected: shape.location,
        reason: `its location is ${JSON.stringify(location)}, expected ${JSON.stringify(shape.location)}`,
      };
    }
  }
  return undefined;
}

/** How `reply` differs from `expected`; undefined when it matches. */
export function mismatchOf(reply: ChatMessage, expected: ReplyExpectation): Mismatch | undefined {
  if (typeof expected === 'string' || expected instanceof RegExp) {
    return shapeMismatch(reply, { text: expected });
  }
  if (typeof expected === 'function') {
    let verdict: unknown;
    try {
      verdict = expected(reply);
    } catch (error) {
      return {
        part: 'check',
        actual: reply,
        expected: 'the check to pass',
        reason: `the check failed: ${(error as Error).message ?? String(error)}`,
      };
    }
    return verdict === false
      ? { part: 'check', actual: reply, expected: 'true', reason: 'the check returned false' }
      : undefined;
  }
  return shapeMismatch(reply, expected);
}

function describeButtons(buttons: readonly string[]): string {
  return buttons.length === 0 ? 'none' : `[${buttons.join(' | ')}]`;
}

/** A reply on one line: its text, buttons, files and location. */
export function describeReply(reply: ChatMessage): string {
  const parts: string[] = [];
  if (reply.text) parts.push(JSON.stringify(reply.text));
  if (reply.buttons.length > 0 && reply.interactive)
    parts.push(`buttons ${describeButtons(reply.buttons)}`);
  for (const file of reply.attachments) parts.push(`file ${file.fileName} (${file.mimeType})`);
  if (reply.location)
    parts.push(`location ${reply.location.latitude}, ${reply.location.longitude}`);
  return parts.join(' + ') || '(an empty message)';
}

/** What `expected` asks for, in words. */
export function describeExpectation(expected: ReplyExpectation): string {
  if (typeof expected === 'string') return JSON.stringify(expected);
  if (expected instanceof RegExp) return `text matching ${String(expected)}`;
  if (typeof expected === 'function') return 'a reply passing the check';
  const parts: string[] = [];
  if (expected.text !== undefined) parts.push(`text ${show(expected.text)}`);
  if (expected.buttons !== undefined) parts.push(`buttons ${describeButtons(expected.buttons)}`);
  if (expected.attachments !== undefined) {
    parts.push(
      typeof expected.attachments === 'number'
        ? `${expected.attachments} file(s)`
        : `${expected.attachments.length} file(s)`,
    );
  }
  if (expected.location !== undefined) parts.push('a location');
  return parts.join(', ') || 'any reply';
}

/** The replies, numbered, one per line; or a sentence saying there were none. */
export function describeReplies(replies: readonly ChatMessage[]): string {
  if (replies.length === 0) return 'The bot sent nothing in reply.';
  const lines = replies.map((reply, i) => `  ${i + 1}. ${describeReply(reply)}`);
  return `The bot sent ${replies.length} message(s) in reply:\n${lines.join('\n')}`;
}
