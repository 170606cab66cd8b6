/**
 * Webhook bodies for the load generator: every body a distinct update (its own message id), over
 * many conversations, built from a template so that making one costs a few string concatenations.
 */

/** Numbers that stand in for the variable fields while the template is made. */
const ID_MARK = 987654321987;
const CONVERSATION_MARK = 123456789123;

/** Splits the JSON of `shape` at each mark, in order: the pieces around the variable fields. */
function template(shape: object, marks: number[]): string[] {
  const parts: string[] = [];
  let rest = JSON.stringify(shape);
  for (const mark of marks) {
    const at = rest.indexOf(String(mark));
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + String(mark).length);
  }
  parts.push(rest);
  return parts;
}

/**
 * A Pact `message`/`new` webhook, the shape of `messageNew` in `@pactbot/testkit/support/webhooks`
 * (a customer wrote "hi" on WhatsApp).
 */
const PACT = template(
  {
    type: 'message',
    event: 'new',
    data: {
      external_id: ID_MARK,
      external_public_id: 1,
      channel_id: 1,
      channel_type: 'whatsapp',
      channel: { id: 1, type: 'whatsapp' },
      conversation_id: CONVERSATION_MARK,
      message: 'hi there, what are your opening hours?',
      location: {},
      income: true,
      created_at: '2017-11-11 12:45:53 UTC',
      created_at_timestamp: 1603118584,
      ack: 1,
      attachments: [],
      job_id: null,
    },
  },
  [ID_MARK, CONVERSATION_MARK],
) as [string, string, string];

/**
 * A Telegram Bot API `Update` with a private text message, for grammY, Telegraf and Chat SDK. Its
 * `message_id` is the update's id too: message ids are unique within a chat, as Telegram makes
 * them, which matters to bots that deduplicate by message (Chat SDK does).
 */
const TELEGRAM = template(
  {
    update_id: ID_MARK,
    message: {
      message_id: ID_MARK,
      from: { id: 42, is_bot: false, first_name: 'Ann', language_code: 'en' },
      chat: { id: CONVERSATION_MARK, first_name: 'Ann', type: 'private' },
      date: 1603118584,
      text: 'hi there, what are your opening hours?',
    },
  },
  [ID_MARK, ID_MARK, CONVERSATION_MARK],
) as [string, string, string, string];

/** The protocols bodies can be made for. */
export type Protocol = 'pact' | 'telegram';

/** Message ids are unique across the whole benchmark run, so no body is ever a redelivery. */
let nextId = 1;

/**
 * A maker of unique webhook bodies: conversations are taken round-robin from `conversations` of
 * them, so with many conversations no two webhooks in flight share one.
 */
export function bodyMaker(protocol: Protocol, conversations: number): () => string {
  if (protocol === 'pact') {
    const [head, middle, tail] = PACT;
    return () => {
      const id = nextId++;
      return head + id + middle + (1000 + (id % conversations)) + tail;
    };
  }
  const [head, afterUpdate, afterMessage, tail] = TELEGRAM;
  return () => {
    const id = nextId++;
    return head + id + afterUpdate + id + afterMessage + (5_000_000 + (id % conversations)) + tail;
  };
}

/** The id the next body will carry; lets a case know how many bodies were made. */
export function bodiesMade(): number {
  return nextId - 1;
}

/**
 * A text message of the customer of conversation `conversation` (Pact's `conversation_id`, or
 * Telegram's chat id), as a webhook body of the same shape as {@link bodyMaker}'s, with its own
 * message id. For cases that lead conversations step by step; its cost is the driver's.
 */
export function messageBody(protocol: Protocol, conversation: number, text: string): string {
  const id = nextId++;
  if (protocol === 'pact') {
    const [head, middle, tail] = PACT;
    const update = JSON.parse(head + id + middle + conversation + tail) as {
      data: { message: string };
    };
    update.data.message = text;
    return JSON.stringify(update);
  }
  const [head, afterUpdate, afterMessage, tail] = TELEGRAM;
  const update = JSON.parse(head + id + afterUpdate + id + afterMessage + conversation + tail) as {
    message: { text: string };
  };
  update.message.text = text;
  return JSON.stringify(update);
}
