import type { Logger } from './logger.js';

/** How many kinds of failure are told apart; past it, new kinds are counted together. */
const MAX_KINDS = 1000;

/** The key of the kinds past `MAX_KINDS`. */
const OTHER = '\u0000other';

interface Kind {
  /** How often it happened. */
  count: number;
  /** The count when a line last told of it. */
  told: number;
  /** What happened, in a few words, for the lines that count it. */
  summary: string;
}

/** Whether `n` is 10, 100, 1000, …: when a repeated failure's count is told. */
function isPowerOfTen(n: number): boolean {
  if (n < 10) return false;
  while (n % 10 === 0) n /= 10;
  return n === 1;
}

/**
 * The key of a kind of failure: its parts with the numbers and long hexadecimal ids blanked out,
 * so the same failure on another conversation, job or message is the same kind.
 */
export function kindKey(...parts: readonly string[]): string {
  return parts.map((part) => part.replace(/\b[0-9a-f]{8,}\b|\d+/gi, '#')).join('\u0000');
}

/**
 * Writes failures nobody handled to a logger, once per kind: the first time in full, then
 * counted — a line with the count at the 10th, 100th, 1000th… time, and one at `bot.stop()` for
 * every kind that happened again since its count was last told. A bot failing on every update
 * writes a handful of lines, not one per update.
 */
export class OnceLog {
  readonly #logger: Logger;
  readonly #kinds = new Map<string, Kind>();

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /**
   * Tells of a failure: `line` (and `detail`, when given) the first time its kind happens;
   * afterwards it is counted under `summary`.
   */
  report(
    level: 'error' | 'warn',
    key: string,
    summary: string,
    line: string,
    detail?: unknown,
  ): void {
    let kind = this.#kinds.get(key);
    if (!kind && this.#kinds.size >= MAX_KINDS) {
      kind = this.#kinds.get(OTHER);
      if (!kind) {
        this.#kinds.set(OTHER, { count: 1, told: 1, summary: 'failures of kinds not printed' });
        this.#logger.warn(
          `pactbot: ${MAX_KINDS} kinds of failure were printed; failures of new kinds are only counted from now on`,
        );
        return;
      }
    }
    if (kind) {
      kind.count++;
      if (isPowerOfTen(kind.count)) {
        kind.told = kind.count;
        this.#logger.warn(
          `pactbot: ${kind.count} times so far: ${kind.summary} (printed in full the first time, counted since)`,
        );
      }
      return;
    }
    this.#kinds.set(key, { count: 1, told: 1, summary });
    if (detail === undefined) this.#logger[level](line);
    else this.#logger[level](line, detail);
  }

  /** Tells the count of every kind that happened again since its count was last told (at stop). */
  flush(): void {
    for (const kind of this.#kinds.values()) {
      if (kind.count === kind.told) continue;
      kind.told = kind.count;
      this.#logger.warn(`pactbot: ${kind.count} times in all: ${kind.summary}`);
    }
  }
}
