import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  MAX_COMPANY_WEBHOOKS,
  PactApiError,
  PactArgumentError,
  PactClient,
  type V2Webhook,
} from '@pactbot/core';
import {
  startPactStub,
  type PactStub,
  type RecordedRequest,
} from '@pactbot/testkit/support/pact-stub';

const BASE = '/api/p2/companies/42/webhooks';
let stub: PactStub;
let client: PactClient;
/** The webhooks the stand-in keeps, as Pact would. */
let webhooks: V2Webhook[];
/** What the bot's endpoint answers Pact's test POST with. */
let receiverStatus: number;
const testBodies: unknown[] = [];
let receiver: http.Server;
let receiverUrl: string;

/**
 * Pact's rules from the reference: a new webhook is inactive, at most 5 per company, and
 * activating one first POSTs `{"source":"pact.im","operation":"test"}` to its URL, which must
 * answer 200.
 */
function routeWebhooks(perPage = 25): void {
  stub.route('GET', BASE, (req) => {
    const page = Number(req.query.get('page') ?? 1);
    const per = Number(req.query.get('per_page') ?? perPage);
    const slice = webhooks.slice((page - 1) * per, page * per);
    return {
      body: { webhooks: slice, meta: { page, entries_count: slice.length, per_page: per } },
    };
  });
  stub.route('POST', BASE, (req) => {
    if (webhooks.length >= 5) {
      return { status: 422, body: { errors: [{ title: 'Invalid', detail: 'limit reached' }] } };
    }
    const webhook = {
      id: webhooks.length + 1,
      url: (req.json as { url: string }).url,
      active: false,
    };
    webhooks.push(webhook);
    return { body: { webhook } };
  });
  stub.route('PUT', /^\/api\/p2\/companies\/42\/webhooks\/\d+$/, async (req: RecordedRequest) => {
    const webhook = webhooks.find((w) => `${BASE}/${w.id}` === req.path)!;
    const { active } = req.json as { active?: boolean };
    if (active) {
      const answer = await fetch(webhook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ source: 'pact.im', operation: 'test' }),
      });
      if (answer.status !== 200) {
        return {
          status: 422,
          body: {
            errors: [
              { status: 422, title: 'Invalid', detail: `URL test answered ${answer.status}` },
            ],
          },
        };
      }
      webhook.active = true;
    }
    return { body: { webhook } };
  });
}

beforeAll(async () => {
  stub = await startPactStub();
  client = new PactClient({ token: 'tok', companyId: 42, apiUrl: stub.url, rateLimit: false });
  receiver = http.createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      testBodies.push(JSON.parse(text));
      res.writeHead(receiverStatus).end();
    });
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/pact?secret=s3cr3t`;
});
afterAll(async () => {
  await client.close();
  await stub.close();
  receiver.closeAllConnections();
  receiver.close();
});
beforeEach(() => {
  stub.requests.length = 0;
  testBodies.length = 0;
  webhooks = [];
  receiverStatus = 200;
  routeWebhooks();
});

function methods(): string[] {
  return stub.requests.map((r) => r.method);
}

describe('v2.webhooks.ensure', () => {
  it('creates a webhook for a new URL and activates it, which Pact tests with its test POST', async () => {
    const webhook = await client.v2.webhooks.ensure(receiverUrl);
    expect(webhook).toEqual({ id: 1, url: receiverUrl, active: true });
    expect(methods()).toEqual(['GET', 'POST', 'PUT']);
    expect(stub.requests[1]!.json).toEqual({ url: receiverUrl });
    expect(stub.requests[2]!.json).toEqual({ active: true });
    expect(testBodies).toEqual([{ source: 'pact.im', operation: 'test' }]);
  });

  it('finds an active webhook with that URL and changes nothing', async () => {
    webhooks = [
      { id: 1, url: 'https://other.example/hook', active: true },
      { id: 2, url: receiverUrl, active: true },
    ];
    expect(await client.v2.webhooks.ensure(receiverUrl)).toEqual(webhooks[1]);
    expect(methods()).toEqual(['GET']);
  });

  it('activates a webhook with that URL that was left inactive, found on a later page', async () => {
    routeWebhooks(2);
    webhooks = [
      { id: 1, url: 'https://a.example/', active: true },
      { id: 2, url: 'https://b.example/', active: false },
      { id: 3, url: receiverUrl, active: false },
    ];
    const webhook = await client.v2.webhooks.ensure(receiverUrl);
    expect(webhook).toMatchObject({ id: 3, active: true });
    expect(methods()).toEqual(['GET', 'GET', 'PUT']);
    expect(stub.requests[2]!.path).toBe(`${BASE}/3`);
  });

  it('matches URLs by address, not by spelling', async () => {
    webhooks = [{ id: 4, url: 'HTTPS://Bot.Example.com/pact?secret=x', active: true }];
    expect((await client.v2.webhooks.ensure('https://bot.example.com/pact?secret=x')).id).toBe(4);
  });

  it('refuses a sixth webhook, naming the limit and what to do, and changes nothing', async () => {
    webhooks = Array.from({ length: MAX_COMPANY_WEBHOOKS }, (_, i) => ({
      id: i + 1,
      url: `https://hook${i}.example/pact?secret=other-secret-${i}`,
      active: true,
    }));
    const error = (await client.v2.webhooks
      .ensure(receiverUrl)
      .catch((e: unknown) => e)) as PactArgumentError;
    expect(error).toBeInstanceOf(PactArgumentError);
    expect(error.code).toBe('PACTBOT_WEBHOOK_LIMIT');
    expect(error.message).toBe(
      'the company 42 already has 5 webhooks (the most Pact allows: 5) and none of them has this URL; delete one with client.v2.webhooks.delete(id) (their ids: 1, 2, 3, 4, 5) and call ensure again',
    );
    expect(error.message).not.toContain('secret');
    expect(methods()).toEqual(['GET']);
  });

  it("rejects with Pact's error when the URL test fails, and succeeds on a later call", async () => {
    receiverStatus = 503;
    const error = (await client.v2.webhooks
      .ensure(receiverUrl)
      .catch((e: unknown) => e)) as PactApiError;
    expect(error).toBeInstanceOf(PactApiError);
    expect(error.status).toBe(422);
    expect(error.errors[0]?.detail).toBe('URL test answered 503');
    expect(webhooks).toEqual([{ id: 1, url: receiverUrl, active: false }]);
    receiverStatus = 200;
    expect(await client.v2.webhooks.ensure(receiverUrl)).toEqual({
      id: 1,
      url: receiverUrl,
      active: true,
    });
    expect(webhooks).toHaveLength(1);
  });

  it('rejects when Pact leaves the webhook inactive, keeping the URL out of the error', async () => {
    stub.route('PUT', `${BASE}/1`, {
      body: { webhook: { id: 1, url: receiverUrl, active: false } },
    });
    webhooks = [{ id: 1, url: receiverUrl, active: false }];
    const error = (await client.v2.webhooks
      .ensure(receiverUrl)
      .catch((e: unknown) => e)) as PactApiError;
    expect(error).toBeInstanceOf(PactApiError);
    expect(error.problem).toContain('the webhook is still inactive after activation');
    expect(JSON.stringify(error)).not.toContain('s3cr3t');
  });
});
