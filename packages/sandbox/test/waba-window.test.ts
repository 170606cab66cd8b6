import { describe, expect, it } from 'vitest';
import type { Sandbox } from '../src/index.js';
import { call, startSandbox, WebhookReceiver, type Received } from './helpers.js';
import { v2 } from './v2-helpers.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** WhatsApp's reason outside the 24-hour window, as v1's job reports it. */
const V1_REASON =
  '(#131047) Re-engagement message: More than 24 hours have passed since the recipient last replied to the sender number.';

/** WhatsApp's reason outside the 24-hour window, as v2's `details` report it. */
const V2_DETAILS = {
  result: 'NOT DELIVERED',
  internal_reason: {
    errors: [
      {
        code: 131047,
        error_data: {
          details:
            'More than 24 hours have passed since the recipient last replied to the sender number.',
        },
        message: 'Re-engagement message',
        title: 'Re-engagement message',
      },
    ],
  },
};

const company = (sandbox: Sandbox) => `/p1/companies/${sandbox.companyId}`;

/** A sandbox posting its webhooks (in its version's envelope) to a receiver on 127.0.0.1. */
async function withReceiver(apiVersion: 1 | 2 = 1) {
  const receiver = await new WebhookReceiver().start();
  const sandbox = await startSandbox({ apiVersion, rateLimits: false, webhookUrl: receiver.url });
  return { sandbox, receiver };
}

const dataOf = (r: Received) => r.body.data as Record<string, unknown>;
const objectOf = (r: Received) => r.body.object as Record<string, unknown>;

/** v1: sends into a conversation and resolves the job. */
async function sendV1(sandbox: Sandbox, conversationId: number, json: Record<string, unknown>) {
  const answer = await call(
    sandbox,
    'POST',
    `${company(sandbox)}/conversations/${conversationId}/messages`,
    { json },
  );
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body.data as { id: number; channel: { id: number } };
}

/** v1: the `job`/`executed` webhook of a job, once it came. */
async function executed(receiver: WebhookReceiver, jobId: number) {
  const of = (r: Received) => r.body.type === 'job' && dataOf(r).id === jobId;
  await receiver.until((received) => received.some(of));
  return dataOf(receiver.received.find(of)!);
}

describe('the customer clock', () => {
  it('opens the window with the customer’s message and closes it 24 hours later by the clock', async () => {
    const sandbox = await startSandbox();
    const ann = sandbox.newCustomer({ name: 'Ann' });
    expect(ann.window).toEqual({ open: false, closesAt: null });

    const { message } = await ann.write('hi');
    const closesAt = new Date(message.sentAt.getTime() + DAY);
    expect(ann.window).toEqual({ open: true, closesAt });
    ann.advance('23h');
    ann.advance('59m');
    expect(ann.window).toEqual({ open: true, closesAt });
    ann.advance('90s');
    expect(ann.window).toEqual({ open: false, closesAt });

    const { message: again } = await ann.write('still there?');
    expect(again.sentAt.getTime() - message.sentAt.getTime()).toBeGreaterThanOrEqual(DAY + 30_000);
    expect(ann.window).toEqual({ open: true, closesAt: new Date(again.sentAt.getTime() + DAY) });

    // v1 reads the customer's silence in the conversation's times.
    const got = await call(
      sandbox,
      'GET',
      `${company(sandbox)}/conversations/${ann.conversationId}`,
    );
    const conversation = (got.body.data as { conversation: Record<string, number> }).conversation;
    expect(conversation.last_income_message_at).toBe(Math.floor(again.sentAt.getTime() / 1000));
    const listed = await call(
      sandbox,
      'GET',
      `${company(sandbox)}/conversations/${ann.conversationId}/messages`,
    );
    const times = (
      listed.body.data as { messages: Array<{ created_at: string; created_at_timestamp: number }> }
    ).messages.map((m) => [m.created_at, m.created_at_timestamp]);
    expect(times).toEqual([
      [message.sentAt.toISOString(), Math.floor(message.sentAt.getTime() / 1000)],
      [again.sentAt.toISOString(), Math.floor(again.sentAt.getTime() / 1000)],
    ]);
  });

  it('moves as a whole with sandbox.advance, one conversation at a time with customer.advance', async () => {
    const sandbox = await startSandbox();
    const ann = sandbox.newCustomer({ name: 'Ann' });
    const bob = sandbox.newCustomer({ name: 'Bob', channel: 'telegram' });
    const before = Date.now();
    const now = sandbox.advance('2d');
    expect(now.getTime()).toBeGreaterThanOrEqual(before + 2 * DAY);
    expect(ann.now().getTime() - sandbox.now().getTime()).toBeLessThan(1000);
    ann.advance('15m');
    expect(ann.now().getTime() - bob.now().getTime()).toBeGreaterThanOrEqual(15 * 60_000);
    expect(bob.window).toBeUndefined();
    const { message } = await bob.write('hello');
    expect(message.sentAt.getTime()).toBeGreaterThanOrEqual(before + 2 * DAY);
    expect(sandbox.advance(1500).getTime()).toBeGreaterThanOrEqual(before + 2 * DAY + 1500);
  });

  it('refuses what is no duration with a one-line error', () => {
    return startSandbox().then((sandbox) => {
      const ann = sandbox.newCustomer();
      for (const wrong of ['soon', '25 hours', '-1h', '1w', -5, Number.NaN, null, {}]) {
        expect(() => sandbox.advance(wrong as never), JSON.stringify(wrong)).toThrow(TypeError);
      }
      expect(() => ann.advance('1 week' as never)).toThrow(
        `advance() takes a duration such as '90s', '15m', '25h', '2d' or a number of milliseconds, from 0 to 3650 days (the clock only moves forward); got "1 week"`,
      );
      expect(ann.window).toEqual({ open: false, closesAt: null });
    });
  });
});

describe('free-form messages and the 24-hour window, v1', () => {
  it('delivers inside the window; outside it takes the send and reports it NOT DELIVERED with 131047, without acks', async () => {
    const { sandbox, receiver } = await withReceiver(1);
    const ann = sandbox.newCustomer({ name: 'Ann' });
    await ann.write('hi');
    const inside = await sendV1(sandbox, ann.conversationId, { message: 'Welcome!' });
    expect(await executed(receiver, inside.id)).toMatchObject({ result: 'DELIVERED' });

    const later = ann.advance('25h');
    const upload = await call(
      sandbox,
      'POST',
      `${company(sandbox)}/conversations/${ann.conversationId}/messages/attachments`,
      { json: { file_url: 'https://example.com/menu.pdf' } },
    );
    const attachmentId = (upload.body.data as { external_id: number }).external_id;
    const outside = [
      await sendV1(sandbox, ann.conversationId, { message: 'Are you still there?' }),
      await sendV1(sandbox, ann.conversationId, { attachments_ids: [attachmentId] }),
      await sendV1(sandbox, ann.conversationId, {
        message: 'Pick one',
        interactive: { type: 'button', buttons: ['Yes', 'No'] },
      }),
    ];
    for (const job of outside) {
      const webhook = await executed(receiver, job.id);
      expect(webhook).toMatchObject({
        result: 'NOT DELIVERED',
        reason: V1_REASON,
        message_id: null,
      });
      expect(webhook.date as number).toBeGreaterThanOrEqual(Math.floor(later.getTime() / 1000));
      const polled = await call(
        sandbox,
        'GET',
        `${company(sandbox)}/channels/${job.channel.id}/jobs/${job.id}`,
      );
      expect(polled.body.data).toMatchObject({
        state: 'not_delivered',
        message_id: null,
        details: { result: 'NOT DELIVERED', reason: V1_REASON },
      });
    }

    // The customer answers: the window opens again, and the next message gets all its acks —
    // after which none can come for the three that failed (a conversation's webhooks keep order).
    await ann.write('yes, here');
    const delivered = await sendV1(sandbox, ann.conversationId, { message: 'Great!' });
    const { message_id: deliveredId } = await executed(receiver, delivered.id);
    await receiver.until((received) =>
      received.some(
        (r) =>
          r.body.event === 'ack' && dataOf(r).external_id === deliveredId && dataOf(r).ack === 3,
      ),
    );
    const acked = receiver.received
      .filter((r) => r.body.event === 'ack')
      .map((r) => dataOf(r).external_id);
    const bot = ann.messages().filter((m) => m.from === 'bot');
    expect(bot.map((m) => [m.text, m.status, m.failure])).toEqual([
      ['Welcome!', 'read', null],
      ['Are you still there?', 'not delivered', V1_REASON],
      ['', 'not delivered', V1_REASON],
      ['Pick one', 'not delivered', V1_REASON],
      ['Great!', 'read', null],
    ]);
    expect(new Set(acked)).toEqual(new Set([bot[0]!.id, bot[4]!.id]));
    // Pact keeps what it took: the list has all five, at the clock's times.
    const listed = await call(
      sandbox,
      'GET',
      `${company(sandbox)}/conversations/${ann.conversationId}/messages`,
    );
    const sent = (
      listed.body.data as { messages: Array<{ income: boolean; created_at: string }> }
    ).messages.filter((m) => !m.income);
    expect(sent).toHaveLength(5);
    expect(Date.parse(sent[1]!.created_at)).toBeGreaterThanOrEqual(later.getTime());
  });

  it('leaves other messengers and the undelivered fault as they were', async () => {
    const { sandbox, receiver } = await withReceiver(1);
    const bob = sandbox.newCustomer({ channel: 'whatsapp' });
    bob.advance('3d');
    const job = await sendV1(sandbox, bob.conversationId, { message: 'Hello' });
    expect(await executed(receiver, job.id)).toMatchObject({ result: 'DELIVERED' });
    const ann = sandbox.newCustomer();
    await ann.write('hi');
    sandbox.setFaults({ undelivered: 1 });
    const failed = await sendV1(sandbox, ann.conversationId, { message: 'Hello' });
    expect(await executed(receiver, failed.id)).toMatchObject({
      result: 'NOT DELIVERED',
      reason: 'the sandbox made this delivery fail (the "undelivered" fault)',
    });
  });
});

describe('free-form messages and the 24-hour window, v2', () => {
  it('delivers inside the window; outside it posts message/update with status error and WhatsApp’s 131047', async () => {
    const { sandbox, receiver } = await withReceiver(2);
    const ann = sandbox.newCustomer({ name: 'Ann' });
    await ann.write('hi');
    const send = async (json: Record<string, unknown>) => {
      const answer = await v2(sandbox, 'POST', `/conversations/${ann.conversationId}/messages`, {
        json: { company_id: sandbox.companyId, ...json },
      });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      return answer.body.message as { id: number; status: string; external_created_at: string };
    };
    const updateOf = async (id: number) => {
      const of = (r: Received) =>
        r.body.type === 'message' && r.body.event === 'update' && objectOf(r).id === id;
      await receiver.until((received) => received.some(of));
      return objectOf(receiver.received.find(of)!);
    };

    const inside = await send({ text: 'Welcome!' });
    expect(await updateOf(inside.id)).toMatchObject({ status: 'delivered', details: null });

    const later = ann.advance('25h');
    const upload = await v2(sandbox, 'POST', '/attachments/', {
      json: { company_id: sandbox.companyId, file_url: 'https://example.com/menu.pdf' },
    });
    const attachmentId = (upload.body.attachment as { id: number }).id;
    const text = await send({ text: 'Are you still there?' });
    const file = await send({ attachment_ids: [attachmentId] });
    for (const sent of [text, file]) {
      expect(sent.status).toBe('sent');
      expect(Date.parse(sent.external_created_at)).toBeGreaterThanOrEqual(
        Math.floor(later.getTime() / 1000) * 1000,
      );
      const update = await updateOf(sent.id);
      expect(update).toMatchObject({ status: 'error', details: V2_DETAILS });
      const got = await v2(
        sandbox,
        'GET',
        `/conversations/${ann.conversationId}/messages/${sent.id}`,
        {
          query: { company_id: sandbox.companyId },
        },
      );
      expect(got.body.message).toMatchObject({ status: 'error', details: V2_DETAILS });
    }
    const creates = receiver.received.filter(
      (r) => r.body.event === 'create' && r.body.type === 'message' && !objectOf(r).income,
    );
    expect(creates.map((r) => objectOf(r).id)).toEqual([inside.id, text.id, file.id]);
    expect(
      receiver.received.filter((r) => r.body.event === 'update' && objectOf(r).id === text.id),
    ).toHaveLength(1);
  });
});
