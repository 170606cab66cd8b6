import net from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  LocalRateLimiter,
  PactApiError,
  PactClient,
  PactNetworkError,
  PactTimeoutError,
  type RetryEvent,
} from '@pactbot/core';
import { reference } from '../fixtures/reference-responses.js';
import { startPactStub, type PactStub } from '@pactbot/testkit/support/pact-stub';

let stub: PactStub;
const clients: PactClient[] = [];

function makeClient(
  options: Partial<ConstructorParameters<typeof PactClient>[0]> = {},
): PactClient {
  const client = new PactClient({
    token: 'tok',
    companyId: 42,
    apiUrl: stub.url,
    rateLimit: false,
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    ...options,
  });
  clients.push(client);
  return client;
}

const SEND = '/p1/companies/42/conversations/1/messages';
const GET_CONVERSATION = '/p1/companies/42/conversations/1';

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

describe('retries', () => {
  it('waits out 429 with Retry-After, then succeeds, reporting the retry', async () => {
    stub.route('POST', SEND, [
      {
        status: 429,
        headers: { 'retry-after': '1' },
        body: { status: 'errored', message: 'Too many requests' },
      },
      { body: reference.messageSent },
    ]);
    const client = makeClient();
    const retries: RetryEvent[] = [];
    client.events.on('retry', (e) => retries.push(e));
    const job = await client.messages.send(1, { message: 'hi' });
    expect(job.id).toBe(18);
    const [first, second] = stub.calls('POST', SEND);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1000);
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ method: 'POST', path: SEND, attempt: 1 });
    expect(retries[0]!.delayMs).toBeGreaterThanOrEqual(1000);
    expect((retries[0]!.error as PactApiError).status).toBe(429);
  });

  it('reads the wait from "Please wait for N seconds" when there is no Retry-After', async () => {
    stub.route('POST', SEND, [
      { status: 429, body: { status: 'errored', message: 'Please wait for 1 seconds' } },
      { body: reference.messageSent },
    ]);
    const client = makeClient();
    const retries: RetryEvent[] = [];
    client.events.on('retry', (e) => retries.push(e));
    await client.messages.send(1, { message: 'hi' });
    expect(retries[0]!.delayMs).toBeGreaterThanOrEqual(1000);
  });

  it('holds the whole company back while Pact says 429, not only the call that got it', async () => {
    stub.route('POST', SEND, [
      { status: 429, headers: { 'retry-after': '1' } },
      { body: reference.messageSent },
    ]);
    const client = makeClient({ rateLimit: { sends: 100, perMs: 1000 } });
    await client.messages.send(1, { message: 'first' });
    const firstAt = stub.requests[0]!.at;
    await client.messages.send(1, { message: 'second' });
    expect(stub.requests.map((r) => (r.json as { message: string }).message)).toEqual([
      'first',
      'first',
      'second',
    ]);
    expect(stub.requests[2]!.at - firstAt).toBeGreaterThanOrEqual(1000);
  });

  it('repeats a GET after a 500', async () => {
    stub.route('GET', GET_CONVERSATION, [
      { status: 500, body: 'oops' },
      { body: reference.conversation },
    ]);
    const conversation = await makeClient().conversations.get(1);
    expect(conversation.external_id).toBe(1);
    expect(stub.calls('GET', GET_CONVERSATION)).toHaveLength(2);
  });

  it('repeats a PUT after a dropped connection', async () => {
    stub.route('PUT', '/p1/companies/42/conversations/1/note', [
      { reset: true },
      { body: reference.noteUpdated },
    ]);
    await makeClient().conversations.note(1, 'n');
    expect(stub.requests).toHaveLength(2);
  });

  it.each([502, 503])(
    'repeats a send after %i, which Pact cannot have accepted',
    async (status) => {
      stub.route('POST', SEND, [{ status }, { body: reference.messageSent }]);
      await makeClient().messages.send(1, { message: 'hi' });
      expect(stub.calls('POST', SEND)).toHaveLength(2);
    },
  );

  it.each([500, 504])(
    'does not repeat a send after %i, which Pact may have accepted',
    async (status) => {
      stub.route('POST', SEND, { status });
      const error = await makeClient()
        .messages.send(1, { message: 'hi' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PactApiError);
      expect((error as PactApiError).status).toBe(status);
      expect(stub.calls('POST', SEND)).toHaveLength(1);
    },
  );

  it('does not repeat a send whose connection broke after it was written', async () => {
    stub.route('POST', SEND, { reset: true });
    const error = await makeClient()
      .messages.send(1, { message: 'hi' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PactNetworkError);
    expect((error as PactNetworkError).requestSent).toBe(true);
    expect(stub.calls('POST', SEND)).toHaveLength(1);
  });

  it('never repeats a POST that timed out once sent', async () => {
    stub.route('POST', SEND, { hang: true });
    const client = makeClient({ timeoutMs: 200 });
    const retries: RetryEvent[] = [];
    client.events.on('retry', (e) => retries.push(e));
    const error = await client.messages.send(1, { message: 'hi' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PactTimeoutError);
    expect((error as Error).message).toBe(`POST ${SEND} failed: Pact did not answer within 200 ms`);
    expect(stub.calls('POST', SEND)).toHaveLength(1);
    expect(retries).toHaveLength(0);
  });

  it('repeats a GET that timed out', async () => {
    stub.route('GET', GET_CONVERSATION, [{ hang: true }, { body: reference.conversation }]);
    await makeClient({ timeoutMs: 200 }).conversations.get(1);
    expect(stub.calls('GET', GET_CONVERSATION)).toHaveLength(2);
  });

  it('repeats a send when the connection was refused, since nothing reached Pact', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    await new Promise((r) => blocker.close(r));
    const client = makeClient({
      apiUrl: `http://127.0.0.1:${port}`,
      retry: { maxAttempts: 3, baseDelayMs: 5 },
    });
    const retries: RetryEvent[] = [];
    client.events.on('retry', (e) => retries.push(e));
    const error = await client.messages.send(1, { message: 'hi' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PactNetworkError);
    expect((error as PactNetworkError).code).toBe('ECONNREFUSED');
    expect((error as PactNetworkError).requestSent).toBe(false);
    expect((error as Error).message).toBe(
      `POST ${SEND} failed after 3 attempts: could not connect to Pact (ECONNREFUSED)`,
    );
    expect(retries.map((r) => r.attempt)).toEqual([1, 2]);
  });

  it('gives up after maxAttempts and says how many were made', async () => {
    stub.route('GET', GET_CONVERSATION, { status: 503 });
    const error = await makeClient({ retry: { maxAttempts: 4, baseDelayMs: 1 } })
      .conversations.get(1)
      .catch((e: unknown) => e);
    expect(stub.calls('GET', GET_CONVERSATION)).toHaveLength(4);
    expect((error as PactApiError).attempts).toBe(4);
    expect((error as Error).message).toContain('failed after 4 attempts');
  });

  it('gives up when the next wait would pass the deadline', async () => {
    stub.route('GET', GET_CONVERSATION, { status: 429, headers: { 'retry-after': '30' } });
    const startedAt = Date.now();
    const error = await makeClient({ retry: { deadlineMs: 5_000 } })
      .conversations.get(1)
      .catch((e: unknown) => e);
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    expect((error as PactApiError).retryAfterSeconds).toBe(30);
    expect((error as Error).message).toContain('retry after 30 s');
    expect(stub.requests).toHaveLength(1);
  });
});

describe('rate limit', () => {
  it('grants at most `sends` per window of each company', async () => {
    stub.route('POST', SEND, { body: reference.messageSent });
    const limiter = new LocalRateLimiter({ sends: 3, perMs: 500 });
    const grants: number[] = [];
    const acquire = limiter.acquire.bind(limiter);
    limiter.acquire = async (key, signal) => {
      await acquire(key, signal);
      grants.push(performance.now());
    };
    const client = makeClient({ rateLimiter: limiter });
    const startedAt = performance.now();
    await Promise.all(
      Array.from({ length: 7 }, (_, i) => client.messages.send(1, { message: `m${i}` })),
    );
    expect(stub.requests).toHaveLength(7);
    // No window of 500 ms holds a 4th grant; seven grants take at least two windows.
    for (let i = 3; i < grants.length; i++)
      expect(grants[i]! - grants[i - 3]!).toBeGreaterThanOrEqual(490);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(999);
  });

  it('does not spend the sending budget on reads', async () => {
    stub.route('GET', GET_CONVERSATION, { body: reference.conversation });
    const client = makeClient({ rateLimit: { sends: 1, perMs: 60_000 } });
    await Promise.all(Array.from({ length: 5 }, () => client.conversations.get(1)));
    expect(stub.requests).toHaveLength(5);
  });
});
