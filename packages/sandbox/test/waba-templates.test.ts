import { describe, expect, it } from 'vitest';
import { PactClient } from '@pactbot/core';
import { reference } from '../../core/test/fixtures/reference-responses.js';
import type { Customer, Sandbox } from '../src/index.js';
import { v2Reference } from './fixtures/v2-reference.js';
import {
  call,
  closeAfterTest,
  expectShapeOf,
  startSandbox,
  WebhookReceiver,
  type Received,
} from './helpers.js';
import { v2 } from './v2-helpers.js';

const company = (sandbox: Sandbox) => `/p1/companies/${sandbox.companyId}`;

/** The templates every sandbox company has: waba_id, language, placeholders. */
const FIXTURES = [
  ['1_shablon_kakoito', 'ru', 1],
  ['order_update', 'en', 1],
  ['order_update', 'ru', 1],
  ['appointment_reminder', 'en', 3],
  ['appointment_reminder', 'ru', 3],
  ['welcome_back', 'en', 0],
];

async function withReceiver(apiVersion: 1 | 2 = 1) {
  const receiver = await new WebhookReceiver().start();
  const sandbox = await startSandbox({ apiVersion, rateLimits: false, webhookUrl: receiver.url });
  return { sandbox, receiver };
}

/** The company's WhatsApp Business channel, made through the API as a bot would. */
async function wabaChannel(sandbox: Sandbox): Promise<number> {
  const made = await call(sandbox, 'POST', `${company(sandbox)}/channels`, {
    json: { provider: 'whatsapp_business' },
  });
  if (made.status === 200) return (made.body.data as { external_id: number }).external_id;
  const listed = await call(sandbox, 'GET', `${company(sandbox)}/channels`);
  return (
    listed.body.data as { channels: Array<{ external_id: number; provider: string }> }
  ).channels.find((c) => c.provider === 'whatsapp_business')!.external_id;
}

/** v1: writes first on a channel, as form fields or JSON. */
function firstMessage(sandbox: Sandbox, channelId: number, body: string | Record<string, unknown>) {
  return call(
    sandbox,
    'POST',
    `${company(sandbox)}/channels/${channelId}/conversations`,
    typeof body === 'string' ? { form: body } : { json: body },
  );
}

/** v1: the `job`/`executed` webhook of a job, once it came. */
async function executed(receiver: WebhookReceiver, jobId: number) {
  const of = (r: Received) => r.body.type === 'job' && (r.body.data as { id: number }).id === jobId;
  await receiver.until((received) => received.some(of));
  return receiver.received.find(of)!.body.data as Record<string, unknown>;
}

const customerWith = (sandbox: Sandbox, phone: string): Customer | undefined =>
  sandbox.customers().find((c) => c.senderId === phone);

describe('approved templates', () => {
  it('are listed by v1 and v2 in the references’ shapes, each with its language', async () => {
    const sandbox = await startSandbox({ rateLimits: false });
    const v1 = await call(sandbox, 'GET', `${company(sandbox)}/waba_templates`);
    expectShapeOf(v1.body, reference.wabaTemplates);
    const v1List = (v1.body.data as { waba_templates: Array<Record<string, unknown>> })
      .waba_templates;
    expect(v1List.map((t) => [t.waba_id, t.language, t.substitutions_count])).toEqual(FIXTURES);
    expect(v1List[1]).toEqual({
      id: 7755,
      company_id: 1,
      name: 'order_update',
      waba_id: 'order_update',
      body: 'Your order {{1}} has shipped',
      substitutions_count: 1,
      position: 7755,
      language: 'en',
    });

    const v2List = await v2(sandbox, 'GET', '/waba_templates', {
      query: { 'sort[position]': 'asc' },
    });
    expectShapeOf(v2List.body, v2Reference.wabaTemplates);
    const templates = v2List.body.waba_templates as Array<Record<string, unknown>>;
    expect(templates.map((t) => [t.waba_id, t.language, t.substitutions_count])).toEqual(FIXTURES);
    expect(templates[3]).toMatchObject({
      waba_id: 'appointment_reminder',
      body: 'Hi {{1}}, see you on {{2}} at {{3}}',
      header_content_type: 'text',
      header: 'Appointment reminder',
      namespace: 'sandbox_templates',
      company_id: 1,
    });
    expect(templates[5]).toMatchObject({ waba_id: 'welcome_back', header_content_type: null });
  });
});

describe('template sends on v1, through the first-message endpoint', () => {
  it('take the reference’s form fields and core’s JSON, start a conversation, and are delivered', async () => {
    const { sandbox, receiver } = await withReceiver(1);
    const channelId = await wabaChannel(sandbox);
    const sent = await firstMessage(
      sandbox,
      channelId,
      `phone=79250000001&template[id]=order_update&template[language_code]=ru&template[parameters][]=${encodeURIComponent('№ 123')}`,
    );
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    expectShapeOf(sent.body, reference.firstMessageJob);
    const job = sent.body.data as { id: number; state: string; conversation_id: number };
    const ann = customerWith(sandbox, '79250000001')!;
    expect(job).toMatchObject({ state: 'trying_deliver', conversation_id: ann.conversationId });
    expect(await executed(receiver, job.id)).toMatchObject({ result: 'DELIVERED' });
    expect(ann.channel).toEqual({ id: channelId, type: 'whatsapp_business' });
    expect(ann.messages().map((m) => [m.text, m.status, m.template])).toEqual([
      [
        'Ваш заказ № 123 отправлен',
        'read',
        { name: 'order_update', language: 'ru', parameters: ['№ 123'] },
      ],
    ]);
    // A template opens no window: only the customer's answer does.
    expect(ann.window).toEqual({ open: false, closesAt: null });

    const client = closeAfterTest(new PactClient({ ...sandbox.botOptions, rateLimit: false }));
    const viaCore = await client.channels.sendFirstMessage(channelId, {
      phone: '79250000002',
      template: {
        id: 'appointment_reminder',
        language_code: 'en',
        parameters: ['Ann', 'Monday', '10:00'],
      },
    });
    expect(await executed(receiver, viaCore.id)).toMatchObject({ result: 'DELIVERED' });
    expect(customerWith(sandbox, '79250000002')!.messages()[0]).toMatchObject({
      text: 'Appointment reminder\nHi Ann, see you on Monday at 10:00',
      template: { name: 'appointment_reminder', language: 'en' },
    });

    // No placeholders: a form has no way to send an empty list, so none is none.
    const welcome = await firstMessage(
      sandbox,
      channelId,
      'phone=%2B79250000003&template[id]=welcome_back&template[language_code]=en',
    );
    expect(welcome.status, JSON.stringify(welcome.body)).toBe(200);
    expect(customerWith(sandbox, '79250000003')!.messages()[0]!.text).toBe(
      'Welcome back! Reply to this message to pick up where we left off.',
    );
  });

  it('refuse a wrong template, language or number of parameters with a 400 naming it', async () => {
    const sandbox = await startSandbox();
    const channelId = await wabaChannel(sandbox);
    const template = (fields: Record<string, unknown>) => ({
      phone: '79250000009',
      template: fields,
    });
    const cases: Array<[string | Record<string, unknown>, string]> = [
      [
        template({ id: 'order_update', language_code: 'en', parameters: ['#1', '#2'] }),
        'template[parameters] has 2 values, but template order_update (en) takes 1: "Your order {{1}} has shipped"',
      ],
      [
        'phone=79250000009&template[id]=appointment_reminder&template[language_code]=ru&template[parameters][]=Anna',
        'template[parameters] has 1 value, but template appointment_reminder (ru) takes 3: "Здравствуйте, {{1}}! Ждём вас {{2}} в {{3}}"',
      ],
      [
        template({ id: 'order_update', language_code: 'en' }),
        'template[parameters] has 0 values, but template order_update (en) takes 1: "Your order {{1}} has shipped"',
      ],
      [
        template({ id: 'order_shipped', language_code: 'en', parameters: [] }),
        'template[id] "order_shipped" is no approved template of this company; its templates are 1_shablon_kakoito, order_update, appointment_reminder, welcome_back',
      ],
      [
        template({ id: 'welcome_back', language_code: 'ru', parameters: [] }),
        'template welcome_back has no "ru" version (template[language_code]); it is approved in en',
      ],
      [
        template({ id: 'order_update', language_code: 'en', parameters: [{ n: 1 }] }),
        'template[parameters][0] must be a string, got an object',
      ],
      [
        template({ language_code: 'en', parameters: [] }),
        'template[id] is required: the waba_id of an approved template (see GET …/waba_templates)',
      ],
      [
        { phone: '79250000009', message: 'Hello' },
        'template is required on whatsapp_business: WhatsApp starts a conversation only with an approved template; send template[id], template[language_code] and template[parameters][] (see GET …/waba_templates)',
      ],
      [
        { ...template({ id: 'welcome_back' }), message: 'Hello' },
        'send either message or template: on whatsapp_business the template brings its own text',
      ],
      [{ template: { id: 'welcome_back' } }, 'phone is required: a string'],
    ];
    for (const [body, message] of cases) {
      const answer = await firstMessage(sandbox, channelId, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body).toEqual({ status: 'errored', message });
    }
    expect(customerWith(sandbox, '79250000009')).toBeUndefined();

    // A template does not go through the send endpoint, which says where it goes.
    const ann = sandbox.newCustomer();
    await ann.write('hi');
    const misplaced = await call(
      sandbox,
      'POST',
      `${company(sandbox)}/conversations/${ann.conversationId}/messages`,
      { json: { template: { id: 'welcome_back', language_code: 'en', parameters: [] } } },
    );
    expect(misplaced.status).toBe(400);
    expect(misplaced.body.message).toBe(
      `template: a WhatsApp Business template goes through POST /p1/companies/1/channels/${channelId}/conversations with the customer's phone (it reaches their conversation); this endpoint sends text, attachments_ids and interactive buttons`,
    );
    expect(ann.messages()).toHaveLength(1);
  });

  it('reach a customer outside the window, and leave it closed until the customer answers', async () => {
    const { sandbox, receiver } = await withReceiver(1);
    const ann = sandbox.newCustomer({ name: 'Ann' });
    await ann.write('hi');
    ann.advance('25h');
    expect(ann.window?.open).toBe(false);
    const sent = await firstMessage(sandbox, ann.channel.id, {
      phone: ann.senderId,
      template: { id: 'order_update', language_code: 'en', parameters: ['#42'] },
    });
    const job = sent.body.data as { id: number; conversation_id: number };
    expect(job.conversation_id).toBe(ann.conversationId);
    const { message_id: templateId } = await executed(receiver, job.id);
    await receiver.until((received) =>
      received.some(
        (r) =>
          r.body.event === 'ack' &&
          (r.body.data as { external_id: number; ack: number }).external_id === templateId &&
          (r.body.data as { ack: number }).ack === 3,
      ),
    );
    expect(ann.window?.open).toBe(false);

    const freeForm = await call(
      sandbox,
      'POST',
      `${company(sandbox)}/conversations/${ann.conversationId}/messages`,
      { json: { message: 'Anything else?' } },
    );
    const refused = await executed(receiver, (freeForm.body.data as { id: number }).id);
    expect(refused.result).toBe('NOT DELIVERED');
    expect(refused.reason).toMatch(/^\(#131047\)/);
    await ann.write('Thanks!');
    expect(ann.window?.open).toBe(true);
    expect(ann.messages().map((m) => [m.from, m.text, m.status])).toEqual([
      ['customer', 'hi', 'delivered'],
      ['bot', 'Your order #42 has shipped', 'read'],
      ['bot', 'Anything else?', 'not delivered'],
      ['customer', 'Thanks!', 'delivered'],
    ]);
  });
});

describe('template sends on v2, through write first', () => {
  it('fill the template in, in the language asked for, and refuse a wrong one in v2’s error shape', async () => {
    const { sandbox, receiver } = await withReceiver(2);
    const first = (json: Record<string, unknown>) =>
      v2(sandbox, 'POST', '/messages', {
        json: { company_id: sandbox.companyId, provider: 'whatsapp_business', ...json },
      });
    const en = await first({
      phone: '+79250000001',
      waba_id: 'order_update',
      substitutions: ['#7'],
    });
    expect(en.status, JSON.stringify(en.body)).toBe(200);
    expectShapeOf(en.body, {
      message: { ...v2Reference.messageSent.message, attachments: [], replied_to_id: null },
    });
    const message = en.body.message as { id: number; message: string; conversation_id: number };
    expect(message.message).toBe('Your order #7 has shipped');
    const ru = await first({
      phone: '79250000001',
      waba_id: 'appointment_reminder',
      language: 'ru',
      substitutions: ['Анна', 'в понедельник', '10:00'],
    });
    expect(ru.body.message as { message: string; conversation_id: number }).toMatchObject({
      message: 'Напоминание о записи\nЗдравствуйте, Анна! Ждём вас в понедельник в 10:00',
      conversation_id: message.conversation_id,
    });
    const byId = await first({ phone: '79250000001', waba_id: '7759' });
    expect((byId.body.message as { message: string }).message).toMatch(/^Welcome back!/);
    const delivered = (id: number) => (r: Received) =>
      r.body.event === 'update' &&
      (r.body.object as { id: number; status: string }).id === id &&
      (r.body.object as { status: string }).status === 'delivered';
    await receiver.until((received) => received.some(delivered(message.id)));

    const refusals: Array<[Record<string, unknown>, string]> = [
      [
        { phone: '79250000001', waba_id: 'order_update', substitutions: [] },
        'substitutions has 0 values, but template order_update (en) takes 1: "Your order {{1}} has shipped"',
      ],
      [
        { phone: '79250000001', waba_id: 'welcome_back', substitutions: ['extra'] },
        'substitutions has 1 value, but template welcome_back (en) takes 0: "Welcome back! Reply to this message to pick up where we left off."',
      ],
      [
        { phone: '79250000001', waba_id: 'order_update', language: 'de', substitutions: ['#7'] },
        'template order_update has no "de" version (language); it is approved in en, ru',
      ],
      [
        { phone: '79250000001', waba_id: 'shipping', substitutions: ['#7'] },
        'waba_id "shipping" is no approved template of this company; its templates are 1_shablon_kakoito, order_update, appointment_reminder, welcome_back',
      ],
      [
        { phone: '79250000001', waba_id: 'welcome_back', attachment_ids: [1] },
        'send either attachment_ids or waba_id: a template brings its own content',
      ],
    ];
    for (const [json, detail] of refusals) {
      const answer = await first(json);
      expect(answer.status, JSON.stringify(json)).toBe(400);
      expect(answer.body).toEqual({
        errors: [expect.objectContaining({ status: 400, detail })],
      });
    }
  });

  it('reach a customer outside the window by their phone, delivered, and leave the window closed', async () => {
    const { sandbox, receiver } = await withReceiver(2);
    const ann = sandbox.newCustomer({ name: 'Ann' });
    await ann.write('hi');
    ann.advance('2d');
    const sent = await v2(sandbox, 'POST', '/messages', {
      json: {
        company_id: sandbox.companyId,
        provider: 'whatsapp_business',
        phone: `+${ann.senderId}`,
        waba_id: 'order_update',
        substitutions: ['#42'],
      },
    });
    const message = sent.body.message as { id: number; conversation_id: number };
    expect(message.conversation_id).toBe(ann.conversationId);
    const updates = (r: Received) =>
      r.body.event === 'update' && (r.body.object as { id: number }).id === message.id;
    await receiver.until((received) => received.filter(updates).length === 2);
    expect(
      receiver.received.filter(updates).map((r) => (r.body.object as { status: string }).status),
    ).toEqual(['delivered', 'read']);
    expect(ann.window?.open).toBe(false);

    const misplaced = await v2(sandbox, 'POST', `/conversations/${ann.conversationId}/messages`, {
      json: { company_id: sandbox.companyId, waba_id: 'order_update', substitutions: ['#1'] },
    });
    expect(misplaced.status).toBe(400);
    expect((misplaced.body.errors as Array<{ detail: string }>)[0]!.detail).toMatch(
      /^waba_id: a WhatsApp Business template goes through write first, POST \/api\/p2\/messages/,
    );
  });
});
