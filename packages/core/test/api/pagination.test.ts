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

const conversation = (id: number) => ({
  external_id: id,
  name: `c${id}`,
  channel_id: 1,
  channel_type: 'whatsapp',
  created_at: '2017-11-11 12:45:53 UTC',
  sender_external_id: `7925000000${id}`,
});

describe('iterate', () => {
  it('walks three pages by their next_page tokens and stops at the last', async () => {
    stub.route('GET', '/p1/companies/42/conversations', (req) => {
      const from = req.query.get('from');
      if (!from)
        return {
          body: {
            status: 'ok',
            data: { conversations: [conversation(1), conversation(2)], next_page: 'p2' },
          },
        };
      if (from === 'p2')
        return {
          body: {
            status: 'ok',
            data: { conversations: [conversation(3), conversation(4)], next_page: 'p3' },
          },
        };
      return { body: { status: 'ok', data: { conversations: [conversation(5)] } } };
    });
    const ids: number[] = [];
    for await (const c of client.conversations.iterate({ per: 2 })) ids.push(c.external_id);
    expect(ids).toEqual([1, 2, 3, 4, 5]);
    expect(stub.requests.map((r) => r.query.get('from'))).toEqual([null, 'p2', 'p3']);
    expect(stub.requests.every((r) => r.query.get('per') === '2')).toBe(true);
  });

  it('stops when Pact keeps handing out tokens but the page is empty', async () => {
    stub.route('GET', '/p1/companies/42/channels', (req) =>
      req.query.get('from')
        ? { body: { status: 'ok', data: { channels: [], next_page: 'again' } } }
        : {
            body: {
              status: 'ok',
              data: { channels: [{ external_id: 1, provider: 'telegram' }], next_page: 'next' },
            },
          },
    );
    const all = [];
    for await (const channel of client.channels.iterate()) all.push(channel);
    expect(all).toHaveLength(1);
    expect(stub.requests).toHaveLength(2);
  });
});

describe('paging parameters are checked before any request', () => {
  it.each([
    [{ per: 0 }, 'per must be an integer from 1 to 100, got 0'],
    [{ per: 101 }, 'per must be an integer from 1 to 100, got 101'],
    [{ per: 2.5 }, 'per must be an integer from 1 to 100, got 2.5'],
    [{ sort_direction: 'up' }, 'sort_direction must be one of "asc", "desc", got "up"'],
    [{ from: 'x'.repeat(256) }, 'from must be at most 255 characters, got 256'],
  ])('%o', async (params, message) => {
    await expect(client.companies.list(params as never)).rejects.toThrow(
      new PactArgumentError(message),
    );
    await expect(client.messages.iterate(1, params as never).next()).rejects.toThrow(message);
    expect(stub.requests).toHaveLength(0);
  });
});
