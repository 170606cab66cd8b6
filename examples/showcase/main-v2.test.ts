import { afterEach, describe, expect, it } from 'vitest';
import { startPactStub, type PactStub } from '@pactbot/testkit/support/pact-stub';
import { acceptV2Sends, v2Incoming, v2Sends } from '@pactbot/testkit/support/v2-sends';
import { freePort, killDemos, startDemo } from './demo-process.js';

let stub: PactStub | undefined;

afterEach(async () => {
  await killDemos();
  await stub?.close();
  stub = undefined;
});

/**
 * A stand-in of Pact's v2 company webhooks: none at first; a created one starts inactive, and
 * activating it POSTs Pact's test body to its URL, which must answer 200.
 */
function serveV2Webhooks(pact: PactStub, probes: number[]): void {
  const base = '/api/p2/companies/1/webhooks';
  let url = '';
  pact.route('GET', base, {
    body: { webhooks: [], meta: { page: 1, entries_count: 0, per_page: 25 } },
  });
  pact.route('POST', base, (req) => {
    url = (req.json as { url: string }).url;
    return { body: { webhook: { id: 5, url, active: false } } };
  });
  pact.route('PUT', `${base}/5`, async () => {
    const probe = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ source: 'pact.im', operation: 'test' }),
    });
    probes.push(probe.status);
    return probe.status === 200
      ? { body: { webhook: { id: 5, url, active: true } } }
      : { status: 422, body: { errors: [{ status: 422, detail: 'URL test failed' }] } };
  });
}

describe('the demo on a real Pact through API v2 (PACT_API_VERSION=2)', () => {
  it('registers its URL as an active v2 webhook and answers through v2 messages', async () => {
    stub = await startPactStub();
    const probes: number[] = [];
    serveV2Webhooks(stub, probes);
    acceptV2Sends(stub);
    const port = await freePort();
    const demo = startDemo({
      PACT_TOKEN: 'pact-token',
      PACT_COMPANY_ID: '1',
      PUBLIC_WEBHOOK_URL: `http://127.0.0.1:${port}/pact`,
      WEBHOOK_SECRET: 's3cr3t',
      PACT_API_URL: stub.url,
      PACT_API_VERSION: '2',
      PORT: String(port),
    });
    await demo.printed(/running on Pact for company 1 \(API v2\)/);
    expect(stub.calls('POST', '/api/p2/companies/1/webhooks')[0]?.json).toEqual({
      url: `http://127.0.0.1:${port}/pact?secret=s3cr3t`,
    });
    expect(stub.calls('PUT', '/api/p2/companies/1/webhooks/5')[0]?.json).toEqual({
      active: true,
    });
    expect(probes).toEqual([200]);
    // v1's webhook_url is left alone.
    expect(stub.requests.filter((r) => r.path.startsWith('/p1/'))).toEqual([]);

    const before = stub.requests.length;
    const answer = await fetch(`http://127.0.0.1:${port}/pact?secret=s3cr3t`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        v2Incoming({
          companyId: 1,
          conversationId: 456,
          provider: 'whatsapp_business',
          text: 'menu',
        }),
      ),
    });
    expect(answer.status).toBe(200);
    await stub.waitForRequests(before + 1);
    const [menu] = v2Sends(stub);
    expect(menu!.request.path).toBe('/api/p2/conversations/456/messages');
    // v2 has no interactive messages: the menu is numbered text, even on WhatsApp Business.
    expect(menu!.body.text).toMatch(/\n\n1\. 🍕 Order food\n2\. 📋 Take a survey\n3\. 📎 Files$/);
    expect(demo.stdout).not.toContain('s3cr3t');
    expect(await demo.stop()).toBe(0);
  });

  it('says what PACT_API_VERSION takes when it is neither 1 nor 2', async () => {
    const demo = startDemo({
      PACT_TOKEN: 'pact-token',
      PACT_COMPANY_ID: '1',
      PUBLIC_WEBHOOK_URL: 'http://127.0.0.1:9/pact',
      PACT_API_VERSION: 'v2',
    });
    expect(await demo.exited).toBe(1);
    expect(demo.stderr).toContain(
      'The showcase could not start: PACT_API_VERSION must be 1 or 2, got "v2"',
    );
  });
});
