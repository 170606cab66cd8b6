import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PactClient } from '@pactbot/core';
import { startPactStub, type PactStub } from '@pactbot/testkit/support/pact-stub';
import { referenceV2 as ref } from '@pactbot/testkit/support/reference-v2';

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

const conversation = (id: number) => ({ ...ref.conversationObject.conversation, id });
const LIST = '/api/p2/conversations';

function pageOf(ids: number[], page: number, perPage: number) {
  return {
    conversations: ids.map(conversation),
    meta: { page, entries_count: ids.length, per_page: perPage },
  };
}

describe('v2 numbered pages', () => {
  it('walks three pages: full pages lead on, a short one ends the walk', async () => {
    stub.route('GET', LIST, (req) => {
      const page = Number(req.query.get('page'));
      const ids = { 1: [1, 2], 2: [3, 4], 3: [5] }[page] ?? [];
      return { body: pageOf(ids, page, 2) };
    });
    const ids: number[] = [];
    for await (const c of client.v2.conversations.iterate({ per_page: 2, search_string: 'x' }))
      ids.push(c.id);
    expect(ids).toEqual([1, 2, 3, 4, 5]);
    expect(stub.requests.map((r) => r.query.get('page'))).toEqual(['1', '2', '3']);
    expect(stub.requests.every((r) => r.query.get('per_page') === '2')).toBe(true);
    expect(stub.requests.every((r) => r.query.get('search_string') === 'x')).toBe(true);
  });

  it('offers the next page exactly when entries_count reaches per_page', async () => {
    stub.route('GET', LIST, [
      { body: pageOf([1, 2], 4, 2) },
      { body: pageOf([1], 5, 2) },
      { body: { conversations: [], meta: { page: 6, entries_count: 2, per_page: 2 } } },
    ]);
    expect((await client.v2.conversations.list({ page: 4, per_page: 2 })).nextPage).toBe(5);
    expect((await client.v2.conversations.list({ page: 5, per_page: 2 })).nextPage).toBeUndefined();
    // A page that claims to be full but holds nothing ends the walk as well.
    expect((await client.v2.conversations.list({ page: 6, per_page: 2 })).nextPage).toBeUndefined();
  });

  it("trusts meta's page size over the one asked for, as the template example shows", async () => {
    stub.route('GET', '/api/p2/waba_templates', { body: ref.wabaTemplatesList });
    const page = await client.v2.wabaTemplates.list({ per_page: 50 });
    expect(page.meta?.per_page).toBe(25);
    expect(page.nextPage).toBeUndefined();
  });

  it('without meta, uses the size asked for, and takes a page of unknown size as the last', async () => {
    stub.route('GET', '/api/p2/companies/42/auths', {
      body: { auths: [{ ...ref.authObject.auth }, { ...ref.authObject.auth, id: 2 }] },
    });
    const asked = await client.v2.auths.list({ page: 3, per_page: 2 });
    expect(asked).toMatchObject({ page: 3, nextPage: 4, meta: undefined });
    expect((await client.v2.auths.list()).nextPage).toBeUndefined();
  });

  it('ends a walk when Pact answers an earlier page than it was asked for', async () => {
    stub.route('GET', LIST, { body: pageOf([1, 2], 1, 2) });
    const ids: number[] = [];
    for await (const c of client.v2.conversations.iterate({ per_page: 2 })) ids.push(c.id);
    expect(ids).toEqual([1, 2]);
    expect(stub.requests).toHaveLength(2);
  });

  it('ends a walk when Pact, without meta, hands back the same page again', async () => {
    stub.route('GET', '/api/p2/companies/42/webhooks', {
      body: { webhooks: [{ id: 1, url: 'https://a.example/', active: true }] },
    });
    const all = [];
    for await (const w of client.v2.webhooks.iterate({ per_page: 1 })) all.push(w);
    expect(all).toHaveLength(1);
    expect(stub.requests).toHaveLength(2);
  });
});
