/**
 * Pact's per-endpoint rate limits of API v2 (README §6 of `shared/pact-api/v2`): each endpoint
 * counts its own calls per token, in one or more windows at once; a call over any window is
 * answered 429 with `"Please wait for N seconds"`.
 */

/** At most `max` calls within `seconds`. */
export interface RateWindow {
  max: number;
  seconds: number;
}

/** Sending a message and writing first: 5 a second and 30 a minute. */
export const SEND_LIMITS: readonly RateWindow[] = [
  { max: 5, seconds: 1 },
  { max: 30, seconds: 60 },
];
/** Uploads: 5 files a second and 30 a minute. */
export const UPLOAD_LIMITS: readonly RateWindow[] = SEND_LIMITS;
/** Reading conversations (the list, or one): 10 a minute. */
export const CONVERSATION_READ_LIMITS: readonly RateWindow[] = [{ max: 10, seconds: 60 }];
/** Reading messages (the list, or one): 20 a minute. */
export const MESSAGE_READ_LIMITS: readonly RateWindow[] = [{ max: 20, seconds: 60 }];
/** Reading WhatsApp Business templates: 20 a minute. */
export const TEMPLATE_READ_LIMITS: readonly RateWindow[] = [{ max: 20, seconds: 60 }];

/**
 * Counts calls in sliding windows. A call that is refused is not counted, so waiting as told is
 * always enough. Time is `Date.now()`, so a test can move it with fake timers.
 */
export class RateLimiter {
  readonly #calls = new Map<string, number[]>();

  /** Counts a call to `bucket`; returns the whole seconds to wait when it is over a window. */
  take(bucket: string, windows: readonly RateWindow[], now = Date.now()): number | undefined {
    const longest = Math.max(...windows.map((window) => window.seconds)) * 1000;
    const calls = (this.#calls.get(bucket) ?? []).filter((at) => at > now - longest);
    let waitMs = 0;
    for (const { max, seconds } of windows) {
      const inWindow = calls.filter((at) => at > now - seconds * 1000);
      if (inWindow.length >= max) {
        // The call that must leave the window before another one fits.
        const leaving = inWindow[inWindow.length - max]!;
        waitMs = Math.max(waitMs, leaving + seconds * 1000 - now);
      }
    }
    this.#calls.set(bucket, calls);
    if (waitMs > 0) return Math.max(1, Math.ceil(waitMs / 1000));
    calls.push(now);
    return undefined;
  }
}
