import { describe, expect, it } from 'vitest';
import {
  orderingKey,
  parsePactDate,
  parseWebhook,
  updateIdentity,
  WebhookError,
  type Update,
} from '@pactbot/core';
import { SYSTEM_MESSAGES, webhooks } from '@pactbot/testkit/support/reference-webhooks';

function update(body: unknown): Update {
  const parsed = parseWebhook(body);
  if (parsed.kind !== 'update') throw new Error(`expected an update, got ${parsed.kind}`);
  return parsed.update;
}

describe('parseWebhook reads every webhook of the reference', () => {
  it('message/new, with location {} read as none', () => {
    const u = update(webhooks.messageNew);
    expect(u.type === 'message' && u.event === 'new' && u.data).toMatchObject({
      conversation_id: 1,
      message: 'Message body',
      income: true,
      location: null,
      channel: { id: 1, type: 'whatsapp' },
      attachments: [],
      job_id: 1,
    });
  });

  it('message/ack', () => {
    const u = update(webhooks.messageAck);
    expect(u).toMatchObject({
      type: 'message',
      event: 'ack',
      data: { external_id: 1, conversation_id: 1, ack: 3 },
    });
  });

  it('conversation/new and conversation/update', () => {
    expect(update(webhooks.conversationNew)).toMatchObject({
      type: 'conversation',
      event: 'new',
      data: { external_id: 1, name: 'Sender Name' },
    });
    expect(update(webhooks.conversationUpdate)).toMatchObject({
      type: 'conversation',
      event: 'update',
      data: { external_id: 1 },
    });
  });

  it('job/executed', () => {
    expect(update(webhooks.jobExecuted)).toMatchObject({
      type: 'job',
      event: 'executed',
      data: { id: 1, result: 'DELIVERED', message_id: 1 },
    });
  });

  it('qr_code', () => {
    expect(update(webhooks.qrCode)).toMatchObject({
      type: 'qr_code',
      event: 'new',
      channel_id: 1,
      data: 'BASE64 QR-CODE image string',
    });
  });

  it.each(SYSTEM_MESSAGES)('system: %s', (message) => {
    expect(update(webhooks.system(message))).toMatchObject({
      type: 'system',
      severity: 'critical',
      data: { message, details: { entity: 'channel', entity_id: 1 } },
    });
  });

  it('system: IG was set DISABLED, without a timestamp', () => {
    expect(update(webhooks.instagramDisabled)).toMatchObject({
      type: 'system',
      severity: 'information',
      data: { message: 'IG was set DISABLED' },
    });
  });

  it('group chats: new conversation, new message (location null), ack, new member', () => {
    expect(update(webhooks.groupConversationNew)).toMatchObject({
      type: 'group_conversation',
      data: { external_id: 1, name: 'Group name' },
    });
    expect(update(webhooks.groupMessageNew)).toMatchObject({
      type: 'group_message',
      event: 'new',
      data: { conversation_id: 1, location: null, external_public_id: '79000000000' },
    });
    expect(update(webhooks.groupMessageAck)).toMatchObject({
      type: 'group_message',
      event: 'ack',
      data: { ack: 3, participant: '79000000000' },
    });
    expect(update(webhooks.groupMemberNew)).toMatchObject({
      type: 'group_conversation_contact',
      data: { conversation_id: 1, contact: { external_public_id: '79000000000' } },
    });
  });

  it("Pact's probe", () => {
    expect(parseWebhook(webhooks.probe)).toEqual({ kind: 'probe' });
  });
});

describe('leniency', () => {
  it('reads ids written as strings, a channel given only as channel_id/channel_type, and "true" for income', () => {
    const u = update({
      type: 'message',
      event: 'new',
      data: {
        external_id: '77',
        conversation_id: '12',
        channel_id: '3',
        channel_type: 'telegram',
        message: 'x',
        income: 'true',
      },
    });
    expect(u.type === 'message' && u.event === 'new' && u.data).toMatchObject({
      conversation_id: 12,
      channel: { id: 3, type: 'telegram' },
      income: true,
      attachments: [],
      location: null,
    });
  });

  it('keeps a filled location', () => {
    const u = update({
      ...webhooks.messageNew,
      data: { ...webhooks.messageNew.data, location: { latitude: 55.7, longitude: 37.6 } },
    });
    expect(u.type === 'message' && u.event === 'new' && u.data.location).toEqual({
      latitude: 55.7,
      longitude: 37.6,
    });
  });

  it('reads both date forms', () => {
    expect(parsePactDate('2017-11-11 12:45:53 UTC')?.toISOString()).toBe(
      '2017-11-11T12:45:53.000Z',
    );
    expect(parsePactDate('2017-04-25T18:30:23.076Z')?.toISOString()).toBe(
      '2017-04-25T18:30:23.076Z',
    );
    expect(parsePactDate(1603118584)?.toISOString()).toBe('2020-10-19T14:43:04.000Z');
    expect(parsePactDate('yesterday')).toBeUndefined();
  });

  it('acknowledges types and events it does not know', () => {
    expect(parseWebhook({ type: 'reaction', event: 'new', data: {} })).toMatchObject({
      kind: 'unknown',
      type: 'reaction',
    });
    expect(parseWebhook({ type: 'message', event: 'edited', data: {} })).toMatchObject({
      kind: 'unknown',
      type: 'message',
      event: 'edited',
    });
  });

  it('never chokes on values that cannot become text (found by fuzzing)', () => {
    const hostile = JSON.parse('{"toString":null,"valueOf":null}') as unknown;
    expect(
      parseWebhook({
        type: 'system',
        event: hostile,
        data: { message: 'disabled', details: { entity_id: hostile } },
      }),
    ).toMatchObject({
      kind: 'update',
      update: { data: { message: 'disabled', details: undefined } },
    });
    expect(parseWebhook({ type: 'message', event: hostile, data: {} })).toMatchObject({
      kind: 'unknown',
    });
    expect(() =>
      parseWebhook({
        type: 'message',
        event: 'ack',
        data: { external_id: hostile, conversation_id: 1, ack: 1 },
      }),
    ).toThrow('message/ack webhook lacks data.external_id');
  });

  it('refuses malformed bodies with a 400 and a one-line reason', () => {
    for (const body of [
      null,
      'text',
      3,
      [],
      {},
      { type: '' },
      { type: 'job', event: 'executed', data: { id: 1 } },
      { type: 'qr_code', event: 'new' },
    ]) {
      let caught: unknown;
      try {
        parseWebhook(body);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(WebhookError);
      expect((caught as WebhookError).status).toBe(400);
      expect((caught as Error).message).not.toContain('\n');
    }
  });
});

describe('identity and ordering', () => {
  it('gives a redelivery the same identity and distinct events different ones', () => {
    const first = update(webhooks.messageNew);
    expect(updateIdentity(update(structuredClone(webhooks.messageNew)))).toBe(
      updateIdentity(first),
    );
    expect(updateIdentity(update(webhooks.messageAck))).not.toBe(
      updateIdentity(
        update({ ...webhooks.messageAck, data: { ...webhooks.messageAck.data, ack: 2 } }),
      ),
    );
    expect(updateIdentity(update(webhooks.system('phone offline')))).not.toBe(
      updateIdentity(update(webhooks.system('phone online'))),
    );
  });

  it("tells one group member's read of a message from another's, and a redelivery from neither", () => {
    const ann = webhooks.groupMessageAck;
    const bob = { ...ann, data: { ...ann.data, participant: '79000000001' } };
    expect(updateIdentity(update(bob))).not.toBe(updateIdentity(update(ann)));
    expect(updateIdentity(update(structuredClone(ann)))).toBe(updateIdentity(update(ann)));
  });

  it('puts messages, acks and conversation events of one conversation in one line, and jobs in none', () => {
    expect(orderingKey(update(webhooks.messageNew))).toBe('conversation:1');
    expect(orderingKey(update(webhooks.messageAck))).toBe('conversation:1');
    expect(orderingKey(update(webhooks.conversationNew))).toBe('conversation:1');
    expect(orderingKey(update(webhooks.jobExecuted))).toBeUndefined();
    expect(orderingKey(update(webhooks.system('disabled')))).toBe('channel:1');
  });
});
