/**
 * The dialog every server of the dialogs case runs, in words: N questions in a row, each answered
 * by the customer's next text message and acknowledged with the next question. The servers write
 * it each in their own way (a pactbot dialog, a state machine in the session, a grammY
 * conversation); these are the texts they send, so all of them send the same.
 */

/** Configuration of a dialog server. */
export interface DialogServerConfig {
  /** The API stand-in's root. */
  apiUrl: string;
  /** Questions in the dialog. */
  questions: number;
  /** grammY only: keep its conversation state as objects (its default) or as JSON text. */
  storage?: 'objects' | 'json' | undefined;
  /**
   * pactbot's dialog only: `conversations()` with its own store (the default), or given a
   * `MemorySessionStore`, which it then reads and writes every turn as it would a Redis store.
   */
  store?: 'default' | 'given' | undefined;
}

/** What a server answers to the case's `stored` request for some conversations. */
export interface StoredReport {
  /** Conversations with something stored. */
  present: number;
  /** Bytes of what each stores, as UTF-8 JSON: mean, least, most (over those present). */
  meanBytes: number;
  minBytes: number;
  maxBytes: number;
  /** Answers taken so far by each, as its stored state tells: least and most. */
  minAnswers: number;
  maxAnswers: number;
}

/** The text that starts the dialog. */
export const START = 'start';

/** The first question. */
export function firstQuestion(questions: number): string {
  return `Question 1 of ${questions}: what is your answer?`;
}

/** What the bot says to answer `i` (from 1): thanks, and the next question or the end. */
export function afterAnswer(i: number, text: string, questions: number): string {
  const thanks = `Thanks for answer ${i} ("${text}").`;
  return i < questions
    ? `${thanks} Question ${i + 1} of ${questions}: what is your answer?`
    : `${thanks} That was all.`;
}

/** Sums up byte sizes and answer counts of some conversations' stored states. */
export function report(sizes: Array<{ bytes: number; answers: number } | undefined>): StoredReport {
  const present = sizes.filter((size) => size !== undefined);
  const bytes = present.map((size) => size.bytes);
  const answers = present.map((size) => size.answers);
  return {
    present: present.length,
    meanBytes: bytes.length ? Math.round(bytes.reduce((a, b) => a + b, 0) / bytes.length) : 0,
    minBytes: bytes.length ? Math.min(...bytes) : 0,
    maxBytes: bytes.length ? Math.max(...bytes) : 0,
    minAnswers: answers.length ? Math.min(...answers) : 0,
    maxAnswers: answers.length ? Math.max(...answers) : 0,
  };
}

/** Bytes of a value as UTF-8 JSON text. */
export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(typeof value === 'string' ? value : JSON.stringify(value));
}
