import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import {
  PactArgumentError,
  PactClient,
  type V2Attachment,
  type V2Auth,
  type V2Conversation,
  type V2Message,
  type V2Page,
  type V2WabaTemplate,
  type V2Webhook,
} from '@pactbot/core';
import { PactStub, startPactStub } from '@pactbot/testkit/support/pact-stub';
import { assembledAuthAnswers, referenceV2 as ref } from '@pactbot/testkit/support/reference-v2';

const TOKEN = 'tok-v2-0123456789';
let stub: PactStub;
let client: PactClient;

beforeAll(async () => {
  stub = await startPactStub();
  client = new PactClient({
    token: TOKEN,
    companyId: 42,
    apiUrl: stub.url,
    rateLimit: false,
    apiVersion: 2,
  });
});
afterAll(async () => {
  await client.close();
  await stub.close();
});
beforeEach(() => {
  stub.requests.length = 0;
});

function last() {
  const request = stub.requests.at(-1);
  if (!request) throw new Error('no request reached the stub');
  return request;
}

/** The query string as an object of its keys' values (every value of repeated keys). */
function query(): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [key, value] of last().query) (out[key] ??= []).push(value);
  return out;
}

describe('the client', () => {
  it('takes apiVersion 1 or 2, defaults to 1, and has client.v2 either way', async () => {
    const v1 = new PactClient({ token: 't', companyId: 1 });
    expect(v1.apiVersion).toBe(1);
    expect(client.apiVersion).toBe(2);
    expect(v1.v2.messages).toBeDefined();
    await v1.close();
    expect(() => new PactClient({ token: 't', apiVersion: 3 as never })).toThrow(
      new PactArgumentError('apiVersion must be 1 or 2, got 3'),
    );
    expect(() => new PactClient({ token: 't', apiVersion: '2' as never })).toThrow(
      'apiVersion must be 1 or 2, got "2"',
    );
  });

  it('sends the token in X-Private-Api-Token only, below /api/p2 on the API origin', async () => {
    stub.route('GET', '/api/p2/conversations', { body: ref.conversationsList });
    await client.v2.conversations.list();
    expect(last().path).toBe('/api/p2/conversations');
    expect(last().headers['x-private-api-token']).toBe(TOKEN);
    expect(last().query.toString()).not.toContain(TOKEN);
  });
});

describe('v2.conversations', () => {
  it('lists with company_id, search and paging in the query, and reads the page', async () => {
    stub.route('GET', '/api/p2/conversations', { body: ref.conversationsList });
    const page = await client.v2.conversations.list({
      search_string: '+7951',
      page: 1,
      per_page: 25,
    });
    expect(last().method).toBe('GET');
    expect(query()).toEqual({
      company_id: ['42'],
      search_string: ['+7951'],
      page: ['1'],
      per_page: ['25'],
    });
    expectTypeOf(page).toEqualTypeOf<V2Page<V2Conversation>>();
    expect(page.items).toEqual(ref.conversationsList.conversations);
    expect(page.page).toBe(1);
    expect(page.meta).toEqual({ page: 1, entries_count: 2, per_page: 25 });
    expect(page.nextPage).toBeUndefined();
  });

  it('gets one, with company_id in the query; the call may name another company', async () => {
    stub.route('GET', '/api/p2/conversations/18642847', { body: ref.conversationGet });
    const conversation = await client.v2.conversations.get(18642847, { companyId: 7 });
    expect(query()).toEqual({ company_id: ['7'] });
    expect(conversation).toEqual(ref.conversationGet.conversation);
  });

  it('reads the object example, ids given as digit strings as numbers', async () => {
    const { conversation } = ref.conversationObject;
    stub.route('GET', '/api/p2/conversations/18642847', {
      body: {
        conversation: {
          ...conversation,
          id: '18642847',
          company_id: '52204',
          last_message_id: '14056',
        },
      },
    });
    expect(await client.v2.conversations.get(18642847)).toEqual(conversation);
  });

  it('updates with a JSON body; assignee_id null clears the assignee', async () => {
    stub.route('PUT', '/api/p2/conversations/3', { body: ref.conversationUpdated });
    const updated = await client.v2.conversations.update(3, {
      operational_state: 'archived',
      replied_state: 'unreplied',
    });
    expect(last().headers['content-type']).toBe('application/json');
    expect(last().json).toEqual({
      company_id: 42,
      operational_state: 'archived',
      replied_state: 'unreplied',
    });
    expect(updated).toEqual(ref.conversationUpdated.conversation);
    await client.v2.conversations.update(3, { assignee_id: null });
    expect(last().json).toEqual({ company_id: 42, assignee_id: null });
    await client.v2.conversations.update(3, { assignee_id: 17 });
    expect(last().json).toEqual({ company_id: 42, assignee_id: 17 });
  });
});

describe('v2.messages', () => {
  const base = '/api/p2/conversations/18642850/messages';

  it('lists with company_id and paging, reading attachments', async () => {
    stub.route('GET', base, { body: ref.messagesList });
    const page = await client.v2.messages.list(18642850, { page: 1, per_page: 150 });
    expect(query()).toEqual({ company_id: ['42'], page: ['1'], per_page: ['150'] });
    expectTypeOf(page).toEqualTypeOf<V2Page<V2Message>>();
    expect(page.items).toEqual(ref.messagesList.messages);
    expect(page.nextPage).toBeUndefined();
  });

  it('gets one by Pact id; the older example without delivery and deleted reads too', async () => {
    stub.route('GET', `${base}/1134326991`, { body: ref.messageGet });
    const message = await client.v2.messages.get(18642850, 1134326991);
    expect(query()).toEqual({ company_id: ['42'] });
    expect(message).toEqual(ref.messageGet.message);
    stub.route('GET', `${base}/1134326991`, { body: ref.messageObject });
    expect(await client.v2.messages.get(18642850, 1134326991)).toEqual(ref.messageObject.message);
  });

  it('sends text, one attachment and a quoted reply as JSON, and resolves with the message', async () => {
    stub.route('POST', '/api/p2/conversations/2073572213/messages', { body: ref.messageSent });
    const sent = await client.v2.messages.send(2073572213, {
      text: 'Hello World!',
      attachment_ids: ['315200264'],
      replied_to_id: 'AC36714A437FAE372F0CC3CC21330F336',
      send_to_crm: false,
    });
    expect(last().method).toBe('POST');
    expect(last().json).toEqual({
      company_id: 42,
      text: 'Hello World!',
      attachment_ids: [315200264],
      replied_to_id: 'AC36714A437FAE372F0CC3CC21330F336',
      send_to_crm: false,
    });
    expectTypeOf(sent).toEqualTypeOf<V2Message>();
    expect(sent).toEqual(ref.messageSent.message);
  });

  it('writes first with a provider and a recipient', async () => {
    stub.route('POST', '/api/p2/messages', { body: ref.firstMessageSent });
    const message = await client.v2.messages.writeFirst({
      provider: 'whatsapp',
      phone: '+7 900 000-00-00',
      text: 'test',
    });
    expect(last().json).toEqual({
      company_id: 42,
      provider: 'whatsapp',
      phone: '79000000000',
      text: 'test',
    });
    expect(message).toEqual(ref.firstMessageSent.message);
    expect(message.conversation_id).toBe(18642824);
  });

  it('writes first on WhatsApp Business with a template and its substitutions', async () => {
    stub.route('POST', '/api/p2/messages', { body: ref.firstMessageSent });
    await client.v2.messages.writeFirst({
      provider: 'whatsapp_business',
      phone: '79000000000',
      waba_id: 'with_params',
      substitutions: ['Иван', 'второй'],
    });
    expect(last().json).toEqual({
      company_id: 42,
      provider: 'whatsapp_business',
      phone: '79000000000',
      waba_id: 'with_params',
      substitutions: ['Иван', 'второй'],
    });
  });

  it('writes first on VK by domain and on Telegram Personal by nickname', async () => {
    stub.route('POST', '/api/p2/messages', { body: ref.firstMessageSent });
    await client.v2.messages.writeFirst({
      provider: 'vkontakte_direct',
      vkontakte_domain: 'durov',
      text: 'hi',
    });
    expect(last().json).toEqual({
      company_id: 42,
      provider: 'vkontakte_direct',
      vkontakte_domain: 'durov',
      text: 'hi',
    });
    await client.v2.messages.writeFirst({
      provider: 'vkontakte_direct',
      vkontakte_id: 12345 as never,
      text: 'hi',
    });
    expect(last().json).toMatchObject({ vkontakte_id: '12345' });
    await client.v2.messages.writeFirst({
      provider: 'telegram_personal',
      nickname: 'someone',
      text: 'hi',
    });
    expect(last().json).toMatchObject({ provider: 'telegram_personal', nickname: 'someone' });
  });

  it('deletes by ids with a JSON body, taking an empty or a message answer', async () => {
    stub.route('DELETE', base, [{ status: 204 }, { body: ref.messageObject }]);
    await client.v2.messages.delete(18642850, [1, 2]);
    expect(last().method).toBe('DELETE');
    expect(last().json).toEqual({ company_id: 42, message_ids: [1, 2] });
    await expect(client.v2.messages.delete(18642850, [3])).resolves.toBeUndefined();
  });
});

describe('v2.attachments', () => {
  it('uploads a file as multipart with company_id and bracketed metadata', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pactbot-v2-upload-'));
    const path = join(dir, '1.jpg');
    await writeFile(path, Buffer.from('JPEG'));
    stub.route('POST', '/api/p2/attachments/', { body: ref.attachmentUploaded });
    const attachment = await client.v2.attachments.upload({
      path,
      metadata: { data: { width: 1024, height: 1280 }, push_to_talk: false },
    });
    expect(last().headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    const form = await PactStub.formData(last());
    expect(form.get('company_id')).toBe('42');
    expect(form.get('metadata[data][width]')).toBe('1024');
    expect(form.get('metadata[data][height]')).toBe('1280');
    expect(form.get('metadata[push_to_talk]')).toBe('false');
    const file = form.get('file') as File;
    expect(file.name).toBe('1.jpg');
    expect(await file.text()).toBe('JPEG');
    expectTypeOf(attachment).toEqualTypeOf<V2Attachment>();
    expect(attachment).toEqual(ref.attachmentUploaded.attachment);
  });

  it('uploads bytes and Blobs, the forms v1 takes', async () => {
    stub.route('POST', '/api/p2/attachments/', { body: ref.attachmentObject });
    await client.v2.attachments.upload({ data: new Uint8Array([1, 2, 3]), filename: 'a.bin' });
    expect(((await PactStub.formData(last())).get('file') as File).size).toBe(3);
    const parsed = await client.v2.attachments.upload({
      data: new Blob(['hello'], { type: 'text/plain' }),
    });
    expect(await ((await PactStub.formData(last())).get('file') as File).text()).toBe('hello');
    expect(parsed).toEqual(ref.attachmentObject.attachment);
  });

  it('uploads by URL as JSON, metadata nested', async () => {
    stub.route('POST', '/api/p2/attachments/', { body: ref.attachmentUploaded });
    await client.v2.attachments.upload({
      file_url: 'https://example.com/voice.ogg',
      metadata: { push_to_talk: true },
    });
    expect(last().headers['content-type']).toBe('application/json');
    expect(last().json).toEqual({
      company_id: 42,
      file_url: 'https://example.com/voice.ogg',
      metadata: { push_to_talk: true },
    });
  });
});

describe('v2.wabaTemplates', () => {
  it("lists the client's company by default, newest first as Pact sorts", async () => {
    stub.route('GET', '/api/p2/waba_templates', { body: ref.wabaTemplatesList });
    const page = await client.v2.wabaTemplates.list();
    expect(query()).toEqual({ 'company_ids[]': ['42'] });
    expectTypeOf(page).toEqualTypeOf<V2Page<V2WabaTemplate>>();
    expect(page.items).toEqual(ref.wabaTemplatesList.waba_templates);
  });

  it('encodes company_ids and sort Rails-style; [] lists every company', async () => {
    stub.route('GET', '/api/p2/waba_templates', { body: ref.wabaTemplatesList });
    await client.v2.wabaTemplates.list({
      company_ids: [52204, 7],
      sort: { position: 'asc' },
      per_page: 50,
    });
    expect(query()).toEqual({
      'company_ids[]': ['52204', '7'],
      'sort[position]': ['asc'],
      per_page: ['50'],
    });
    await client.v2.wabaTemplates.list({ company_ids: [] });
    expect(query()).toEqual({});
  });

  it('reads the object example', async () => {
    stub.route('GET', '/api/p2/waba_templates', {
      body: { waba_templates: [ref.wabaTemplateObject.waba_template] },
    });
    const page = await client.v2.wabaTemplates.list();
    expect(page.items).toEqual([ref.wabaTemplateObject.waba_template]);
  });
});

describe('v2.auths', () => {
  const base = '/api/p2/companies/42/auths';

  it('lists the company in the path, and several companies by company_ids[]', async () => {
    stub.route('GET', base, { body: assembledAuthAnswers.list });
    const page = await client.v2.auths.list({ per_page: 25 });
    expect(query()).toEqual({ per_page: ['25'] });
    expectTypeOf(page).toEqualTypeOf<V2Page<V2Auth>>();
    expect(page.items).toEqual([ref.authObject.auth]);
    stub.route('GET', '/api/p2/auths', { body: assembledAuthAnswers.list });
    await client.v2.auths.listAll({ company_ids: [1, 2], page: 2 });
    expect(query()).toEqual({ 'company_ids[]': ['1', '2'], page: ['2'] });
  });

  it.each([
    [
      { provider: 'whatsapp', sync_period: 'week' },
      { provider: 'whatsapp', sync_period: 'week' },
    ],
    [
      { provider: 'telegram_personal', phone_number: '+7 900 000 00 00' },
      { provider: 'telegram_personal', phone_number: '79000000000' },
    ],
    [
      { provider: 'telegram', token: 'bot:token' },
      { provider: 'telegram', token: 'bot:token' },
    ],
    [
      { provider: 'vkontakte_direct', token: 'vk', sync_period: 'day' },
      { provider: 'vkontakte_direct', token: 'vk', sync_period: 'day' },
    ],
    [{ provider: 'avito' }, { provider: 'avito' }],
  ] as const)('creates %o with POST on the company', async (params, body) => {
    stub.route('POST', base, { body: assembledAuthAnswers.qrInside });
    await client.v2.auths.create(params);
    expect(last().method).toBe('POST');
    expect(last().json).toEqual(body);
  });

  it('reads the confirmation step wherever Pact puts it', async () => {
    stub.route('POST', base, [
      { body: assembledAuthAnswers.qrInside },
      { body: assembledAuthAnswers.codeBeside },
      { body: assembledAuthAnswers.bare },
    ]);
    const qr = await client.v2.auths.create({ provider: 'whatsapp' });
    expect(qr).toEqual(assembledAuthAnswers.qrInside.auth);
    const code = await client.v2.auths.create({
      provider: 'whatsapp',
      phone_number: '79000000000',
    });
    expect(code.code).toBe('ZHHJ-KQSP');
    const oauth = await client.v2.auths.create({ provider: 'avito' });
    expect(oauth.oauth_provider_url).toBe('https://avito.example/oauth');
    expect(oauth.id).toBe(69174);
  });

  it('enables, confirms by code, disables and deletes', async () => {
    stub.route('PUT', `${base}/69174/enable`, [{ status: 204 }, { body: ref.authObject }]);
    stub.route('PUT', `${base}/69174/disable`, { body: {} });
    stub.route('DELETE', `${base}/69174`, { status: 204 });
    await expect(client.v2.auths.enable(69174)).resolves.toBeUndefined();
    expect(last().json).toEqual({});
    const confirmed = await client.v2.auths.confirm(69174, '01234');
    expect(last().method).toBe('PUT');
    expect(last().json).toEqual({ code: '01234' });
    expect(confirmed).toEqual(ref.authObject.auth);
    await expect(client.v2.auths.disable(69174)).resolves.toBeUndefined();
    expect(last().path).toBe(`${base}/69174/disable`);
    await client.v2.auths.delete(69174);
    expect(last().method).toBe('DELETE');
  });

  it('reads pages as a list (the VK step) or as one object', async () => {
    stub.route('GET', base, {
      body: {
        auths: [
          { ...ref.authObject.auth, pages: ref.vkPages.pages },
          { ...ref.authObject.auth, id: '69175', pages: ref.pageObject.page },
        ],
      },
    });
    const { items } = await client.v2.auths.list();
    expect(items[0]!.pages).toEqual(ref.vkPages.pages);
    expect(items[1]!.id).toBe(69175);
    expect(items[1]!.pages).toEqual(ref.pageObject.page);
  });
});

describe('v2.webhooks', () => {
  const base = '/api/p2/companies/42/webhooks';

  it('lists, creates, updates and deletes under the company', async () => {
    stub.route('GET', base, { body: ref.webhooksList });
    stub.route('POST', base, { body: ref.webhookCreated });
    stub.route('PUT', `${base}/1`, { body: ref.webhookUpdated });
    stub.route('DELETE', `${base}/1`, [{ status: 204 }, { body: ref.webhookDeletedOlder }]);
    const page = await client.v2.webhooks.list();
    expectTypeOf(page).toEqualTypeOf<V2Page<V2Webhook>>();
    expect(page.items).toEqual(ref.webhooksList.webhooks);
    expect(await client.v2.webhooks.create('https://example.com/webhook')).toEqual(
      ref.webhookCreated.webhook,
    );
    expect(last().json).toEqual({ url: 'https://example.com/webhook' });
    const updated = await client.v2.webhooks.update(1, {
      url: 'https://example.com/new-webhook',
      active: true,
    });
    expect(last().json).toEqual({ url: 'https://example.com/new-webhook', active: true });
    expect(updated).toEqual(ref.webhookUpdated.webhook);
    await client.v2.webhooks.delete(1);
    await client.v2.webhooks.delete(1);
    expect(stub.calls('DELETE', `${base}/1`)).toHaveLength(2);
  });

  it('reads the object example', async () => {
    stub.route('PUT', `${base}/1`, { body: ref.webhookObject });
    expect(await client.v2.webhooks.update(1, { active: true })).toEqual(ref.webhookObject.webhook);
  });
});

describe('bad v2 arguments are refused before any request', () => {
  it.each<[string, () => Promise<unknown>, string]>([
    [
      'two attachments in one message',
      () => client.v2.messages.send(1, { attachment_ids: [1, 2] }),
      'v2 takes one attachment per message, got 2 attachment_ids; send one message per file',
    ],
    [
      'an empty message',
      () => client.v2.messages.send(1, {}),
      'a message needs text or an attachment (attachment_ids: [id]); got neither',
    ],
    [
      'send_to_crm as a string',
      () => client.v2.messages.send(1, { text: 'x', send_to_crm: 'false' as never }),
      'send_to_crm must be true or false, got "false"',
    ],
    [
      'a template together with text',
      () =>
        client.v2.messages.writeFirst({
          provider: 'whatsapp_business',
          phone: '79000000000',
          waba_id: 'with_params',
          text: 'lost',
        }),
      'a first message takes a template (waba_id) or text and attachments, not both',
    ],
    [
      'free text first on WhatsApp Business',
      () =>
        client.v2.messages.writeFirst({
          provider: 'whatsapp_business',
          phone: '79000000000',
          text: 'hi',
        }),
      'writing first on whatsapp_business takes a template: pass its waba_id',
    ],
    [
      'both VK id and domain',
      () =>
        client.v2.messages.writeFirst({
          provider: 'vkontakte_direct',
          vkontakte_id: '1',
          vkontakte_domain: 'd',
          text: 'x',
        }),
      'a first message takes vkontakte_id or vkontakte_domain, not both',
    ],
    [
      'no recipient',
      () => client.v2.messages.writeFirst({ provider: 'whatsapp', text: 'x' }),
      'a first message needs a recipient',
    ],
    [
      'substitutions without a template',
      () =>
        client.v2.messages.writeFirst({
          provider: 'whatsapp',
          phone: '79000000000',
          text: 'x',
          substitutions: ['a'],
        }),
      'substitutions fill a template: pass them with a waba_id',
    ],
    [
      '101 messages to delete',
      () =>
        client.v2.messages.delete(
          1,
          Array.from({ length: 101 }, (_, i) => i + 1),
        ),
      'messageIds must be an array of 1 to 100 message ids, got 101 ids',
    ],
    [
      'a file together with a file_url',
      () =>
        client.v2.attachments.upload({
          data: new Uint8Array([1]),
          file_url: 'https://example.com/a.png',
        } as never),
      'an upload takes a file ({ path } or { data }) or a file_url, not both',
    ],
    [
      'push_to_talk as a number',
      () =>
        client.v2.attachments.upload({
          file_url: 'https://example.com/a.ogg',
          metadata: { push_to_talk: 1 as never },
        }),
      'metadata.push_to_talk must be true or false, got 1',
    ],
    [
      'an operational state that cannot be set',
      () => client.v2.conversations.update(1, { operational_state: 'blocked' as never }),
      'operational_state must be one of "open", "archived", got "blocked"',
    ],
    [
      'an update with nothing to change',
      () => client.v2.conversations.update(1, {}),
      'conversation update needs operational_state, replied_state or assignee_id; got none of them',
    ],
    [
      'a page of 0',
      () => client.v2.conversations.list({ page: 0 }),
      'page must be a positive integer, got 0',
    ],
    [
      'a sort by two fields',
      () =>
        client.v2.wabaTemplates.list({ sort: { position: 'asc', created_at: 'desc' } as never }),
      'sort must name one field',
    ],
    [
      'a token for a provider that takes none',
      () => client.v2.auths.create({ provider: 'whatsapp', token: 'x' } as never),
      'token is taken by telegram, viber, odnoklassniki, max_bot, vkontakte_direct only; whatsapp connects without one',
    ],
    [
      'a token provider without its token',
      () => client.v2.auths.create({ provider: 'viber' } as never),
      'token must be a non-empty string, got undefined',
    ],
    [
      'a phone number where no code flow exists',
      () => client.v2.auths.create({ provider: 'max', phone_number: '79000000000' } as never),
      'phone_number selects code confirmation, which only whatsapp, telegram_personal have',
    ],
    [
      'a Telegram code that is not digits',
      () => client.v2.auths.confirm(1, 'abc'),
      'code must be the digits Telegram sent, got "abc"',
    ],
    [
      'listAll without companies',
      () => client.v2.auths.listAll({ company_ids: [] }),
      'company_ids must be a non-empty array of company ids, got an empty array',
    ],
    [
      'active as a string',
      () => client.v2.webhooks.update(1, { active: 'yes' as never }),
      'active must be true or false, got "yes"',
    ],
  ])('%s', async (_what, call, message) => {
    const error = await call().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PactArgumentError);
    expect((error as Error).message).toContain(message);
    expect(stub.requests).toHaveLength(0);
  });

  it('never repeats a webhook URL, which may carry a secret, in its error', async () => {
    const error = (await client.v2.webhooks
      .create('ftp://bot.example.com/pact?secret=hunter2')
      .catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(PactArgumentError);
    expect(error.message).toBe('url must be an absolute http or https URL, got a ftp: URL');
    expect(error.message).not.toContain('hunter2');
  });

  it('asks for a company when the client has none', async () => {
    const bare = new PactClient({ token: 't', apiUrl: stub.url, rateLimit: false });
    await expect(bare.v2.conversations.list()).rejects.toThrow(
      'companyId is missing: pass it to new PactClient({ companyId }) or in the call options',
    );
    await bare.close();
  });
});
