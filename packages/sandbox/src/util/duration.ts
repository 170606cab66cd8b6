import { show } from './show.js';

/**
 * A span of time to move a sandbox clock by: a number of milliseconds, or a number and a unit —
 * `'500ms'`, `'90s'`, `'15m'`, `'25h'`, `'2d'`.
 */
export type Duration = number | `${number}${'ms' | 's' | 'm' | 'h' | 'd'}`;

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** The longest a clock moves at once: ten years, far past any window, well inside a Date. */
const MAX_MS = 3650 * UNIT_MS.d;

/**
 * Milliseconds of a {@link Duration}. Anything else — a negative span, an unknown unit, text
 * that is no duration — throws a TypeError naming what was given and what is allowed, with
 * `what` (such as `advance()`) saying where it was given.
 */
export function durationMs(value: unknown, what: string): number {
  let ms: number | undefined;
  if (typeof value === 'number') ms = value;
  else if (typeof value === 'string') {
    const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/.exec(value);
    if (match) ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  }
  if (ms === undefined || !Number.isFinite(ms) || ms < 0 || ms > MAX_MS) {
    throw new TypeError(
      `${what} takes a duration such as '90s', '15m', '25h', '2d' or a number of milliseconds, from 0 to 3650 days (the clock only moves forward); got ${show(value)}`,
    );
  }
  return Math.round(ms);
}
