/**
 * Webhook bodies for the load generator: every body a distinct update (its own message id), over
 * many conversations, built from a template so that making one costs a few string concatenations.
 */

/** Numbers that stand in for the variable fields while the template is made. */
const ID_MARK = 987654321987;
const CONVERSATION_MARK = 123456789123;

function template(shape: object): [string, string, string] {
  const text = JSON.stringify(shape);
  const [head, rest] = text.split(String(ID_MARK)) as [string, string];
  const [middle, tail] = rest.split(String(CONVERSATION_MARK)) as [string, string];
  return [head, middle, tail];
}

/**
 * A Pact `message`/`new` webhook, the shape of `test/support/webhooks.ts` `messageNew` (a customer
 * wrote "hi" on WhatsApp).
 */
const PACT = template({
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
});

/** A Telegram Bot API `Update` with a private text message, for grammY and Telegraf. */
const TELEGRAM = template({
  update_id: ID_MARK,
  message: {
    message_id: 1,
    from: { id: 42, is_bot: false, first_name: 'Ann', language_code: 'en' },
    chat: { id: CONVERSATION_MARK, first_name: 'Ann', type: 'private' },
    date: 1603118584,
    text: 'hi there, what are your opening hours?',
  },
});

/** The protocols bodies can be made for. */
export type Protocol = 'pact' | 'telegram';

/** Message ids are unique across the whole benchmark run, so no body is ever a redelivery. */
let nextId = 1;

/**
 * A maker of unique webhook bodies: conversations are taken round-robin from `conversations` of
 * them, so with many conversations no two webhooks in flight share one.
 */
export function bodyMaker(protocol: Protocol, conversations: number): () => string {
  const [head, middle, tail] = protocol === 'pact' ? PACT : TELEGRAM;
  const base = protocol === 'pact' ? 1000 : 5_000_000;
  return () => {
    const id = nextId++;
    return head + id + middle + (base + (id % conversations)) + tail;
  };
}

/** The id the next body will carry; lets a case know how many bodies were made. */
export function bodiesMade(): number {
  return nextId - 1;
}
