import { describe, expect, it } from 'vitest';
import {
  Bot,
  conversationKey,
  FILTER_QUERIES,
  parseWebhook,
  updateIdentity,
  type Context,
  type FilterQuery,
  type Update,
} from '@pactbot/core';
import { lineOf } from '@pactbot/core/internal';
import { webhooks } from '@pactbot/testkit/support/reference-webhooks';
import { webhooksV2 } from '@pactbot/testkit/support/reference-webhooks-v2';

function updateOf(body: unknown): Update {
  const parsed = parseWebhook(structuredClone(body));
  if (parsed.kind !== 'update') throw new Error(`not an update: ${parsed.kind}`);
  return parsed.update;
}

interface Seen {
  filters: FilterQuery[];
  kind: string;
  conversationId: number | undefined;
  channel: Context['channel'];
  text: string | undefined;
}

/** Runs a body through a bot with a handler on every filter; what the handlers saw. */
async function route(body: unknown): Promise<Seen> {
  const bot = new Bot({ token: 't', companyId: 42, apiUrl: 'http://127.0.0.1:9' });
  const seen: Seen = {
    filters: [],
    kind: '',
    conversationId: undefined,
    channel: undefined,
    text: undefined,
  };
  for (const filter of FILTER_QUERIES) {
    bot.on(filter, (ctx, next) => {
      seen.filters.push(filter);
      return next();
    });
  }
  bot.use((ctx) => {
    seen.kind = ctx.kind;
    seen.conversationId = ctx.conversationId;
    seen.channel = ctx.channel;
    seen.text = ctx.text;
  });
  const result = await bot.handleWebhook(JSON.stringify(body));
  expect(result.status).toBe(200);
  await bot.stop();
  return seen;
}

describe('the one description of updates', () => {
  const v1: Array<[string, unknown, FilterQuery[], number | undefined]> = [
    ['message/new', webhooks.messageNew, ['message', 'message:text'], 1],
    ['message/ack', webhooks.messageAck, ['message:ack'], 1],
    ['conversation/new', webhooks.conversationNew, ['conversation:new'], 1],
    ['conversation/update', webhooks.conversationUpdate, ['conversation:update'], 1],
    ['job/executed', webhooks.jobExecuted, ['job:executed'], undefined],
    ['qr_code/new', webhooks.qrCode, ['qr_code'], undefined],
    ['system', webhooks.system('authorized'), ['system'], undefined],
    ['group_conversation/new', webhooks.groupConversationNew, ['group_conversation:new'], 1],
    ['group_message/new', webhooks.groupMessageNew, ['group_message'], 1],
    ['group_message/ack', webhooks.groupMessageAck, ['group_message:ack'], 1],
    ['group_conversation_contact/new', webhooks.groupMemberNew, ['group_member:new'], 1],
  ];
  it.each(v1)(
    'routes v1 %s to its filters only, with its conversation',
    async (_name, body, filters, conversationId) => {
      const seen = await route(body);
      expect(seen.filters).toEqual(filters);
      expect(seen.kind).toBe(filters[0]);
      expect(seen.conversationId).toBe(conversationId);
    },
  );

  const v2: Array<[keyof typeof webhooksV2, FilterQuery[], number | undefined]> = [
    ['envelope', ['message', 'message:text'], 456],
    ['messageIncoming', ['message', 'message:text', 'message:attachments'], 456],
    ['messageOutgoingSent', ['message:outgoing'], 18643195],
    ['messageDelivered', ['message:ack'], 18643195],
    ['messageError', ['message:ack'], 18643298],
    ['messageOutgoingCurrent', ['message:outgoing'], 456],
    ['conversationCreate', ['conversation:new'], 216291470],
    ['conversationUpdate', ['conversation:update'], 216291470],
    ['conversationDelete', ['conversation:delete'], 216291470],
    ['authCreate', ['auth:create'], undefined],
    ['authConnected', ['auth:update'], undefined],
    ['authQr', ['auth:update'], undefined],
    ['authPages', ['auth:update'], undefined],
    ['authVkStep2', ['auth:update'], undefined],
    ['authOauth', ['auth:update'], undefined],
    ['authCode', ['auth:update'], undefined],
    ['authDisconnected', ['auth:update'], undefined],
    ['authDelete', ['auth:delete'], undefined],
  ];
  it.each(v2)(
    'routes the v2 example %s to its filters only, with its conversation',
    async (name, filters, conversationId) => {
      const seen = await route(webhooksV2[name]);
      expect(seen.filters).toEqual(filters);
      expect(seen.kind).toBe(filters[0]);
      expect(seen.conversationId).toBe(conversationId);
    },
  );

  it('fills a v2 customer message the way handlers read a v1 one', async () => {
    const bot = new Bot({ token: 't', companyId: 42, apiUrl: 'http://127.0.0.1:9' });
    let read: unknown;
    bot.on('message:text', (ctx) => {
      read = {
        text: ctx.text,
        conversationId: ctx.conversationId,
        channel: ctx.channel,
        attachments: ctx.attachments,
        income: ctx.message.income,
        id: ctx.message.external_id,
      };
    });
    await bot.handleWebhook(webhooksV2.messageIncoming);
    expect(read).toEqual({
      text: 'Hello, this is a test message',
      conversationId: 456,
      channel: { id: 0, type: 'whatsapp' },
      attachments: [
        {
          external_id: 101,
          url: 'https://cdn.example.com/attachments/image.jpg',
          file_name: 'image.jpg',
          mime_type: 'image/jpeg',
          size: 102400,
        },
      ],
      income: true,
      id: 123,
    });
    await bot.stop();
  });

  it('tells a v2 redelivery from a new event of the same object', () => {
    const id = (body: unknown) => updateIdentity(updateOf(body));
    expect(id(webhooksV2.authQr)).toBe(id(webhooksV2.authQr));
    const refreshed = structuredClone(webhooksV2.authQr);
    refreshed.object.qr = 'data:image/png;base64,another';
    refreshed.object.updated_at = '2026-06-17T06:46:21.521Z';
    expect(id(refreshed)).not.toBe(id(webhooksV2.authQr));

    const archived = structuredClone(webhooksV2.conversationUpdate);
    archived.object.operational_state = 'archived';
    expect(id(archived)).not.toBe(id(webhooksV2.conversationUpdate));
    expect(id(webhooksV2.conversationUpdate)).toBe(id(webhooksV2.conversationUpdate));

    expect(id(webhooksV2.messageDelivered)).not.toBe(id(webhooksV2.messageOutgoingSent));
    const read = structuredClone(webhooksV2.messageDelivered);
    read.object.status = 'read';
    expect(id(read)).not.toBe(id(webhooksV2.messageDelivered));
  });

  it('keys a conversation the same way for its line and its session', () => {
    expect(conversationKey(42, 1001)).toBe('42:conversation:1001');
    const v1 = updateOf({
      ...webhooks.messageNew,
      data: { ...webhooks.messageNew.data, conversation_id: 1001 },
    });
    expect(lineOf(v1, 42)).toBe(conversationKey(42, 1001));
    const v2 = updateOf(webhooksV2.messageIncoming);
    expect(lineOf(v2, 42)).toBe(conversationKey(42, 456));
    expect(lineOf(updateOf(webhooksV2.authQr), 42)).toBe('42:auth:70719');
    expect(lineOf(updateOf(webhooks.jobExecuted), 42)).toBeUndefined();
  });
});
