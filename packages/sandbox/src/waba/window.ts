/**
 * WhatsApp Business's customer service window: a business may send free-form messages (text,
 * files, buttons) only within 24 hours of the customer's last message; after that only an
 * approved template goes through. Pact takes such a send and WhatsApp then refuses it with error
 * 131047, "Re-engagement message" — which is what the sandbox reports.
 */
import type { ConversationRecord, DeliveryFailure } from '../store/records.js';

/** How long a customer's message keeps the window open. */
export const WINDOW_MS = 24 * 60 * 60 * 1000;

/** A conversation's 24-hour window: whether it is open now, and when it closes (or closed). */
export interface ConversationWindow {
  /** Whether a free-form message sent now is delivered. */
  open: boolean;
  /** 24 hours after the customer's last message; null while the customer never wrote. */
  closesAt: Date | null;
}

/** Whether a conversation's messenger keeps a window: WhatsApp Business only. */
export function hasWindow(conversation: Pick<ConversationRecord, 'channel_type'>): boolean {
  return conversation.channel_type === 'whatsapp_business';
}

/**
 * The window of a WhatsApp Business conversation at `now` (by the conversation's clock, as the
 * customer's last message time is); undefined on other messengers, which have none.
 */
export function windowOf(
  conversation: Pick<ConversationRecord, 'channel_type' | 'last_income_message_at'>,
  now: Date,
): ConversationWindow | undefined {
  if (!hasWindow(conversation)) return undefined;
  const last = conversation.last_income_message_at;
  if (!last) return { open: false, closesAt: null };
  const closesAt = new Date(last.getTime() + WINDOW_MS);
  return { open: now.getTime() < closesAt.getTime(), closesAt };
}

/** WhatsApp's description of error 131047. */
const RE_ENGAGEMENT_DETAILS =
  'More than 24 hours have passed since the recipient last replied to the sender number.';

/**
 * Why a free-form message outside the window was not delivered: WhatsApp's error 131047, as v1's
 * job `reason` and as v2's `details.internal_reason.errors` (the shape of the reference's one
 * example of a failed delivery).
 */
export function windowClosedFailure(): DeliveryFailure {
  return {
    reason: `(#131047) Re-engagement message: ${RE_ENGAGEMENT_DETAILS}`,
    errors: [
      {
        code: 131047,
        error_data: { details: RE_ENGAGEMENT_DETAILS },
        message: 'Re-engagement message',
        title: 'Re-engagement message',
      },
    ],
  };
}
