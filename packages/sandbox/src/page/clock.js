// @ts-check
// A conversation's clock and, on WhatsApp Business, its 24-hour window, as the chat page tells
// them: the server sends each conversation's clock offset and when its window closes; the page
// reads the time now by that clock.

/** @typedef {import('./chat.js').Conversation} Conversation */

/**
 * The time now by a conversation's clock, in ms since the epoch.
 * @param {Conversation} conversation
 * @returns {number}
 */
export function conversationNow(conversation) {
  return Date.now() + conversation.clockOffsetMs;
}

/**
 * A span of time for people, cut to the minute: `23 h 59 min`, `12 min`, `25 h`, `3 d 1 h`.
 * @param {number} ms
 * @returns {string}
 */
export function spanText(ms) {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  if (hours >= 48)
    return hours % 24 > 0 ? `${Math.floor(hours / 24)} d ${hours % 24} h` : `${hours / 24} d`;
  if (hours > 0) return rest > 0 ? `${hours} h ${rest} min` : `${hours} h`;
  return `${rest} min`;
}

/**
 * How far a conversation's clock runs ahead of real time: `+25 h`, or '' when it does not.
 * @param {Conversation} conversation
 * @returns {string}
 */
export function offsetText(conversation) {
  return conversation.clockOffsetMs >= 60_000 ? `+${spanText(conversation.clockOffsetMs)}` : '';
}

/**
 * The 24-hour window of a WhatsApp Business conversation now, in words; undefined elsewhere.
 * @param {Conversation} conversation
 * @returns {{ open: boolean, text: string } | undefined}
 */
export function windowState(conversation) {
  const chatWindow = conversation.window;
  if (!chatWindow) return undefined;
  if (!chatWindow.closesAt) {
    return {
      open: false,
      text: 'Window closed: the customer has not written yet. Only templates are delivered.',
    };
  }
  const left = Date.parse(chatWindow.closesAt) - conversationNow(conversation);
  return left > 0
    ? { open: true, text: `24-hour window open · closes in ${spanText(left)}` }
    : {
        open: false,
        text: `24-hour window closed ${spanText(-left)} ago · only templates are delivered`,
      };
}
