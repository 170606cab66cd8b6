/** How long WhatsApp Business lets a business answer freely after the customer's last message. */
export const WABA_WINDOW_MS = 24 * 60 * 60 * 1000;

/** The channel type whose conversations have a window. */
export const WABA = 'whatsapp_business';

/**
 * The 24-hour window of a WhatsApp Business conversation: while it is `open`, the business may
 * send free-form messages (text, files, buttons); once it closed, only an approved template goes
 * through until the customer writes again. `closesAt` is 24 hours after the customer's last
 * message, or undefined when the customer never wrote (as far as the bot and Pact know) — a
 * window that was never open.
 */
export interface WabaWindow {
  /** Whether free-form messages are delivered now. */
  readonly open: boolean;
  /** When the window closes (or closed): 24 hours after the customer's last message. */
  readonly closesAt: Date | undefined;
}

/** The window left by a customer's last message at `lastCustomerAt` (ms), as of `now`. */
export function windowAfter(lastCustomerAt: number | undefined, now = Date.now()): WabaWindow {
  if (lastCustomerAt === undefined) return { open: false, closesAt: undefined };
  const closesAt = lastCustomerAt + WABA_WINDOW_MS;
  return { open: now < closesAt, closesAt: new Date(closesAt) };
}
