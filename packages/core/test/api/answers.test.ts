import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PactApiError, PactArgumentError, PactClient } from '@pactbot/core';
import { reference } from '../fixtures/reference-responses.js';
import { startPactStub, type PactStub, type StubReply } from '@pactbot/testkit/support/pact-stub';

let stub: PactStub;
let client: PactClient;
const failures: Error[] = [];

beforeAll(async () => {
  stub = await startPactStub();
  client = new PactClient({
    token: 'tok',
    companyId: 42,
    apiUrl: stub.url,
    rateLimit: false,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
  });
  client.events.on('error', (error) => failures.push(error));
});
afterAll(async () => {
  await client.close();
  await stub.close();
});
beforeEach(() => {
  stub.requests.length = 0;
  failures.length = 0;
});

/** 2xx answers that carry nothing an endpoint promises. */
const HOLLOW: Array<[string, StubReply]> = [
  ['an empty body', { status: 200 }],
  ['an HTML page', { status: 200, body: '<html><body>Welcome</body></html>' }],
  ['a bare {"status":"ok"}', { status: 200, body: { status: 'ok' } }],
];

async function failure(call: Promise<unknown>): Promise<PactApiError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PactApiError);
  return error as PactApiError;
}

describe('a 2xx answer without what its endpoint promises fails the call', () => {
  const SEND = '/p1/companies/42/conversations/1/messages';

  it.each(HOLLOW)(
    'messages.send rejects %s, names the endpoint and is not resent',
    async (_what, reply) => {
      stub.route('POST', SEND, reply);
      const error = await failure(client.messages.send(1, { message: 'hi' }));
      expect(error.status).toBe(200);
      expect(error.problem).toMatch(/^the answer to messages\.send has no (JSON object|data)/);
      expect(error.message).toContain(
        `POST ${SEND} failed: Pact answered 200 but the answer to messages.send has no `,
      );
      expect(stub.calls('POST', SEND)).toHaveLength(1);
      expect(failures).toEqual([error]);
    },
  );

  it('says what arrived by its field names only', async () => {
    stub.route('POST', SEND, { body: { status: 'ok', data: { state: 'trying_deliver' } } });
    const error = await failure(client.messages.send(1, { message: 'hi' }));
    expect(error.message).toContain(
      "the answer to messages.send has no data.id (the delivery job's id); got a JSON object with status, data",
    );
  });

  it.each(HOLLOW)(
    'channels.userExists rejects %s instead of answering false',
    async (_what, reply) => {
      stub.route('GET', '/p1/companies/42/channels/3/user_exists', reply);
      const error = await failure(client.channels.userExists(3, '79250000001'));
      expect(error.problem).toContain('the answer to channels.userExists has no');
    },
  );

  it('channels.userExists reads exists beside status, or in data', async () => {
    stub.route('GET', '/p1/companies/42/channels/3/user_exists', [
      { body: reference.userExists },
      { body: { status: 'ok', exists: false } },
      { body: { status: 'ok', data: { exists: true } } },
    ]);
    expect(await client.channels.userExists(3, '79250000001')).toBe(true);
    expect(await client.channels.userExists(3, '79250000001')).toBe(false);
    expect(await client.channels.userExists(3, '79250000001')).toBe(true);
  });

  it.each(HOLLOW)('conversations.get and jobs.get reject %s', async (_what, reply) => {
    stub.route('GET', '/p1/companies/42/conversations/1', reply);
    stub.route('GET', '/p1/companies/42/channels/1/jobs/1', reply);
    expect((await failure(client.conversations.get(1))).problem).toContain(
      'the answer to conversations.get has no',
    );
    expect((await failure(client.jobs.get(1, 1))).problem).toContain(
      'the answer to jobs.get has no',
    );
  });

  it('a list without its items rejects instead of reading as an empty page', async () => {
    stub.route('GET', '/p1/companies/42/conversations', { body: { status: 'ok', data: {} } });
    const error = await failure(client.conversations.list());
    expect(error.problem).toBe(
      'the answer to conversations.list has no data.conversations list; got a JSON object with status, data',
    );
  });

  it('create and update answers need their external_id', async () => {
    stub.route('POST', '/p1/companies', { body: { status: 'created', data: {} } });
    stub.route('PUT', '/p1/companies/42/channels/5', { body: { status: 'updated' } });
    expect((await failure(client.companies.create({ name: 'Shop' }))).problem).toContain(
      'the answer to companies.create has no data.external_id',
    );
    expect((await failure(client.channels.update(5, { token: 't' }))).problem).toContain(
      'the answer to channels.update has no data object',
    );
  });

  it('an upload answer without the attachment id rejects as a PactApiError', async () => {
    stub.route('POST', '/p1/companies/42/conversations/9/messages/attachments', {
      body: { status: 'ok', data: {} },
    });
    const error = await failure(
      client.attachments.upload(9, { file_url: 'https://x.example/a.png' }),
    );
    expect(error.problem).toContain('the answer to attachments.upload has no data.external_id');
  });

  it('endpoints that promise nothing take an empty body or JSON, never an HTML page', async () => {
    stub.route('DELETE', '/p1/companies/42/channels/5', [
      { status: 200 },
      { body: reference.channelDeleted },
      { status: 200, body: '<html>proxy</html>' },
    ]);
    await client.channels.delete(5);
    await client.channels.delete(5);
    const error = await failure(client.channels.delete(5));
    expect(error.problem).toBe(
      'the answer to channels.delete has no JSON object; got text that is not JSON',
    );
  });

  it('request_code and confirm answers need their result', async () => {
    stub.route('POST', '/p1/companies/42/channels/5/request_code', { body: { status: 'ok' } });
    stub.route('POST', '/p1/companies/42/channels/5/confirm', { body: {} });
    expect(
      (await failure(client.channels.requestCode(5, { provider: 'whatsapp' }))).problem,
    ).toContain('code (the code to type into WhatsApp)');
    expect(
      (
        await failure(
          client.channels.confirm(5, {
            provider: 'telegram_personal',
            confirmation_type: 'code',
            code: '12345',
          }),
        )
      ).problem,
    ).toContain('the answer to channels.confirm has no result');
  });
});

describe('parameters the reference calls exclusive or boolean are checked', () => {
  it.each<[string, () => Promise<unknown>, string]>([
    [
      'a file together with a file_url',
      () =>
        client.attachments.upload(9, {
          data: Buffer.from('x'),
          file_url: 'https://x.example/a.png',
        } as never),
      'an upload takes a file ({ path } or { data }) or a file_url, not both: Pact accepts only one of them',
    ],
    [
      'hidden as a string',
      () => client.companies.update({ hidden: 'true' as never }),
      'hidden must be true or false, got "true"',
    ],
    [
      'send_to_crm as a string',
      () => client.messages.send(1, { message: 'hi', send_to_crm: 'no' as never }),
      'send_to_crm must be true or false, got "no"',
    ],
    [
      'do_not_mark_as_read as a number',
      () => client.channels.create({ provider: 'whatsapp', do_not_mark_as_read: 1 as never }),
      'do_not_mark_as_read must be true or false, got 1',
    ],
    [
      'send_to_crm of a Telegram conversation as a string',
      () =>
        client.conversations.create({
          provider: 'telegram_personal',
          username: 'u',
          text: 't',
          send_to_crm: 'false' as never,
        }),
      'send_to_crm must be true or false, got "false"',
    ],
    [
      'a first message with both a template and a text',
      () =>
        client.channels.sendFirstMessage(3, {
          phone: '79250000001',
          message: 'lost',
          template: { id: 'tpl', language_code: 'en', parameters: [] },
        } as never),
      'a first message takes a template (WhatsApp Business) or a message (text), not both',
    ],
  ])('%s is refused before any request', async (_what, call, message) => {
    const error = await call().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PactArgumentError);
    expect((error as Error).message).toContain(message);
    expect(stub.requests).toHaveLength(0);
  });
});
