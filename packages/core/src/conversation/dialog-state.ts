import { createHash } from 'node:crypto';
import type { Job } from '../api/types.js';
import type { V2Message } from '../api/v2/types.js';
import type { ButtonPress } from '../context/button-menus.js';
import type { Update } from '../webhook/types.js';

/** An update a dialog consumed: its identity, when it came, the update, the press it was. */
export interface RecordedUpdate {
  /** The update's identity, so a redelivery of it is not fed to the dialog twice. */
  id: string;
  /** When it was handled (ms since the epoch), for waits with a timeout. */
  t: number;
  u: Update;
  /** The button it pressed, as it was routed then (the menu may be gone since). */
  a?: ButtonPress | undefined;
}

/** A send a dialog made, as it ended: Pact's answers to its parts, or the error it failed with. */
export type RecordedSend =
  | {
      ok: true;
      parts: Array<{ job: Job; message?: V2Message | undefined }>;
      conversationId: number;
    }
  | { ok: false; name: string; message: string };

/** One step of a dialog's record, replayed in order when the dialog resumes in a fresh process. */
export type DialogEntry =
  /** An update a wait took (`m`), or one that matched no wait and went to its `otherwise` (`o`). */
  | { k: 'u'; d: 'm' | 'o'; r: RecordedUpdate }
  /** The result of `conv.external` (or `now`, `random`): a value, or an error's message. */
  | { k: 'x'; ok: true; v: unknown }
  | { k: 'x'; ok: false; name: string; message: string }
  /** A send: what it was (`f`, to notice changed code) and how it ended. */
  | { k: 's'; f: string; r: RecordedSend };

/** A dialog as it is stored between turns. */
export interface DialogState {
  /** The format of this record. */
  v: 1;
  /** The dialog's id. */
  id: string;
  /** The version of the dialog's code that made the record. */
  version: string;
  /** The arguments it was entered with. */
  args: unknown[];
  /** The update that entered it. */
  first: RecordedUpdate;
  /** Every step since, in order. */
  log: DialogEntry[];
  /** Turns taken, counting the first: a process that ran the dialog knows whether its copy is current. */
  turn: number;
  /** When it last consumed an update (ms since the epoch), for `expireAfterMs`. */
  lastAt: number;
}

/** A short fingerprint of what a step was asked to do, to tell when replayed code asks for other things. */
export function fingerprint(method: string, args: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(args) ?? '';
  } catch {
    text = String(args);
  }
  return `${method}:${createHash('sha1').update(text).digest('base64url').slice(0, 10)}`;
}

/** The version of a dialog's code: a digest of its source, unless the dialog names one. */
export function codeVersion(fn: (...args: never[]) => unknown): string {
  return createHash('sha1').update(fn.toString()).digest('base64url').slice(0, 16);
}
