import { describe, expect, it } from 'vitest';
import type { Customer, Sandbox } from '../src/index.js';
import { v2Reference as reference } from './fixtures/v2-reference.js';
import { call, expectShapeOf, startSandbox } from './helpers.js';
import { pngOf, v2 } from './v2-helpers.js';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** A v2 sandbox without Pact's rate limits, which have tests of their own. */
async function v2Sandbox() {
  return startSandbox({ apiVersion: 2, rateLimits: false });
}

/** Resolves once the customer's latest message from the bot was delivered (or read). */
function delivered(sandbox: Sandbox, customer: Customer): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      const last = customer.messages().findLast((m) => m.from === 'bot');
      if (last?.status === 'delivered' || last?.status === 'read') {
        sandbox.events.off('message', check);
        resolve();
      }
    };
    sandbox.events.on('message', check);
    check();
  });
}

function errorOf(answer: { body: Record<string, unknown> }) {
  return (answer.body.errors as Array<{ status: number; code: string; detail: string }>)[0]!;
}

async function send(sandbox: Sandbox, conversationId: number, json: Record<string, unknown>) {
  return v2(sandbox, 'POST', `/conversations/${conversationId}/messages`, {
    json: { company_id: sandbox.companyId, ...json },
  });
}

describe('API v2: the token', () => {
  it('is refused with 401 and the errors body of the reference', async () => {
    const sandbox = await v2Sandbox();
    const missing = await v2(sandbox, 'GET', '/conversations', {
      token: null,
      query: { company_id: 1 },
    });
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual(reference.error401);
    const wrong = await v2(sandbox, 'GET', '/conversations', {
      token: 'guess',
      query: { company_id: 1 },
    });
    expect(wrong.status).toBe(401);
    expect(errorOf(wrong)).toMatchObject({ status: 401, code: 'unauthorized' });
  });

  it('is taken from the header, the query, a JSON body or a multipart field, and never logged', async () => {
    const sandbox = await startSandbox({ apiVersion: 2, rateLimits: false, token: 's3cr3t-token' });
    const logged: unknown[] = [];
    sandbox.events.on('api', (event) => logged.push(event.path, event.request));
    const customer = sandbox.newCustomer({ channel: 'whatsapp' });
    expect((await v2(sandbox, 'GET', '/conversations', { query: { company_id: 1 } })).status).toBe(
      200,
    );
    const query = await call(
      sandbox,
      'GET',
      '/api/p2/conversations?company_id=1&private_api_token=s3cr3t-token',
      {
        token: null,
      },
    );
    expect(query.status).toBe(200);
    const body = await send(sandbox, customer.conversationId, { text: 'hi' });
    expect(body.status).toBe(200);
    const inBody = await call(
      sandbox,
      'POST',
      `/api/p2/conversations/${customer.conversationId}/messages`,
      {
        token: null,
        json: { private_api_token: 's3cr3t-token', company_id: 1, text: 'hello' },
      },
    );
    expect(inBody.status).toBe(200);
    const form = new FormData();
    form.append('private_api_token', 's3cr3t-token');
    form.append('company_id', '1');
    form.append('file', new Blob(['x']), 'x.txt');
    expect(
      (await call(sandbox, 'POST', '/api/p2/attachments/', { token: null, multipart: form }))
        .status,
    ).toBe(200);
    expect(JSON.stringify(logged)).not.toContain('s3cr3t-token');
  });
});

describe('API v2: conversations', () => {
  it('lists and shows conversations in the reference shapes, newest activity first', async () => {
    const sandbox = await v2Sandbox();
    const ann = sandbox.newCustomer({ channel: 'whatsapp', name: 'Ann' });
    const bob = sandbox.newCustomer({ channel: 'telegram', name: 'Bob' });
    await ann.write('hi');
    const list = await v2(sandbox, 'GET', '/conversations', { query: { company_id: 1 } });
    expectShapeOf(list.body, reference.conversationsList);
    const conversations = list.body.conversations as Array<Record<string, unknown>>;
    expect(conversations.map((c) => c.id)).toEqual([ann.conversationId, bob.conversationId]);
    expect(list.body.meta).toEqual({ page: 1, entries_count: 2, per_page: 25 });
    expect(conversations[0]).toMatchObject({
      company_id: 1,
      sender_name: 'Ann',
      sender_phone: ann.senderId,
      sender_external_id: ann.senderId,
      provider: 'whatsapp',
      avatar_url: `${sandbox.url}/avatars/${ann.conversationId}.svg`,
      created_at: expect.stringMatching(ISO) as unknown,
      last_message_id: ann.messages()[0]!.id,
      operational_state: 'open',
      replied_state: 'unreplied',
      group: false,
    });
    expect(conversations[1]).toMatchObject({ sender_phone: null, last_message_id: null });

    const one = await v2(sandbox, 'GET', `/conversations/${bob.conversationId}`, {
      query: { company_id: 1 },
    });
    // No messages yet, and Telegram exposes no phone: the reference shows these null too.
    expectShapeOf(one.body, {
      conversation: {
        ...reference.conversation.conversation,
        sender_phone: null,
        last_updated_at: null,
        last_message_id: null,
      },
    });
    expect((one.body.conversation as { id: number }).id).toBe(bob.conversationId);
  });

  it('finds conversations by phone, name or public id, without a leading + or @', async () => {
    const sandbox = await v2Sandbox();
    sandbox.newCustomer({ channel: 'whatsapp', name: 'Ann', senderId: '79001112233' });
    sandbox.newCustomer({ channel: 'telegram', name: 'Bob', senderId: 'bobby' });
    const find = async (search: string) =>
      (
        (
          await v2(sandbox, 'GET', '/conversations', {
            query: { company_id: 1, search_string: search },
          })
        ).body.conversations as Array<{ sender_name: string }>
      ).map((c) => c.sender_name);
    expect(await find('+79001112233')).toEqual(['Ann']);
    expect(await find('@bobby')).toEqual(['Bob']);
    expect(await find('an')).toEqual(['Ann']);
    expect(await find('nobody')).toEqual([]);
  });

  it('archives and marks a conversation, and clears its assignee', async () => {
    const sandbox = await v2Sandbox();
    const ann = sandbox.newCustomer({ channel: 'whatsapp' });
    const updated = await v2(sandbox, 'PUT', `/conversations/${ann.conversationId}`, {
      json: {
        company_id: 1,
        operational_state: 'archived',
        replied_state: 'replied',
        assignee_id: 7,
      },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.conversation).toMatchObject({
      operational_state: 'archived',
      replied_state: 'replied',
    });
    const cleared = await v2(sandbox, 'PUT', `/conversations/${ann.conversationId}`, {
      json: { company_id: 1, assignee_id: null, operational_state: 'open' },
    });
    expect(cleared.body.conversation).toMatchObject({ operational_state: 'open' });
    const blocked = await v2(sandbox, 'PUT', `/conversations/${ann.conversationId}`, {
      json: { company_id: 1, operational_state: 'blocked' },
    });
    expect(blocked.status).toBe(400);
    expect(errorOf(blocked).detail).toBe(
      'operational_state must be one of open, archived, got "blocked"',
    );
  });

  it('answers errors in the errors body: no company_id, another company, no such endpoint', async () => {
    const sandbox = await v2Sandbox();
    const ann = sandbox.newCustomer();
    const noCompany = await v2(sandbox, 'GET', '/conversations');
    expect(noCompany.status).toBe(400);
    expect(noCompany.body).toEqual({
      errors: [
        {
          status: 400,
          code: 'bad_request',
          title: 'Bad Request',
          detail: 'company_id is required: the id of the company, as a number',
        },
      ],
    });
    const elsewhere = await v2(sandbox, 'GET', `/conversations/${ann.conversationId}`, {
      query: { company_id: 9 },
    });
    expect(elsewhere.status).toBe(404);
    expect(errorOf(elsewhere)).toMatchObject({
      code: 'not_found',
      detail: "company 9 not found; this token's companies are 1",
    });
    const nothing = await v2(sandbox, 'GET', '/nothing');
    expect(errorOf(nothing)).toMatchObject({
      status: 404,
      detail: "there is no endpoint GET /api/p2/nothing in Pact's API v2",
    });
    const wrong = await v2(sandbox, 'PATCH', '/conversations');
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET');
  });
});

describe('API v2: numbered pages', () => {
  it('pages with page and per_page; the last page has fewer entries than per_page', async () => {
    const sandbox = await v2Sandbox();
    const customers = Array.from({ length: 7 }, (_, i) => sandbox.newCustomer({ name: `C${i}` }));
    const seen: number[] = [];
    const metas: unknown[] = [];
    for (let page = 1; ; page++) {
      const answer = await v2(sandbox, 'GET', '/conversations', {
        query: { company_id: 1, page, per_page: 3 },
      });
      const meta = answer.body.meta as { entries_count: number; per_page: number };
      metas.push(meta);
      seen.push(...(answer.body.conversations as Array<{ id: number }>).map((c) => c.id));
      if (meta.entries_count < meta.per_page) break;
    }
    expect(metas).toEqual([
      { page: 1, entries_count: 3, per_page: 3 },
      { page: 2, entries_count: 3, per_page: 3 },
      { page: 3, entries_count: 1, per_page: 3 },
    ]);
    expect(seen).toEqual(customers.map((c) => c.conversationId).reverse());
    const past = await v2(sandbox, 'GET', '/conversations', { query: { company_id: 1, page: 9 } });
    expect(past.body).toEqual({
      conversations: [],
      meta: { page: 9, entries_count: 0, per_page: 25 },
    });
    const bad = await v2(sandbox, 'GET', '/conversations', {
      query: { company_id: 1, per_page: 0 },
    });
    expect(errorOf(bad).detail).toBe('per_page must be a number between 1 and 10000, got "0"');
  });
});

describe('API v2: messages', () => {
  it('sends a message: the message itself, status sent, no external_id yet', async () => {
    const sandbox = await v2Sandbox();
    const ann = sandbox.newCustomer({ channel: 'whatsapp' });
    await ann.write('hi');
    const [incoming] = ann.messages();
    const quoted = (
      await v2(sandbox, 'GET', `/conversations/${ann.conversationId}/messages/${incoming!.id}`, {
        query: { company_id: 1 },
      })
    ).body.message as { external_id: string };
    const upload = new FormData();
    upload.append('company_id', '1');
    upload.append('file', new Blob([pngOf(640, 480)], { type: 'image/jpeg' }), 'photo.jpg');
    const attachment = (await v2(sandbox, 'POST', '/attachments/', { multipart: upload })).body
      .attachment as {
      id: number;
    };
    const sent = await send(sandbox, ann.conversationId, {
      text: 'Hello World!',
      attachment_ids: [String(attachment.id)],
      replied_to_id: quoted.external_id,
    });
    expect(sent.status).toBe(200);
    expectShapeOf(sent.body, reference.messageSent);
    expect(sent.body.message).toMatchObject({
      external_id: null,
      company_id: 1,
      conversation_id: ann.conversationId,
      replied_to_id: quoted.external_id,
      income: false,
      status: 'sent',
      message: 'Hello World!',
      deleted: false,
      attachments: [
        { id: attachment.id, message_id: ann.messages()[1]!.id, file_name: 'photo.jpg' },
      ],
    });
    expect(ann.messages()[1]).toMatchObject({ from: 'bot', text: 'Hello World!' });
  });

  it('lists and gets messages in the reference shapes, oldest first', async () => {
    const sandbox = await v2Sandbox();
    const ann = sandbox.newCustomer({ channel: 'whatsapp' });
    await ann.write('first');
    const form = new FormData();
    form.append('company_id', '1');
    form.append('file', new Blob(['OggS'], { type: 'audio/ogg' }), 'voice.ogg');
    form.append('metadata[push_to_talk]', 'true');
    const voice = await v2(sandbox, 'POST', '/attachments/', { multipart: form });
    const id = (voice.body.attachment as { id: number }).id;
    await send(sandbox, ann.conversationId, { attachment_ids: [id] });
    // A sent message has its messenger id once the messenger answered: list it after that.
    await delivered(sandbox, ann);
    const list = await v2(sandbox, 'GET', `/conversations/${ann.conversationId}/messages`, {
      query: { company_id: 1 },
    });
    const messages = list.body.messages as Array<Record<string, unknown>>;
    expect(messages.map((m) => m.income)).toEqual([true, false]);
    expectShapeOf({ messages: [messages[1]], meta: list.body.meta }, reference.messagesList);
    expect(list.body.meta).toEqual({ page: 1, entries_count: 2, per_page: 150 });
    expect(messages[0]).toMatchObject({
      status: 'created',
      message: 'first',
      external_id: expect.any(String) as unknown,
    });
    expect(messages[1]).toMatchObject({
      message: null,
      attachments: [{ mime_type: 'audio/ogg', push_to_talk: true, size: 4 }],
    });
    const one = await v2(
      sandbox,
      'GET',
      `/conversations/${ann.conversationId}/messages/${String(messages[0]!.id)}`,
      {
        query: { company_id: 1 },
      },
    );
    expectShapeOf(one.body, reference.message);
    const missing = await v2(sandbox, 'GET', `/conversations/${ann.conversationId}/messages/1`, {
      query: { company_id: 1 },
    });
    expect(errorOf(missing)).toMatchObject({
      status: 404,
      detail: `message 1 not found in conversation ${ann.conversationId}`,
    });
  });

  it('refuses what v2 refuses: buttons, two attachments, long text, an unknown quote', async () => {
    const sandbox = await v2Sandbox();
    const ann = sandbox.newCustomer({ channel: 'instagram_business' });
    const cases: Array<[Record<string, unknown>, string | RegExp]> = [
      [{}, 'text or attachment_ids is required: a message needs text, an attachment or both'],
      [
        { text: 'pick', interactive: { type: 'button', buttons: ['a'] } },
        /^API v2 has no interactive messages/,
      ],
      [
        { text: 'x', attachment_ids: [1, 2] },
        /^attachment_ids has 2 ids, but a message carries one attachment/,
      ],
      [
        { text: 'x', attachment_ids: [424242] },
        /^attachment_ids\[0\] is 424242, which is no attachment of company 1/,
      ],
      [{ text: 'é'.repeat(501) }, 'text is 1002 bytes long; instagram_business takes at most 1000'],
      [
        { text: 'x', replied_to_id: 'nope' },
        /^replied_to_id is "nope", which is the external_id of no message/,
      ],
    ];
    for (const [json, detail] of cases) {
      const answer = await send(sandbox, ann.conversationId, json);
      expect(answer.status, JSON.stringify(json)).toBe(400);
      expect(errorOf(answer).detail).toMatch(detail);
    }
    expect(ann.messages()).toEqual([]);
  });

  it('writes first on WhatsApp, Telegram and VK, and on WhatsApp Business with a template', async () => {
    const sandbox = await v2Sandbox();
    const first = (json: Record<string, unknown>) =>
      v2(sandbox, 'POST', '/messages', { json: { company_id: 1, ...json } });
    const whatsapp = await first({ provider: 'whatsapp', phone: '+79001234567', text: 'Hello' });
    expect(whatsapp.status).toBe(200);
    expectShapeOf(whatsapp.body, {
      message: { ...reference.messageSent.message, attachments: [], replied_to_id: null },
    });
    const conversationId = (whatsapp.body.message as { conversation_id: number }).conversation_id;
    expect(sandbox.customers().find((c) => c.conversationId === conversationId)).toMatchObject({
      senderId: '79001234567',
      channel: { type: 'whatsapp' },
    });
    const again = await first({ provider: 'whatsapp', phone: '79001234567', text: 'Again' });
    expect((again.body.message as { conversation_id: number }).conversation_id).toBe(
      conversationId,
    );
    expect(
      (await first({ provider: 'telegram_personal', nickname: '@ann', text: 'Hi' })).status,
    ).toBe(200);
    expect(
      (await first({ provider: 'vkontakte_direct', vkontakte_domain: 'durov', text: 'Hi' })).status,
    ).toBe(200);

    const template = await first({
      provider: 'whatsapp_business',
      phone: '79005550000',
      waba_id: 'appointment_reminder',
      substitutions: ['Ann', 'Monday', '10:00'],
    });
    expect((template.body.message as { message: string }).message).toBe(
      'Appointment reminder\nHi Ann, see you on Monday at 10:00',
    );
    const refusals: Array<[Record<string, unknown>, string | RegExp]> = [
      [
        { text: 'x' },
        'provider is required: one of max, whatsapp, telegram_personal, whatsapp_business, vkontakte_direct',
      ],
      [{ provider: 'whatsapp', text: 'x' }, 'phone is required: a string'],
      [
        { provider: 'telegram_personal', text: 'x' },
        'phone or nickname is required to write first on telegram_personal',
      ],
      [
        { provider: 'vkontakte_direct', vkontakte_id: '1', vkontakte_domain: 'd', text: 'x' },
        'send either vkontakte_id or vkontakte_domain, not both',
      ],
      [
        { provider: 'whatsapp_business', phone: '79005550000', text: 'x' },
        /^waba_id is required to write first on whatsapp_business/,
      ],
      [
        {
          provider: 'whatsapp_business',
          phone: '79005550000',
          waba_id: 'appointment_reminder',
          substitutions: ['Ann'],
        },
        'substitutions has 1 value, but template appointment_reminder (en) takes 3: "Hi {{1}}, see you on {{2}} at {{3}}"',
      ],
      [
        { provider: 'whatsapp_business', phone: '79005550000', waba_id: 'nope' },
        /^waba_id "nope" is no approved template of this company; its templates are 1_shablon_kakoito, order_update/,
      ],
      [
        { provider: 'whatsapp', phone: '79001234567', waba_id: 'order_update' },
        'waba_id is a WhatsApp Business template; whatsapp takes text',
      ],
    ];
    for (const [json, detail] of refusals) {
      const answer = await first(json);
      expect(answer.status, JSON.stringify(json)).toBe(400);
      expect(errorOf(answer).detail).toMatch(detail);
    }
  });

  it('deletes messages where Pact can, answering 204', async () => {
    const sandbox = await v2Sandbox();
    const ann = sandbox.newCustomer({ channel: 'whatsapp' });
    await send(sandbox, ann.conversationId, { text: 'oops' });
    const [message] = ann.messages();
    const deleted = await v2(sandbox, 'DELETE', `/conversations/${ann.conversationId}/messages`, {
      json: { company_id: 1, message_ids: [message!.id] },
    });
    expect(deleted.status).toBe(204);
    expect(ann.messages()[0]).toMatchObject({ deleted: true, text: 'oops' });
    const got = await v2(
      sandbox,
      'GET',
      `/conversations/${ann.conversationId}/messages/${message!.id}`,
      {
        query: { company_id: 1 },
      },
    );
    expect(got.body.message).toMatchObject({ deleted: true });
    const unknown = await v2(sandbox, 'DELETE', `/conversations/${ann.conversationId}/messages`, {
      json: { company_id: 1, message_ids: [1] },
    });
    expect(errorOf(unknown).detail).toBe(
      `message_ids[0] is 1, which is no message of conversation ${ann.conversationId}`,
    );
    const telegram = sandbox.newCustomer({ channel: 'telegram' });
    const elsewhere = await v2(
      sandbox,
      'DELETE',
      `/conversations/${telegram.conversationId}/messages`,
      {
        json: { company_id: 1, message_ids: [message!.id] },
      },
    );
    expect(errorOf(elsewhere).detail).toMatch(
      /^deleting messages works on whatsapp, telegram_personal, max; /,
    );
  });
});

describe('API v2: attachments', () => {
  it('uploads a file with metadata, or keeps a file_url, in the reference shape', async () => {
    const sandbox = await v2Sandbox();
    const form = new FormData();
    form.append('company_id', '1');
    form.append('file', new Blob([pngOf(1024, 1280)], { type: 'image/png' }), '1.png');
    form.append('metadata[data][width]', '1024');
    form.append('metadata[data][height]', '1280');
    const uploaded = await v2(sandbox, 'POST', '/attachments/', { multipart: form });
    expectShapeOf(uploaded.body, reference.attachment);
    const attachment = uploaded.body.attachment as Record<string, unknown>;
    expect(attachment).toMatchObject({
      message_id: null,
      file_name: '1.png',
      mime_type: 'image/png',
      size: 33,
      aspect_ratio: 0.8,
      data: { width: 1024, height: 1280 },
      push_to_talk: null,
    });
    const served = await fetch(String(attachment.attachment_url));
    expect(served.headers.get('content-type')).toBe('image/png');

    const linked = await v2(sandbox, 'POST', '/attachments/', {
      json: { company_id: 1, file_url: 'https://example.com/a.pdf' },
    });
    expect(linked.body.attachment).toMatchObject({
      file_name: 'a.pdf',
      mime_type: 'application/pdf',
      size: null,
      preview_url: null,
    });
    const neither = await v2(sandbox, 'POST', '/attachments/', { json: { company_id: 1 } });
    expect(errorOf(neither).detail).toBe(
      'file (a multipart file) or file_url (an http or https URL) is required',
    );
    const both = new FormData();
    both.append('company_id', '1');
    both.append('file', new Blob(['x']), 'x.txt');
    both.append('file_url', 'https://example.com/x.txt');
    expect(errorOf(await v2(sandbox, 'POST', '/attachments/', { multipart: both })).detail).toBe(
      'send either file or file_url, not both',
    );
  });
});

describe('API v2: WhatsApp Business templates', () => {
  it('lists templates in the reference shape, newest first or sorted as asked', async () => {
    const sandbox = await v2Sandbox();
    const list = await v2(sandbox, 'GET', '/waba_templates');
    expectShapeOf(list.body, {
      ...reference.wabaTemplates,
      waba_templates: [reference.wabaTemplates.waba_templates[1]],
    });
    const ids = (answer: { body: Record<string, unknown> }) =>
      (answer.body.waba_templates as Array<{ id: number }>).map((t) => t.id);
    expect(ids(list)).toEqual([7759, 7758, 7757, 7756, 7755, 7754]);
    const byPosition = await v2(sandbox, 'GET', '/waba_templates', {
      query: { 'sort[position]': 'asc', 'company_ids[]': 1 },
    });
    expect(ids(byPosition)).toEqual([7754, 7755, 7756, 7757, 7758, 7759]);
    expect(byPosition.body.meta).toEqual({ page: 1, entries_count: 6, per_page: 25 });
    const unknown = await v2(sandbox, 'GET', '/waba_templates', { query: { 'company_ids[]': 5 } });
    expect(errorOf(unknown)).toMatchObject({
      status: 404,
      detail: 'company 5 of company_ids not found',
    });
  });
});
