import { afterEach, beforeAll, afterAll, beforeEach, describe, expect, it } from 'vitest';
import { PactApiError, PactClient, type PactErrorEntry, type RateLimiter } from '@pactbot/core';
import { startPactStub, type PactStub } from '@pactbot/testkit/support/pact-stub';
import { referenceV2 as ref } from '@pactbot/testkit/support/reference-v2';

let stub: PactStub;
const clients: PactClient[] = [];

function makeClient(options: Partial<ConstructorParameters<typeof PactClient>[0]> = {}) {
  const client = new PactClient({
    token: 'tok-secret-v2',
    companyId: 42,
    apiUrl: stub.url,
    rateLimit: false,
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    ...options,
  });
  clients.push(client);
  return client;
}

beforeAll(async () => {
  stub = await startPactStub();
});
afterAll(async () => {
  await stub.close();
});
beforeEach(() => {
  stub.requests.length = 0;
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

const GET = '/api/p2/conversations/1';
const SEND = '/api/p2/conversations/1/messages';

async function failure(call: Promise<unknown>): Promise<PactApiError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PactApiError);
  return error as PactApiError;
}

describe('the v2 error envelope', () => {
  it('becomes a PactApiError carrying its entries, with title and detail in the message', async () => {
    stub.route('GET', GET, { status: 401, body: ref.unauthorized });
    const error = await failure(makeClient({ retry: { maxAttempts: 1 } }).v2.conversations.get(1));
    expect(error).toMatchObject({ status: 401, method: 'GET', path: `${GET}?company_id=42` });
    expect(error.errors).toEqual<PactErrorEntry[]>([
      { status: 401, code: 'unauthorized', title: 'Unauthorized', detail: 'No token provided' },
    ]);
    expect(error.message).toBe(
      `GET ${GET}?company_id=42 failed: Pact refused the API token (401 Unauthorized); check the token from your Pact account settings — Pact said: Unauthorized: No token provided`,
    );
    expect(error.toJSON().errors).toEqual(error.errors);
  });

  it('joins several entries, reads a status written as digits, and keeps only typed fields', async () => {
    stub.route('GET', GET, {
      status: 422,
      body: {
        errors: [
          { status: '422', code: 'invalid', title: 'Invalid', detail: 'url is taken' },
          { title: 'Blank', detail: 7 },
        ],
      },
    });
    const error = await failure(makeClient().v2.conversations.get(1));
    expect(error.errors).toEqual([
      { status: 422, code: 'invalid', title: 'Invalid', detail: 'url is taken' },
      { title: 'Blank' },
    ]);
    expect(error.message).toContain('Pact said: Invalid: url is taken; Blank');
  });

  it('is an error even with a 2xx status', async () => {
    stub.route('GET', GET, { status: 200, body: ref.unauthorized });
    const error = await failure(makeClient({ retry: { maxAttempts: 1 } }).v2.conversations.get(1));
    expect(error.status).toBe(200);
    expect(error.errors[0]?.code).toBe('unauthorized');
  });

  it('is empty for v1 bodies', async () => {
    stub.route('GET', '/p1/companies/42/conversations/1', {
      status: 404,
      body: { status: 'errored', message: 'not found' },
    });
    const error = await failure(makeClient().conversations.get(1));
    expect(error.errors).toEqual([]);
  });
});

describe('429 with "Please wait for N seconds" in detail', () => {
  it('reads the wait as retryAfterSeconds and says so', async () => {
    stub.route('GET', GET, { status: 429, body: ref.tooManyRequests });
    const startedAt = Date.now();
    const error = await failure(
      makeClient({ retry: { deadlineMs: 5_000 } }).v2.conversations.get(1),
    );
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    expect(error.retryAfterSeconds).toBe(50);
    expect(error.message).toContain(
      'rate limited by Pact (429 Too Many Requests); retry after 50 s',
    );
    expect(error.message).toContain('Too many requests error: Please wait for 50 seconds');
    // 50 s would pass the 5 s deadline: no second attempt.
    expect(stub.requests).toHaveLength(1);
  });

  it('waits that long, pauses the budget of that endpoint class, then sends once more', async () => {
    const wait = {
      errors: [
        {
          status: 429,
          code: 'too_many_requests',
          title: 'Too many',
          detail: 'Please wait for 1 seconds',
        },
      ],
    };
    stub.route('POST', SEND, [{ status: 429, body: wait }, { body: ref.messageSent }]);
    const paused: Array<[string, number]> = [];
    const limiter: RateLimiter = {
      acquire: () => Promise.resolve(),
      pause: (key, ms) => void paused.push([key, ms]),
    };
    const message = await makeClient({ rateLimiter: limiter }).v2.messages.send(1, { text: 'hi' });
    expect(message.id).toBe(123);
    const [first, second] = stub.calls('POST', SEND);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1000);
    expect(paused).toHaveLength(1);
    expect(paused[0]![0]).toBe('company:42:v2-send');
    expect(paused[0]![1]).toBeGreaterThanOrEqual(1000);
  });
});

describe('v2 retries follow v1 rules', () => {
  it.each([500, 504])(
    'never resends a message after %i, which Pact may have accepted',
    async (status) => {
      stub.route('POST', SEND, { status, body: { errors: [{ title: 'Oops' }] } });
      await failure(makeClient().v2.messages.send(1, { text: 'hi' }));
      expect(stub.calls('POST', SEND)).toHaveLength(1);
    },
  );

  it('resends a first message after 503, which Pact cannot have accepted', async () => {
    stub.route('POST', '/api/p2/messages', [{ status: 503 }, { body: ref.firstMessageSent }]);
    await makeClient().v2.messages.writeFirst({
      provider: 'whatsapp',
      phone: '79000000000',
      text: 'x',
    });
    expect(stub.calls('POST', '/api/p2/messages')).toHaveLength(2);
  });

  it('repeats a read after 500', async () => {
    stub.route('GET', GET, [{ status: 500 }, { body: ref.conversationGet }]);
    await makeClient().v2.conversations.get(1);
    expect(stub.calls('GET', GET)).toHaveLength(2);
  });
});

describe('a v2 2xx answer without what its endpoint promises', () => {
  it.each([
    ['an empty body', { status: 200 }],
    ['an HTML page', { status: 200, body: '<html>ok</html>' }],
    ['an empty object', { body: {} }],
    ['a message without its id', { body: { message: { text: 'hi' } } }],
  ])('fails a send on %s, naming the endpoint, without resending', async (_what, reply) => {
    stub.route('POST', SEND, reply);
    const error = await failure(makeClient().v2.messages.send(1, { text: 'hi' }));
    expect(error.problem).toMatch(/^the answer to v2\.messages\.send has no (JSON object|message)/);
    expect(stub.calls('POST', SEND)).toHaveLength(1);
  });

  it('fails a list whose items are missing, rather than reading no items', async () => {
    stub.route('GET', '/api/p2/conversations', { body: { meta: ref.conversationsList.meta } });
    const error = await failure(makeClient().v2.conversations.list());
    expect(error.problem).toBe(
      'the answer to v2.conversations.list has no conversations list; got a JSON object with meta',
    );
  });

  it('fails a list holding an item without its id', async () => {
    stub.route('GET', '/api/p2/companies/42/webhooks', { body: { webhooks: [{ url: 'u' }] } });
    const error = await failure(makeClient().v2.webhooks.list());
    expect(error.problem).toContain('has no webhooks[0].id');
  });

  it('fails an upload answered without the attachment', async () => {
    stub.route('POST', '/api/p2/attachments/', { body: { status: 'ok' } });
    const error = await failure(
      makeClient().v2.attachments.upload({ file_url: 'https://example.com/a.png' }),
    );
    expect(error.problem).toBe(
      'the answer to v2.attachments.upload has no attachment object; got a JSON object with status',
    );
  });

  it('fails an auth create answered without an auth', async () => {
    stub.route('POST', '/api/p2/companies/42/auths', { body: { qr: 'data:image/png;base64,' } });
    const error = await failure(makeClient().v2.auths.create({ provider: 'whatsapp' }));
    expect(error.problem).toContain('the answer to v2.auths.create has no auth object');
  });
});
