import { describe, expect, it } from 'vitest';
import { PactApiError, PactClient } from '@pactbot/core';
import { reference } from '../../core/test/fixtures/reference-responses.js';
import type { ChannelType, Sandbox } from '../src/index.js';
import {
  call,
  closeAfterTest,
  expectShapeOf,
  nextWebhook,
  startSandbox,
  WebhookReceiver,
} from './helpers.js';

const company = (sandbox: Sandbox) => `/p1/companies/${sandbox.companyId}`;

async function withCustomers(count: number, channel: ChannelType = 'whatsapp') {
  const sandbox = await startSandbox();
  const customers = Array.from({ length: count }, (_, i) =>
    sandbox.newCustomer({ channel, name: `Customer ${i + 1}` }),
  );
  return { sandbox, customers };
}

describe('the API token', () => {
  it('is refused with 401 when missing or wrong, naming where it goes', async () => {
    const sandbox = await startSandbox();
    const missing = await call(sandbox, 'GET', '/p1/companies', { token: null });
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({
      status: 'errored',
      message:
        'the API token is missing: send it in the X-Private-Api-Token header or the private_api_token query parameter',
    });
    const wrong = await call(sandbox, 'GET', '/p1/companies', { token: 'guess' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.message).toMatch(/the API token is wrong/);
  });

  it('is taken from the header or the private_api_token query parameter, and never logged', async () => {
    const sandbox = await startSandbox({ token: 's3cr3t-token' });
    const paths: string[] = [];
    sandbox.events.on('api', (event) => paths.push(event.path));
    expect((await call(sandbox, 'GET', '/p1/companies')).status).toBe(200);
    const query = await call(sandbox, 'GET', '/p1/companies?private_api_token=s3cr3t-token', {
      token: null,
    });
    expect(query.status).toBe(200);
    expect(paths).toEqual(['/p1/companies', '/p1/companies?private_api_token=%5Bredacted%5D']);
  });
});

describe('companies', () => {
  it('lists, creates and updates companies in the reference shapes', async () => {
    const sandbox = await startSandbox({ companyName: 'Pizzeria' });
    const list = await call(sandbox, 'GET', '/p1/companies');
    expectShapeOf(list.body, {
      ...reference.companiesList,
      data: { companies: reference.companiesList.data.companies },
    });
    expect(list.body.data).toEqual({
      companies: [
        { external_id: 1, name: 'Pizzeria', phone: null, description: null, webhook_url: null },
      ],
    });

    const created = await call(sandbox, 'POST', '/p1/companies', { form: 'name=Test' });
    expect(created.body).toEqual({ status: 'created', data: { external_id: 2 } });
    const updated = await call(sandbox, 'PUT', '/p1/companies/2', {
      json: { description: 'A test' },
    });
    expect(updated.body).toEqual(reference.companyUpdated);
    const again = await call(sandbox, 'GET', '/p1/companies?sort_direction=desc&per=1');
    expect((again.body.data as { companies: unknown[] }).companies).toEqual([
      { external_id: 2, name: 'Test', phone: null, description: 'A test', webhook_url: null },
    ]);
  });

  it("sets the webhook_url, which Pact probes, and the company's webhooks go there", async () => {
    const sandbox = await startSandbox();
    const receiver = await new WebhookReceiver().start();
    const updated = await call(sandbox, 'PUT', company(sandbox), {
      json: { webhook_url: receiver.url },
    });
    expect(updated.status).toBe(200);
    await receiver.count(1);
    expect(receiver.received[0]!.body).toEqual({ source: 'pact.im', operation: 'test' });
    await sandbox.newCustomer().write('hi');
    expect(receiver.labels().slice(1)).toEqual(['conversation/new', 'message/new']);
  });

  it('refuses bad fields with 400, naming the field', async () => {
    const sandbox = await startSandbox();
    const noName = await call(sandbox, 'POST', '/p1/companies', { json: {} });
    expect(noName).toMatchObject({
      status: 400,
      body: { status: 'errored', message: 'name is required: a string' },
    });
    const long = await call(sandbox, 'POST', '/p1/companies', { json: { name: 'x'.repeat(256) } });
    expect(long.body.message).toBe('name must be a string of at most 255 characters, got 256');
    const url = await call(sandbox, 'PUT', company(sandbox), { json: { webhook_url: 'ftp://x' } });
    expect(url.body.message).toMatch(/^webhook_url must be an http or https URL/);
    const missing = await call(sandbox, 'PUT', '/p1/companies/99', { json: { name: 'x' } });
    expect(missing).toMatchObject({
      status: 404,
      body: { message: "company 99 not found; this token's companies are 1" },
    });
  });
});

describe('channels', () => {
  it('has one channel per provider, made when a customer first writes from it', async () => {
    const sandbox = await startSandbox();
    sandbox.newCustomer({ channel: 'telegram' });
    sandbox.newCustomer({ channel: 'telegram' });
    sandbox.newCustomer({ channel: 'viber' });
    const list = await call(sandbox, 'GET', `${company(sandbox)}/channels`);
    expectShapeOf(list.body, {
      status: 'ok',
      data: { channels: reference.channelsList.data.channels },
    });
    expect(list.body.data).toEqual({
      channels: [
        { external_id: 101, provider: 'telegram' },
        { external_id: 102, provider: 'viber' },
      ],
    });
    const created = await call(sandbox, 'POST', `${company(sandbox)}/channels`, {
      form: 'provider=avito',
    });
    expect(created.body).toEqual({ status: 'created', data: { external_id: 103 } });
    const twice = await call(sandbox, 'POST', `${company(sandbox)}/channels`, {
      form: 'provider=viber',
    });
    expect(twice.status).toBe(400);
    expect(twice.body.message).toMatch(/has a viber channel already \(external_id 102\)/);
    const unknown = await call(sandbox, 'POST', `${company(sandbox)}/channels`, {
      form: 'provider=icq',
    });
    expect(unknown.body.message).toMatch(
      /^provider must be one of whatsapp, whatsapp_business, .*, got "icq"$/,
    );
  });
});

describe('conversations', () => {
  it('lists, shows and creates conversations in the reference shapes', async () => {
    const { sandbox, customers } = await withCustomers(1);
    const list = await call(sandbox, 'GET', `${company(sandbox)}/conversations`);
    expectShapeOf(list.body, {
      status: 'ok',
      data: { conversations: reference.conversationsList.data.conversations },
    });
    const one = await call(
      sandbox,
      'GET',
      `${company(sandbox)}/conversations/${customers[0]!.conversationId}`,
    );
    expectShapeOf(one.body, reference.conversation);
    expect((one.body.data as { conversation: object }).conversation).toMatchObject({
      external_id: customers[0]!.conversationId,
      name: 'Customer 1',
      channel_type: 'whatsapp',
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as unknown,
    });

    const created = await call(sandbox, 'POST', `${company(sandbox)}/conversations`, {
      form: 'provider=whatsapp&phone=79250000001',
    });
    expectShapeOf(created.body, reference.conversation);
    expect((created.body.data as { conversation: object }).conversation).toMatchObject({
      name: '79250000001',
      sender_external_id: '79250000001',
    });
    const same = await call(sandbox, 'POST', `${company(sandbox)}/conversations`, {
      json: { provider: 'whatsapp', phone: '79250000001' },
    });
    expect(same.body).toEqual(created.body);
  });

  it('checks the parameters of a new conversation', async () => {
    const sandbox = await startSandbox();
    const path = `${company(sandbox)}/conversations`;
    expect((await call(sandbox, 'POST', path, { json: {} })).body.message).toBe(
      'provider is required: one of whatsapp, telegram_personal',
    );
    expect(
      (await call(sandbox, 'POST', path, { json: { provider: 'whatsapp', phone: '+7 925' } })).body
        .message,
    ).toBe(
      'phone must be in the format 79250000001 (digits only, country code first), got "+7 925"',
    );
    expect(
      (
        await call(sandbox, 'POST', path, {
          json: { provider: 'telegram_personal', username: 'ann' },
        })
      ).body.message,
    ).toBe('text is required: a string');
  });

  it('pages with from, per and sort_direction, as the reference describes', async () => {
    const { sandbox, customers } = await withCustomers(5);
    const ids = customers.map((c) => c.conversationId);
    const path = `${company(sandbox)}/conversations`;
    const seen: number[] = [];
    let from: string | undefined;
    for (let page = 0; page < 5; page++) {
      const answer = await call(sandbox, 'GET', `${path}?per=2${from ? `&from=${from}` : ''}`);
      const data = answer.body.data as {
        conversations: Array<{ external_id: number }>;
        next_page?: string;
      };
      seen.push(...data.conversations.map((c) => c.external_id));
      from = data.next_page;
      if (!from) break;
    }
    expect(seen).toEqual(ids);
    const desc = await call(sandbox, 'GET', `${path}?sort_direction=desc&per=3`);
    expect(
      (desc.body.data as { conversations: Array<{ external_id: number }> }).conversations.map(
        (c) => c.external_id,
      ),
    ).toEqual([...ids].reverse().slice(0, 3));
    const invalid = await call(sandbox, 'GET', `${path}?from=not-a-token&per=1`);
    expect(
      (invalid.body.data as { conversations: Array<{ external_id: number }> }).conversations[0]!
        .external_id,
    ).toBe(ids[0]);
  });

  it('refuses paging parameters out of range with 400', async () => {
    const sandbox = await startSandbox();
    const path = `${company(sandbox)}/conversations`;
    for (const [query, message] of [
      ['per=0', 'per must be a number between 1 and 100, got "0"'],
      ['per=101', 'per must be a number between 1 and 100, got "101"'],
      ['per=ten', 'per must be a number between 1 and 100, got "ten"'],
      ['sort_direction=up', 'sort_direction must be one of asc, desc, got "up"'],
      [`from=${'x'.repeat(256)}`, 'from must be a string of at most 255 characters, got 256'],
    ]) {
      const answer = await call(sandbox, 'GET', `${path}?${query}`);
      expect(answer.status, query).toBe(400);
      expect(answer.body, query).toEqual({ status: 'errored', message });
    }
  });

  it('walks every page through the PactClient of @pactbot/core', async () => {
    const { sandbox, customers } = await withCustomers(7);
    const client = closeAfterTest(new PactClient({ ...sandbox.botOptions, rateLimit: false }));
    const ids: number[] = [];
    for await (const conversation of client.conversations.iterate({ per: 3 }))
      ids.push(conversation.external_id);
    expect(ids).toEqual(customers.map((c) => c.conversationId));
  });
});

describe('messages', () => {
  it('sends a message: a Job that is trying_deliver, then delivered with the message id', async () => {
    const { sandbox, customers } = await withCustomers(1);
    const path = `${company(sandbox)}/conversations/${customers[0]!.conversationId}/messages`;
    const executed = nextWebhook(sandbox, (event) => event.label === 'job/executed');
    const sent = await call(sandbox, 'POST', path, { json: { message: 'Hello' } });
    expectShapeOf(sent.body, reference.messageSent);
    const job = sent.body.data as {
      id: number;
      state: string;
      message_id: number | null;
      channel: { id: number };
    };
    expect(job).toMatchObject({
      state: 'trying_deliver',
      message_id: null,
      conversation_id: customers[0]!.conversationId,
    });

    await executed;
    const polled = await call(
      sandbox,
      'GET',
      `${company(sandbox)}/channels/${job.channel.id}/jobs/${job.id}`,
    );
    expectShapeOf(polled.body, reference.job);
    expect(polled.body.data).toMatchObject({
      state: 'delivered',
      details: { result: 'DELIVERED' },
    });
    const list = await call(sandbox, 'GET', path);
    expectShapeOf(list.body, {
      status: 'ok',
      data: { messages: reference.messagesList.data.messages },
    });
    const [message] = (list.body.data as { messages: Array<Record<string, unknown>> }).messages;
    expect(message).toMatchObject({ message: 'Hello', income: false, attachments: [] });
    expect((polled.body.data as { message_id: number }).message_id).toBe(message!.external_id);
  });

  it('takes form fields in the bracket notation of the reference, and its /message spelling', async () => {
    const { sandbox, customers } = await withCustomers(1, 'vkontakte');
    const base = `${company(sandbox)}/conversations/${customers[0]!.conversationId}`;
    const form = new FormData();
    form.append('file', new Blob(['a']), 'a.txt');
    const first = await call(sandbox, 'POST', `${base}/messages/attachments`, { multipart: form });
    const second = await call(sandbox, 'POST', `${base}/messages/attachments`, {
      json: { file_url: 'https://example.com/b.pdf' },
    });
    const ids = [first, second].map((a) => (a.body.data as { external_id: number }).external_id);
    const sent = await call(sandbox, 'POST', `${base}/messages`, {
      form: `message=hello&attachments_ids[]=${ids[0]}&attachments_ids[]=${ids[1]}`,
    });
    expect(sent.status).toBe(200);
    const singular = await call(sandbox, 'POST', `${base}/message`, {
      json: { message: 'wassup' },
    });
    expect(singular.status).toBe(200);
    const texts = customers[0]!
      .messages()
      .map((m) => [m.text, m.attachments.map((a) => a.fileName)]);
    expect(texts).toEqual([
      ['hello', ['a.txt', 'b.pdf']],
      ['wassup', []],
    ]);
  });

  it('sends interactive buttons on WhatsApp Business only, checked as Pact checks them', async () => {
    const sandbox = await startSandbox();
    const waba = sandbox.newCustomer({ channel: 'whatsapp_business' });
    const telegram = sandbox.newCustomer({ channel: 'telegram' });
    const path = (id: number) => `${company(sandbox)}/conversations/${id}/messages`;
    const interactive = { type: 'button', buttons: ['fine', 'awesome'] };
    const ok = await call(sandbox, 'POST', path(waba.conversationId), {
      json: { message: 'wassup', interactive },
    });
    expect(ok.status).toBe(200);
    expect(waba.messages()[0]).toMatchObject({
      text: 'wassup',
      buttons: ['fine', 'awesome'],
      interactive: true,
    });

    const elsewhere = await call(sandbox, 'POST', path(telegram.conversationId), {
      json: { message: 'wassup', interactive },
    });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.message).toMatch(
      /^interactive messages work only on whatsapp_business channels; conversation \d+ is on telegram/,
    );
    const four = await call(sandbox, 'POST', path(waba.conversationId), {
      json: { message: 'pick', interactive: { type: 'button', buttons: ['a', 'b', 'c', 'd'] } },
    });
    expect(four.body.message).toBe('interactive: a message takes 1 to 3 buttons, got 4');
    const noText = await call(sandbox, 'POST', path(waba.conversationId), {
      json: { interactive },
    });
    expect(noText.body.message).toMatch(/^message or attachments_ids is required/);
  });

  it('refuses messages Pact would refuse, saying why', async () => {
    const sandbox = await startSandbox();
    const instagram = sandbox.newCustomer({ channel: 'instagram' });
    const whatsapp = sandbox.newCustomer({ channel: 'whatsapp' });
    const path = (id: number) => `${company(sandbox)}/conversations/${id}/messages`;
    const cases: Array<[number, unknown, number, string | RegExp]> = [
      [
        whatsapp.conversationId,
        {},
        400,
        'message or attachments_ids is required: a message needs text, attachments or both',
      ],
      [
        instagram.conversationId,
        { message: 'é'.repeat(501) },
        400,
        'message is 1002 bytes long; instagram takes at most 1000',
      ],
      [
        whatsapp.conversationId,
        { message: 'x', attachments_ids: [424242] },
        400,
        /^attachments_ids\[0\] is 424242, which is no attachment of this company/,
      ],
      [
        whatsapp.conversationId,
        { message: 'x', attachments_ids: ['abc'] },
        400,
        'attachments_ids[0] must be an attachment id (a positive integer), got "abc"',
      ],
      [
        whatsapp.conversationId,
        { message: 'x', attachments_ids: [1, 2] },
        400,
        /several attachments in one message work only on vkontakte/,
      ],
      [999999, { message: 'x' }, 404, 'conversation 999999 not found in company 1'],
    ];
    for (const [id, json, status, message] of cases) {
      const answer = await call(sandbox, 'POST', path(id), { json });
      expect(answer.status, JSON.stringify(json)).toBe(status);
      expect(answer.body.status).toBe('errored');
      expect(answer.body.message).toMatch(message);
    }
    expect(instagram.messages()).toEqual([]);
  });

  it('answers 404 for paths that are not Pact endpoints, 405 for wrong methods, 501 for setup endpoints', async () => {
    const sandbox = await startSandbox();
    expect(await call(sandbox, 'GET', '/p1/nothing')).toMatchObject({
      status: 404,
      body: { status: 'errored', message: "there is no endpoint GET /p1/nothing in Pact's API v1" },
    });
    const wrong = await call(sandbox, 'DELETE', `${company(sandbox)}/conversations`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, POST');
    const setup = await call(sandbox, 'POST', `${company(sandbox)}/channels/1/request_code`, {
      form: 'provider=whatsapp',
    });
    expect(setup.status).toBe(501);
    expect(setup.body.message).toMatch(/the sandbox does not emulate POST/);
  });

  it('lists waba templates in the reference shape', async () => {
    const sandbox = await startSandbox();
    const answer = await call(sandbox, 'GET', `${company(sandbox)}/waba_templates`);
    expectShapeOf(answer.body, reference.wabaTemplates);
    const listed = (answer.body.data as { waba_templates: Array<{ waba_id: string }> })
      .waba_templates;
    expect(listed.map((t) => t.waba_id)).toEqual([
      '1_shablon_kakoito',
      'order_update',
      'order_update',
      'appointment_reminder',
      'appointment_reminder',
      'welcome_back',
    ]);
  });
});

describe('attachments', () => {
  it('keeps an uploaded file and serves its bytes back at a URL of the sandbox', async () => {
    const { sandbox, customers } = await withCustomers(1);
    const base = `${company(sandbox)}/conversations/${customers[0]!.conversationId}/messages`;
    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    const form = new FormData();
    form.append('file', new Blob([bytes], { type: 'image/png' }), 'dot.png');
    const uploaded = await call(sandbox, 'POST', `${base}/attachments`, { multipart: form });
    expect(uploaded.body).toEqual({
      status: 'ok',
      data: { external_id: expect.any(Number) as unknown },
    });
    const id = (uploaded.body.data as { external_id: number }).external_id;
    await call(sandbox, 'POST', base, { json: { message: 'A dot', attachments_ids: [id] } });
    const [message] = customers[0]!.messages();
    expect(message!.attachments).toEqual([
      {
        id,
        url: `${sandbox.url}/files/${id}/dot.png`,
        fileName: 'dot.png',
        mimeType: 'image/png',
        size: 7,
      },
    ]);
    const served = await fetch(message!.attachments[0]!.url);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(bytes);
  });

  it('needs exactly one of file and file_url', async () => {
    const { sandbox, customers } = await withCustomers(1);
    const path = `${company(sandbox)}/conversations/${customers[0]!.conversationId}/messages/attachments`;
    const none = await call(sandbox, 'POST', path, { json: {} });
    expect(none.body.message).toBe(
      'file (a multipart file) or file_url (an http or https URL) is required',
    );
    const form = new FormData();
    form.append('file', new Blob(['x']), 'x.txt');
    form.append('file_url', 'https://example.com/x.txt');
    expect((await call(sandbox, 'POST', path, { multipart: form })).body.message).toBe(
      'send either file or file_url, not both',
    );
    expect(
      (await call(sandbox, 'POST', path, { json: { file_url: 'file:///etc/passwd' } })).body
        .message,
    ).toBe('file_url must be an http or https URL, got "file:///etc/passwd"');
    expect((await call(sandbox, 'POST', path, { json: { file: 'x' } })).body.message).toMatch(
      /file must be a file sent as multipart/,
    );
  });

  it('takes uploads from the PactClient of @pactbot/core, as ctx.attach makes them', async () => {
    const { sandbox, customers } = await withCustomers(1);
    const client = closeAfterTest(new PactClient({ ...sandbox.botOptions, rateLimit: false }));
    const conversation = customers[0]!.conversationId;
    const { external_id } = await client.attachments.upload(conversation, {
      data: new TextEncoder().encode('hello'),
      filename: 'hello.txt',
    });
    await client.messages.send(conversation, { attachments_ids: [external_id] });
    const [message] = customers[0]!.messages();
    expect(message!.attachments[0]).toMatchObject({
      fileName: 'hello.txt',
      mimeType: 'text/plain',
      size: 5,
    });
    await expect(client.messages.send(999, { message: 'x' })).rejects.toThrow(PactApiError);
  });
});
