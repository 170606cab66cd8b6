import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PactApiError, PactClient, PactNetworkError } from '@pactbot/core';
import { startPactStub, type PactStub } from '@pactbot/testkit/support/pact-stub';

const TOKEN = 'super-secret-token-4f9a';
let stub: PactStub;
let client: PactClient;

beforeAll(async () => {
  stub = await startPactStub();
  client = new PactClient({
    token: TOKEN,
    companyId: 42,
    apiUrl: stub.url,
    rateLimit: false,
    retry: { maxAttempts: 1 },
  });
});
afterAll(async () => {
  await client.close();
  await stub.close();
});

const PATH = '/p1/companies/42/conversations/1';

describe('PactApiError', () => {
  it.each([
    [400, 'Pact rejected the request as malformed (400 Bad Request)'],
    [401, 'Pact refused the API token (401 Unauthorized)'],
    [
      402,
      "the company's paywall is on (402 Payment Required); pay for the company in Pact before making API requests",
    ],
    [403, 'this endpoint is not available to your account (403 Forbidden)'],
    [404, 'not found (404)'],
    [405, '405 Method Not Allowed'],
    [406, 'Pact answers JSON only (406 Not Acceptable)'],
    [410, 'the resource was removed from Pact (410 Gone)'],
    [418, "418 I'm a teapot"],
    [429, 'rate limited by Pact (429 Too Many Requests)'],
    [500, 'Pact had an internal error (500)'],
    [502, 'Pact is temporarily offline for maintenance (502 Bad Gateway)'],
    [503, 'Pact is temporarily offline for maintenance (503 Service Unavailable)'],
  ])('%i says what it means and carries status, method, path and body', async (status, advice) => {
    const body = { status: 'errored', message: `problem ${status}` };
    stub.route('GET', PATH, { status, body });
    const error = (await client.conversations.get(1).catch((e: unknown) => e)) as PactApiError;
    expect(error).toBeInstanceOf(PactApiError);
    expect(error.message).toContain(`GET ${PATH} failed: `);
    expect(error.message).toContain(advice);
    expect(error.message).toContain(`Pact said: problem ${status}`);
    expect(error).toMatchObject({ status, method: 'GET', path: PATH, body });
  });

  it('treats a 200 whose body says "status": "errored" as an error', async () => {
    stub.route('GET', PATH, {
      status: 200,
      body: { status: 'errored', errors: { phone: ['is invalid'] } },
    });
    const error = (await client.conversations.get(1).catch((e: unknown) => e)) as PactApiError;
    expect(error).toBeInstanceOf(PactApiError);
    expect(error.status).toBe(200);
    expect(error.message).toContain('Pact answered 200 but reported the request as errored');
    expect(error.message).toContain('{"phone":["is invalid"]}');
  });

  it('keeps a non-JSON error body as text', async () => {
    stub.route('GET', PATH, { status: 502, body: '<html>Bad gateway</html>' });
    const error = (await client.conversations.get(1).catch((e: unknown) => e)) as PactApiError;
    expect(error.body).toBe('<html>Bad gateway</html>');
  });
});

describe('the token never leaks', () => {
  it('is absent from the message, the JSON and the inspection of every error, even when Pact echoes it', async () => {
    stub.route('GET', PATH, {
      status: 401,
      body: { status: 'errored', message: `token ${TOKEN} is not valid` },
    });
    const apiError = (await client.conversations.get(1).catch((e: unknown) => e)) as PactApiError;
    const refused = new PactClient({
      token: TOKEN,
      companyId: 42,
      apiUrl: 'http://127.0.0.1:1',
      retry: { maxAttempts: 1 },
    });
    const networkError = (await refused.conversations
      .get(1)
      .catch((e: unknown) => e)) as PactNetworkError;
    await refused.close();
    expect(networkError).toBeInstanceOf(PactNetworkError);
    for (const error of [apiError, networkError]) {
      expect(error.message).not.toContain(TOKEN);
      expect(JSON.stringify(error)).not.toContain(TOKEN);
      expect(inspect(error, { depth: 10 })).not.toContain(TOKEN);
    }
    expect(JSON.stringify(apiError)).toContain('[redacted]');
    expect(inspect(client, { depth: 10 })).not.toContain(TOKEN);
  });
});
