import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PactArgumentError, PactClient } from '@pactbot/core';
import { startPactStub, type PactStub } from '@pactbot/testkit/support/pact-stub';

let stub: PactStub;
let client: PactClient;

beforeAll(async () => {
  stub = await startPactStub();
  client = new PactClient({ token: 'tok', companyId: 42, apiUrl: stub.url, rateLimit: false });
});
afterAll(async () => {
  await client.close();
  await stub.close();
});
beforeEach(() => {
  stub.requests.length = 0;
});

describe('bad arguments are rejected before any request, naming what was wrong', () => {
  it.each<[string, () => Promise<unknown>, string]>([
    [
      'a conversation id that is not a number',
      () => client.messages.send('abc' as never, { message: 'hi' }),
      'conversationId must be a positive integer, got "abc"',
    ],
    [
      'an empty message',
      () => client.messages.send(1, {}),
      'a message needs text (message) or attachments (attachments_ids); got neither',
    ],
    [
      'four buttons',
      () =>
        client.messages.send(1, {
          message: 'm',
          interactive: { type: 'button', buttons: ['a', 'b', 'c', 'd'] },
        }),
      'a message takes 1 to 3 buttons, got 4',
    ],
    [
      'a long button title',
      () =>
        client.messages.send(1, {
          message: 'm',
          interactive: { type: 'button', buttons: ['x'.repeat(21)] },
        }),
      'button titles must be 1 to 20 characters',
    ],
    [
      'duplicate button titles',
      () =>
        client.messages.send(1, {
          message: 'm',
          interactive: { type: 'button', buttons: ['Yes', 'yes'] },
        }),
      'button titles must be unique',
    ],
    [
      'an unknown provider',
      () => client.channels.create({ provider: 'icq', token: 't' } as never),
      'provider must be one of',
    ],
    [
      'a phone with letters',
      () => client.conversations.create({ provider: 'whatsapp', phone: '7925abc' }),
      'phone must be a phone number of 5 to 15 digits',
    ],
    [
      'a bad hosting type',
      () =>
        client.channels.create({
          provider: 'whatsapp_business',
          hosting_type: 'edge',
          token: 't',
        } as never),
      'hosting_type must be one of "cloud", "onpremise", got "edge"',
    ],
    [
      'a non-http file_url',
      () => client.attachments.upload(1, { file_url: 'ftp://x/y.png' }),
      'file_url must be an http or https URL, got "ftp://x/y.png"',
    ],
    [
      'a missing file',
      () => client.attachments.upload(1, { path: '/no/such/file.png' }),
      'file path "/no/such/file.png" cannot be uploaded',
    ],
    [
      'a company name over 255 characters',
      () => client.companies.create({ name: 'n'.repeat(256) }),
      'name must be at most 255 characters, got 256',
    ],
    [
      'a bad sync period',
      () => client.channels.enableInstagramPage(1, { page_id: 1, sync_period: 'year' as never }),
      'sync_period must be one of',
    ],
  ])('%s', async (_name, call, message) => {
    const error = await call().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PactArgumentError);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).not.toContain('\n');
    expect(stub.requests).toHaveLength(0);
  });

  it('asks for a company id when neither the client nor the call has one', async () => {
    const noCompany = new PactClient({ token: 'tok', apiUrl: stub.url });
    await expect(noCompany.channels.list()).rejects.toThrow(
      'companyId is missing: pass it to new PactClient({ companyId }) or in the call options',
    );
    await noCompany.close();
  });

  it('refuses a client without a token', () => {
    expect(() => new PactClient({ token: '' })).toThrow('token must be the private API token');
  });
});
