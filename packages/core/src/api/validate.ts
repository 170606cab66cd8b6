import { PactArgumentError } from './errors.js';
import type { ListParams } from './types.js';

/** Shows a rejected value in an error message, briefly. */
export function show(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (
    value === undefined ||
    typeof value === 'number' ||
    typeof value === 'boolean' ||
    value === null
  ) {
    return String(value);
  }
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Checks an id (a positive integer, or its decimal string) and returns it as a number. */
export function requireId(name: string, value: unknown): number {
  const id = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) {
    throw new PactArgumentError(`${name} must be a positive integer, got ${show(value)}`);
  }
  return id;
}

/**
 * Checks an optional boolean parameter: a plain-JS caller's `"false"` or `0` would reach Pact as
 * something else than meant, so anything but true, false or undefined is refused.
 */
export function optionalBoolean(name: string, value: unknown): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new PactArgumentError(`${name} must be true or false, got ${show(value)}`);
  }
  return value;
}

/** Checks an absolute http or https URL and returns it as written. */
export function requireHttpUrl(name: string, value: unknown): string {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    // The value itself stays out of the message: a webhook URL may carry its secret.
    const got = url
      ? `a ${url.protocol.slice(0, -1)}: URL`
      : typeof value === 'string'
        ? 'a string that is not an absolute URL'
        : show(value);
    throw new PactArgumentError(`${name} must be an absolute http or https URL, got ${got}`);
  }
  return value as string;
}

/** Checks a required string, optionally bounded in length. */
export function requireString(name: string, value: unknown, maxLength?: number): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new PactArgumentError(`${name} must be a non-empty string, got ${show(value)}`);
  }
  if (maxLength !== undefined && value.length > maxLength) {
    throw new PactArgumentError(
      `${name} must be at most ${maxLength} characters, got ${value.length}`,
    );
  }
  return value;
}

/** Checks that `value` is one of `allowed`. */
export function requireOneOf<T extends string>(
  name: string,
  value: unknown,
  allowed: readonly T[],
): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new PactArgumentError(
      `${name} must be one of ${allowed.map((a) => `"${a}"`).join(', ')}, got ${show(value)}`,
    );
  }
  return value as T;
}

/** Checks paging parameters before any request: `per` 1–100, `sort_direction` asc/desc, `from` ≤ 255 characters. */
export function checkListParams(params: ListParams | undefined): void {
  if (!params) return;
  const { per, sort_direction, from } = params;
  if (
    per !== undefined &&
    (typeof per !== 'number' || !Number.isInteger(per) || per < 1 || per > 100)
  ) {
    throw new PactArgumentError(`per must be an integer from 1 to 100, got ${show(per)}`);
  }
  if (sort_direction !== undefined)
    requireOneOf('sort_direction', sort_direction, ['asc', 'desc'] as const);
  if (from !== undefined && (typeof from !== 'string' || from.length > 255)) {
    throw new PactArgumentError(
      typeof from === 'string'
        ? `from must be at most 255 characters, got ${from.length}`
        : `from must be the next_page token string of a previous page, got ${show(from)}`,
    );
  }
}

/** Turns a `sync_messages_from` value into the Unix timestamp (seconds) Pact expects. */
export function toUnixSeconds(name: string, value: Date | number): number {
  const seconds = value instanceof Date ? Math.floor(value.getTime() / 1000) : value;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
    throw new PactArgumentError(
      `${name} must be a Date or a Unix timestamp in seconds, got ${show(value)}`,
    );
  }
  return seconds;
}

/** Maximum number of buttons in a WhatsApp Business interactive message. */
export const MAX_BUTTONS = 3;
/** Maximum characters of a button title. */
export const MAX_BUTTON_TITLE = 20;
/** Maximum characters of the body of an interactive message. */
export const MAX_INTERACTIVE_BODY = 1024;

/**
 * Checks the titles and body of a buttons message: 1–3 buttons, titles of 1–20 characters and
 * unique, body of at most 1024 characters. One rule set for the client and `ctx.buttons`.
 */
export function checkButtons(body: string, titles: readonly string[]): void {
  if (typeof body !== 'string' || body.trim() === '') {
    throw new PactArgumentError(
      `buttons need a message text to show above them, got ${show(body)}`,
    );
  }
  if ([...body].length > MAX_INTERACTIVE_BODY) {
    throw new PactArgumentError(
      `the text above buttons must be at most ${MAX_INTERACTIVE_BODY} characters, got ${[...body].length}`,
    );
  }
  if (!Array.isArray(titles) || titles.length < 1 || titles.length > MAX_BUTTONS) {
    throw new PactArgumentError(
      `a message takes 1 to ${MAX_BUTTONS} buttons, got ${Array.isArray(titles) ? titles.length : show(titles)}`,
    );
  }
  const seen = new Set<string>();
  for (const title of titles) {
    const length = typeof title === 'string' ? [...title.trim()].length : 0;
    if (typeof title !== 'string' || length < 1 || length > MAX_BUTTON_TITLE) {
      throw new PactArgumentError(
        `button titles must be 1 to ${MAX_BUTTON_TITLE} characters, got ${show(title)}${typeof title === 'string' ? ` (${length})` : ''}`,
      );
    }
    const key = title.trim().toLowerCase();
    if (seen.has(key))
      throw new PactArgumentError(`button titles must be unique, got ${show(title)} twice`);
    seen.add(key);
  }
}
