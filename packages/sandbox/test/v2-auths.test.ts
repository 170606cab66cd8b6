import { describe, expect, it } from 'vitest';
import { v2Reference as reference } from './fixtures/v2-reference.js';
import { expectShapeOf, startSandbox, type Answer } from './helpers.js';
import { RecordingBot, v2 } from './v2-helpers.js';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

async function withBot() {
  const sandbox = await startSandbox({ apiVersion: 2 });
  const bot = new RecordingBot(sandbox.companyId);
  sandbox.connect(bot);
  return { sandbox, bot };
}

function detailOf(answer: Answer): string {
  return (answer.body.errors as Array<{ detail: string }>)[0]!.detail;
}

const create = (sandbox: Parameters<typeof v2>[0], json: Record<string, unknown>) =>
  v2(sandbox, 'POST', '/companies/1/auths', { json });

describe('v2 auths', () => {
  it('connect WhatsApp by QR: create (initial) with the QR, the QR webhook, then enabled', async () => {
    const { sandbox, bot } = await withBot();
    const created = await create(sandbox, { provider: 'whatsapp', sync_period: 'week' });
    expect(created.status).toBe(200);
    const auth = created.body.auth as Record<string, unknown>;
    expect(auth).toMatchObject({
      company_id: 1,
      provider: 'whatsapp',
      state: 'initial',
      phone_number: null,
      sync_messages_at: null,
      pages: null,
      qr: expect.stringMatching(/^data:image\/png;base64,/) as unknown,
      created_at: expect.stringMatching(ISO) as unknown,
    });
    await bot.until(() => bot.bodies.length === 3);
    expect(bot.labels()).toEqual(['auth/create', 'auth/update', 'auth/update']);
    const [createEvent, qrEvent, connected] = bot.bodies;
    // A QR auth has no phone and no history yet, as the reference's QR example shows.
    expectShapeOf(createEvent, {
      ...reference.authCreate,
      object: { ...reference.authCreate.object, phone_number: null, sync_messages_at: null },
    });
    expect(createEvent!.object).toMatchObject({ id: auth.id, state: 'initial' });
    expectShapeOf(qrEvent, reference.authQr);
    expect(qrEvent!.object).toMatchObject({ state: 'initial', qr: auth.qr, settings: {} });
    expect(connected!.object).toMatchObject({ id: auth.id, state: 'enabled' });
    const { sync_messages_at: syncedFrom, created_at: createdAt } = connected!.object as {
      sync_messages_at: string;
      created_at: string;
    };
    expect(Date.parse(createdAt) - Date.parse(syncedFrom)).toBeGreaterThanOrEqual(
      7 * 24 * 3600 * 1000 - 5000,
    );

    const list = await v2(sandbox, 'GET', '/companies/1/auths');
    expect(list.body).toEqual({
      auths: [expect.objectContaining({ id: auth.id, state: 'enabled' })],
      meta: { page: 1, entries_count: 1, per_page: 25 },
    });
  });

  it('connect WhatsApp by pairing code, and Telegram Personal by the code given to enable', async () => {
    const { sandbox, bot } = await withBot();
    const whatsapp = await create(sandbox, { provider: 'whatsapp', phone_number: '79000000000' });
    expect(whatsapp.body.auth).toMatchObject({
      state: 'initial',
      phone_number: '79000000000',
      code: expect.any(String) as unknown,
    });
    await bot.until(() => bot.of('auth/update').length === 2);
    const [code, connected] = bot.of('auth/update');
    expectShapeOf(code, reference.authCode);
    expectShapeOf(connected, reference.authConnected);

    const telegram = await create(sandbox, {
      provider: 'telegram_personal',
      phone_number: '79000000001',
    });
    const id = (telegram.body.auth as { id: number }).id;
    expect(telegram.body.auth).toMatchObject({ state: 'initial' });
    expect(telegram.body.auth).not.toHaveProperty('code');
    const noCode = await v2(sandbox, 'PUT', `/companies/1/auths/${id}/enable`, { json: {} });
    expect(detailOf(noCode)).toBe(
      'code is required: the one Telegram sent to the phone (the sandbox takes any)',
    );
    const enabled = await v2(sandbox, 'PUT', `/companies/1/auths/${id}/enable`, {
      json: { code: '12345' },
    });
    expect(enabled.body.auth).toMatchObject({ id, state: 'enabled' });
  });

  it('connect OAuth providers when their oauth_provider_url is opened', async () => {
    const { sandbox, bot } = await withBot();
    const created = await create(sandbox, { provider: 'avito' });
    const auth = created.body.auth as { id: number; oauth_provider_url: string };
    expect(auth.oauth_provider_url).toBe(`${sandbox.url}/sandbox/oauth/${auth.id}`);
    await bot.until(() => bot.of('auth/update').length === 1);
    expectShapeOf(bot.of('auth/update')[0], reference.authOAuth);
    const early = await v2(sandbox, 'PUT', `/companies/1/auths/${auth.id}/enable`, { json: {} });
    expect(detailOf(early)).toMatch(/^auth \d+ is still being confirmed/);
    const page = await fetch(auth.oauth_provider_url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Avito is connected to company 1');
    await bot.until(() => bot.of('auth/update').length === 2);
    expect(bot.of('auth/update')[1]!.object).toMatchObject({ state: 'enabled' });
    expect((await fetch(`${sandbox.url}/sandbox/oauth/999`)).status).toBe(404);
  });

  it('connect token providers at once, and keep the bot token out of the log', async () => {
    const { sandbox, bot } = await withBot();
    const logged: unknown[] = [];
    sandbox.events.on('api', (event) => logged.push(event.request));
    const noToken = await create(sandbox, { provider: 'telegram' });
    expect(detailOf(noToken)).toBe(
      "token is required to connect telegram: the bot's token from the messenger",
    );
    const created = await create(sandbox, { provider: 'telegram', token: '123:bot-secret' });
    expect(created.body.auth).toMatchObject({
      provider: 'telegram',
      state: 'enabled',
      sync_messages_at: expect.stringMatching(ISO) as unknown,
    });
    expect(bot.labels()).toEqual(['auth/create']);
    expect(JSON.stringify(logged)).not.toContain('bot-secret');
    const twice = await create(sandbox, { provider: 'telegram', token: 'x' });
    expect(detailOf(twice)).toMatch(
      /^company 1 has a telegram auth already \(id \d+\); Pact connects one per provider$/,
    );
    const unknown = await create(sandbox, { provider: 'icq' });
    expect(detailOf(unknown)).toMatch(
      /^provider must be one of whatsapp, telegram_personal, max, .*, got "icq"$/,
    );
  });

  it('disable and enable an auth: sends are refused and customers do not get through while it is off', async () => {
    const { sandbox, bot } = await withBot();
    const ann = sandbox.newCustomer({ channel: 'viber' });
    const auths = await v2(sandbox, 'GET', '/auths', { query: { 'company_ids[]': 1 } });
    const [viber] = auths.body.auths as Array<{ id: number; provider: string; state: string }>;
    expect(viber).toMatchObject({ provider: 'viber', state: 'enabled' });
    const disabled = await v2(sandbox, 'PUT', `/companies/1/auths/${viber!.id}/disable`);
    expect(disabled.body.auth).toMatchObject({ state: 'disabled' });
    expectShapeOf(bot.of('auth/update')[0], {
      ...reference.authDisconnected,
      object: { ...reference.authDisconnected.object, phone_number: null },
    });
    const send = await v2(sandbox, 'POST', `/conversations/${ann.conversationId}/messages`, {
      json: { company_id: 1, text: 'hi' },
    });
    expect(detailOf(send)).toBe(
      `conversation ${ann.conversationId} is on viber auth ${viber!.id}, which is disabled; enable it first`,
    );
    await expect(ann.write('hello?')).rejects.toThrow(
      `the company's viber auth ${viber!.id} is disabled`,
    );
    await v2(sandbox, 'PUT', `/companies/1/auths/${viber!.id}/enable`);
    expect((await ann.write('hello!')).delivered).toBe(true);
    expect(detailOf(await v2(sandbox, 'GET', '/auths'))).toBe(
      'company_ids is required: the ids of the companies',
    );
  });

  it('delete an auth with its conversations: auth/delete, then conversation/delete for each', async () => {
    const { sandbox, bot } = await withBot();
    const ann = sandbox.newCustomer({ channel: 'whatsapp' });
    await ann.write('hi');
    const [whatsapp] = (await v2(sandbox, 'GET', '/companies/1/auths')).body.auths as Array<{
      id: number;
    }>;
    const deleted = await v2(sandbox, 'DELETE', `/companies/1/auths/${whatsapp!.id}`);
    expect(deleted.status).toBe(204);
    await bot.until(() => bot.of('conversation/delete').length === 1);
    expectShapeOf(bot.of('auth/delete')[0], {
      ...reference.authDelete,
      object: { ...reference.authDelete.object, phone_number: null },
    });
    expectShapeOf(bot.of('conversation/delete')[0], reference.conversationDelete);
    expect(bot.of('conversation/delete')[0]!.object).toMatchObject({ id: ann.conversationId });
    expect(sandbox.customers()).toEqual([]);
    await expect(ann.write('anyone?')).rejects.toThrow(
      `conversation ${ann.conversationId} was deleted`,
    );
    const gone = await v2(sandbox, 'GET', `/conversations/${ann.conversationId}`, {
      query: { company_id: 1 },
    });
    expect(gone.status).toBe(404);
    expect((await v2(sandbox, 'DELETE', `/companies/1/auths/${whatsapp!.id}`)).status).toBe(404);
  });
});
