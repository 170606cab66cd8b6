import { afterAll, beforeAll, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import {
  PactClient,
  type Channel,
  type Company,
  type ConfirmResult,
  type PactConversation,
  type Job,
  type Message,
  type Page,
  type TelegramCodeResult,
  type WabaTemplate,
  type WhatsAppCodeResult,
} from '@pactbot/core';
import { reference } from '../fixtures/reference-responses.js';
import { startPactStub, type PactStub } from '@pactbot/testkit/support/pact-stub';

const TOKEN = 'tok-0123456789abcdef';
let stub: PactStub;
let client: PactClient;

beforeAll(async () => {
  stub = await startPactStub();
  client = new PactClient({ token: TOKEN, companyId: 42, apiUrl: stub.url, rateLimit: false });
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

describe('every request', () => {
  it('carries the token in X-Private-Api-Token only, and asks for JSON', async () => {
    stub.route('GET', '/p1/companies', { body: reference.companiesList });
    await client.companies.list();
    const request = last();
    expect(request.headers['x-private-api-token']).toBe(TOKEN);
    expect(request.headers.accept).toBe('application/json');
    expect(request.query.toString()).not.toContain(TOKEN);
  });
});

describe('companies', () => {
  it('lists with paging parameters in the query', async () => {
    stub.route('GET', '/p1/companies', { body: reference.companiesList });
    const page = await client.companies.list({ per: 10, sort_direction: 'desc', from: 'abc' });
    expect(last().query.get('per')).toBe('10');
    expect(last().query.get('sort_direction')).toBe('desc');
    expect(last().query.get('from')).toBe('abc');
    expectTypeOf(page).toEqualTypeOf<Page<Company>>();
    expect(page.items[0]).toEqual({
      external_id: 1,
      name: 'COMPANY_NAME',
      phone: null,
      description: null,
      webhook_url: null,
    });
    expect(page.nextPage).toBe('fslkfg2lkdfmlwkmlmw4of94wg34lfkm34lg');
  });

  it('creates with a JSON body', async () => {
    stub.route('POST', '/p1/companies', { body: reference.companyCreated });
    const created = await client.companies.create({
      name: 'Shop',
      webhook_url: 'https://bot.example.com/pact',
    });
    expect(last().headers['content-type']).toBe('application/json');
    expect(last().json).toEqual({ name: 'Shop', webhook_url: 'https://bot.example.com/pact' });
    expect(created.external_id).toBe(2);
  });

  it('updates webhook_url and hidden with PUT on the company', async () => {
    stub.route('PUT', '/p1/companies/42', { body: reference.companyUpdated });
    const updated = await client.companies.update({
      webhook_url: 'https://x.example/pact',
      hidden: true,
    });
    expect(last().method).toBe('PUT');
    expect(last().json).toEqual({ webhook_url: 'https://x.example/pact', hidden: true });
    expect(updated.external_id).toBe(2);
  });

  it('takes the company from the call when given', async () => {
    stub.route('PUT', '/p1/companies/7', { body: reference.companyUpdated });
    await client.companies.update({ name: 'Other' }, { companyId: 7 });
    expect(last().path).toBe('/p1/companies/7');
  });
});

describe('channels', () => {
  it('lists', async () => {
    stub.route('GET', '/p1/companies/42/channels', { body: reference.channelsList });
    const page = await client.channels.list();
    expectTypeOf(page.items).toEqualTypeOf<Channel[]>();
    expect(page.items).toEqual([{ external_id: 399, provider: 'whatsapp' }]);
  });

  it.each([
    [
      {
        provider: 'whatsapp',
        phone: '+7 925 000-00-01',
        sync_messages_from: new Date(1_700_000_000_000),
      },
      { provider: 'whatsapp', phone: '79250000001', sync_messages_from: 1_700_000_000 },
    ],
    [{ provider: 'whatsapp' }, { provider: 'whatsapp' }],
    [
      { provider: 'whatsapp_business', hosting_type: 'cloud', token: 'd360', subtype: 'unlim' },
      { provider: 'whatsapp_business', hosting_type: 'cloud', token: 'd360', subtype: 'unlim' },
    ],
    [
      {
        provider: 'whatsapp_business',
        hosting_type: 'onpremise',
        dialog360_channel_id: 'ch1',
        dialog360_client_id: 'cl1',
        account_name: 'Shop',
      },
      {
        provider: 'whatsapp_business',
        hosting_type: 'onpremise',
        dialog360_channel_id: 'ch1',
        dialog360_client_id: 'cl1',
        account_name: 'Shop',
      },
    ],
    [
      { provider: 'avito', login: 'client-id', password: 'client-secret' },
      { provider: 'avito', login: 'client-id', password: 'client-secret' },
    ],
    [
      {
        provider: 'instagram_business',
        private_api_token: 'user-token',
        token: 'fb',
        phone: '+79131112233',
        data: { name: 'Me' },
      },
      {
        provider: 'instagram_business',
        private_api_token: 'user-token',
        token: 'fb',
        phone: '+79131112233',
        data: { name: 'Me' },
      },
    ],
    [
      { provider: 'facebook', token: 't' },
      { provider: 'facebook', token: 't' },
    ],
    [
      { provider: 'vkontakte', token: 't' },
      { provider: 'vkontakte', token: 't' },
    ],
    [
      { provider: 'vkontakte_direct', token: 't' },
      { provider: 'vkontakte_direct', token: 't' },
    ],
    [
      { provider: 'telegram', token: '123:abc' },
      { provider: 'telegram', token: '123:abc' },
    ],
    [
      { provider: 'viber', token: 't' },
      { provider: 'viber', token: 't' },
    ],
    [
      { provider: 'telegram_personal', via_qr_code: true, sync_messages_from: 1_700_000_000 },
      { provider: 'telegram_personal', via_qr_code: true, sync_messages_from: 1_700_000_000 },
    ],
    [
      { provider: 'telegram_personal', phone: '7999999999' },
      { provider: 'telegram_personal', phone: '7999999999' },
    ],
  ] as const)('creates %o with the parameters of its provider', async (params, sent) => {
    stub.route('POST', '/p1/companies/42/channels', { body: reference.channelCreated });
    const created = await client.channels.create(params);
    expect(last().json).toEqual(sent);
    expect(created.external_id).toBe(1);
  });

  it('updates, deletes', async () => {
    stub.route('PUT', '/p1/companies/42/channels/5', { body: reference.channelUpdated });
    stub.route('DELETE', '/p1/companies/42/channels/5', { body: reference.channelDeleted });
    expect((await client.channels.update(5, { token: 'new' })).external_id).toBe(2);
    expect(last().json).toEqual({ token: 'new' });
    await client.channels.delete(5);
    expect(last().method).toBe('DELETE');
    expect(last().raw.length).toBe(0);
  });

  it('requests and confirms codes for whatsapp, telegram_personal and instagram', async () => {
    stub.route('POST', '/p1/companies/42/channels/5/request_code', (req) => {
      const provider = (req.json as { provider: string }).provider;
      if (provider === 'whatsapp') return { body: reference.whatsappRequestCode };
      if (provider === 'telegram_personal') return { body: reference.telegramRequestCode };
      return { body: reference.instagramRequestCode };
    });
    const wa = await client.channels.requestCode(5, { provider: 'whatsapp' });
    expectTypeOf(wa).toEqualTypeOf<WhatsAppCodeResult>();
    expect(wa.code).toBe('ZHHJ-KQSP');
    const tg = await client.channels.requestCode(5, { provider: 'telegram_personal' });
    expectTypeOf(tg).toEqualTypeOf<TelegramCodeResult>();
    expect(tg.code_length).toBe(6);
    await client.channels.requestCode(5, { provider: 'instagram', challenge_variant: 0 });
    expect(last().json).toEqual({ provider: 'instagram', challenge_variant: 0 });
    await client.channels.requestCode(5, { provider: 'instagram', challenge_type: 'two_factor' });
    expect(last().json).toEqual({ provider: 'instagram', challenge_type: 'two_factor' });

    stub.route('POST', '/p1/companies/42/channels/5/confirm', [
      { body: reference.telegramConfirm },
      { body: reference.telegramConfirm },
      { body: reference.instagramTwoFactorRequired },
      { body: reference.instagramChallengeRequired },
      { body: reference.instagramConfirm },
    ]);
    const confirmed = await client.channels.confirm(5, {
      provider: 'telegram_personal',
      confirmation_type: 'code',
      code: '2567',
    });
    expectTypeOf(confirmed).toEqualTypeOf<ConfirmResult>();
    expect(confirmed.state).toBe('enabled');
    // The reference wants the code as a number.
    expect(last().json).toEqual({
      provider: 'telegram_personal',
      confirmation_type: 'code',
      code: 2567,
    });
    await client.channels.confirm(5, {
      provider: 'telegram_personal',
      confirmation_type: 'password',
      password: 'qwerty123',
    });
    expect(last().json).toEqual({
      provider: 'telegram_personal',
      confirmation_type: 'password',
      password: 'qwerty123',
    });
    const twoFactor = await client.channels.confirm(5, {
      provider: 'instagram',
      confirmation_code: '123456',
    });
    expect(twoFactor.data?.two_factor_requires).toBe(true);
    expect(twoFactor.data?.details?.map((d) => d.key)).toEqual(['sms', 'recovery_code', 'totp']);
    const challenge = await client.channels.confirm(5, {
      provider: 'instagram',
      confirmation_type: 'two_factor',
      confirmation_variant: 3,
      confirmation_code: '123456',
    });
    expect(challenge.data?.details?.[0]?.label).toBe('e*******e@example.org');
    expect(last().json).toEqual({
      provider: 'instagram',
      confirmation_type: 'two_factor',
      confirmation_variant: 3,
      confirmation_code: '123456',
    });
  });

  it('enables an instagram page with page_id and sync_period in the query', async () => {
    stub.route('POST', '/p1/companies/42/channels/5/enable_page_instagram', {
      body: { status: 'ok' },
    });
    await client.channels.enableInstagramPage(5, { page_id: '1001', sync_period: 'week' });
    expect(last().query.get('page_id')).toBe('1001');
    expect(last().query.get('sync_period')).toBe('week');
  });

  it('writes first to WhatsApp with text and to WhatsApp Business with a template', async () => {
    stub.route('POST', '/p1/companies/42/channels/5/conversations', {
      body: reference.firstMessageJob,
    });
    const job = await client.channels.sendFirstMessage(5, {
      phone: '79250000001',
      message: 'Hello',
    });
    expectTypeOf(job).toEqualTypeOf<Job>();
    expect(job).toEqual(reference.firstMessageJob.data);
    expect(last().json).toEqual({ phone: '79250000001', message: 'Hello', text: 'Hello' });
    await client.channels.sendFirstMessage(5, {
      phone: '79250000001',
      template: { id: 'template_id', language_code: 'ru', parameters: ['имя'] },
    });
    expect(last().json).toEqual({
      phone: '79250000001',
      template: { id: 'template_id', language_code: 'ru', parameters: ['имя'] },
    });
  });

  it('checks whether a user has WhatsApp', async () => {
    stub.route('GET', '/p1/companies/42/channels/5/user_exists', { body: reference.userExists });
    expect(await client.channels.userExists(5, '79250000001')).toBe(true);
    expect(last().query.get('phone')).toBe('79250000001');
  });
});

describe('conversations', () => {
  it('lists the current and the older shape', async () => {
    stub.route('GET', '/p1/companies/42/conversations', [
      { body: reference.conversationsList },
      { body: reference.conversationsListOlder },
    ]);
    const page = await client.conversations.list();
    expectTypeOf(page.items).toEqualTypeOf<PactConversation[]>();
    expect(page.items[0]?.sender_external_id).toBe('79260000001');
    const older = await client.conversations.list();
    expect(older.items[0]?.created_at_timestamp).toBeUndefined();
    expect(older.nextPage).toBeUndefined();
  });

  it('creates for whatsapp and for telegram_personal', async () => {
    stub.route('POST', '/p1/companies/42/conversations', { body: reference.conversation });
    const conversation = await client.conversations.create({
      provider: 'whatsapp',
      phone: '79250000001',
    });
    expect(last().json).toEqual({ provider: 'whatsapp', phone: '79250000001' });
    expect(conversation.external_id).toBe(1);
    await client.conversations.create({
      provider: 'telegram_personal',
      username: 'testuser',
      text: 'Hello',
    });
    expect(last().json).toEqual({
      provider: 'telegram_personal',
      username: 'testuser',
      text: 'Hello',
    });
  });

  it('gets, assigns, notes and toggles bitrix open lines', async () => {
    stub.route('GET', '/p1/companies/42/conversations/1', { body: reference.conversation });
    stub.route('PUT', '/p1/companies/42/conversations/1/assign', { body: reference.assigned });
    stub.route('PUT', '/p1/companies/42/conversations/1/note', { body: reference.noteUpdated });
    stub.route('PUT', '/p1/companies/42/conversations/91/toggle_bitrix_block_openlines', {
      body: reference.bitrixToggled,
    });
    expect((await client.conversations.get(1)).name).toBe('79250000001');
    expect((await client.conversations.assign(1, 42)).external_id).toBe(1);
    expect(last().json).toEqual({ assignee_id: 42 });
    await client.conversations.assign(1, null);
    expect(last().json).toEqual({});
    await client.conversations.note(1, 'your note');
    expect(last().json).toEqual({ note: 'your note' });
    const toggled = await client.conversations.toggleBitrixBlockOpenlines(91, true);
    expect(last().json).toEqual({ enabled: true });
    expect(toggled.bitrix_block_openlines).toBe(true);
    expect(toggled.channel_id).toBeNull();
  });
});

describe('messages', () => {
  it('lists', async () => {
    stub.route('GET', '/p1/companies/42/conversations/8741/messages', {
      body: reference.messagesList,
    });
    const page = await client.messages.list(8741, { per: 1 });
    expectTypeOf(page.items).toEqualTypeOf<Message[]>();
    expect(page.items[0]?.message).toBe('Hello');
  });

  it('sends text, attachments, buttons and send_to_crm as JSON', async () => {
    stub.route('POST', '/p1/companies/42/conversations/8741/messages', {
      body: reference.messageSent,
    });
    const job = await client.messages.send(8741, {
      message: 'hello',
      attachments_ids: [1, 2],
      send_to_crm: false,
    });
    expect(last().json).toEqual({ message: 'hello', attachments_ids: [1, 2], send_to_crm: false });
    expect(job.conversation_id).toBe(8741);
    expect(job.message_id).toBeNull();
    await client.messages.send(8741, {
      message: 'wassup',
      interactive: { type: 'button', buttons: ['fine', 'awesome'] },
    });
    expect(last().json).toEqual({
      message: 'wassup',
      interactive: { type: 'button', buttons: ['fine', 'awesome'] },
    });
  });
});

describe('waba templates and jobs', () => {
  it('lists templates', async () => {
    stub.route('GET', '/p1/companies/42/waba_templates', { body: reference.wabaTemplates });
    const page = await client.wabaTemplates.list();
    expectTypeOf(page.items).toEqualTypeOf<WabaTemplate[]>();
    expect(page.items[0]?.substitutions_count).toBe(1);
  });

  it('gets a job', async () => {
    stub.route('GET', '/p1/companies/42/channels/1/jobs/1', { body: reference.job });
    const job = await client.jobs.get(1, 1);
    expect(job.details?.result).toBe('DELIVERED');
    expect(job.state).toBe('delivered');
  });
});
