import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Sandbox } from '../src/index.js';
import { startTestBot } from '../src/index.js';
import { v2Reference as reference } from './fixtures/v2-reference.js';
import { closeAfterTest, expectShapeOf, startSandbox, type Answer } from './helpers.js';
import { v2 } from './v2-helpers.js';

afterEach(() => {
  vi.useRealTimers();
});

/** Only `Date` is faked: the sandbox's clock moves when told, its server and timers run as ever. */
function freezeClock(): void {
  vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-06-17T10:00:00.000Z') });
}

async function times(count: number, call: () => Promise<Answer>): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) statuses.push((await call()).status);
  return statuses;
}

function detailOf(answer: Answer): string {
  return (answer.body.errors as Array<{ detail: string }>)[0]!.detail;
}

function sender(sandbox: Sandbox) {
  const customer = sandbox.newCustomer();
  return () =>
    v2(sandbox, 'POST', `/conversations/${customer.conversationId}/messages`, {
      json: { company_id: 1, text: 'hi' },
    });
}

describe("Pact's v2 rate limits", () => {
  it('take 5 sends a second: the sixth is 429, "Please wait for 1 seconds", and the next second takes more', async () => {
    freezeClock();
    const sandbox = await startSandbox({ apiVersion: 2 });
    const send = sender(sandbox);
    expect(await times(5, send)).toEqual([200, 200, 200, 200, 200]);
    const refused = await send();
    expect(refused.status).toBe(429);
    expectShapeOf(refused.body, reference.error429);
    expect(refused.body).toEqual({
      errors: [
        {
          status: 429,
          code: 'too_many_requests',
          title: 'Too many requests error',
          detail: 'Please wait for 1 seconds',
        },
      ],
    });
    expect(refused.headers.get('retry-after')).toBeNull();
    vi.setSystemTime(Date.now() + 1000);
    expect((await send()).status).toBe(200);
  });

  it('take 30 sends a minute, and say how long to wait for the oldest to leave the window', async () => {
    freezeClock();
    const sandbox = await startSandbox({ apiVersion: 2 });
    const send = sender(sandbox);
    for (let second = 0; second < 6; second++) {
      expect(await times(5, send)).toEqual([200, 200, 200, 200, 200]);
      vi.setSystemTime(Date.now() + 1000);
    }
    const refused = await send();
    expect(refused.status).toBe(429);
    expect(detailOf(refused)).toBe('Please wait for 54 seconds');
    vi.setSystemTime(Date.now() + 54_000);
    expect((await send()).status).toBe(200);
  });

  it('count each endpoint on its own: conversation reads 10 a minute, message and template reads 20, uploads 5 a second', async () => {
    freezeClock();
    const sandbox = await startSandbox({ apiVersion: 2 });
    const customer = sandbox.newCustomer();
    const list = () => v2(sandbox, 'GET', '/conversations', { query: { company_id: 1 } });
    const one = () =>
      v2(sandbox, 'GET', `/conversations/${customer.conversationId}`, { query: { company_id: 1 } });
    const messages = () =>
      v2(sandbox, 'GET', `/conversations/${customer.conversationId}/messages`, {
        query: { company_id: 1 },
      });
    const templates = () => v2(sandbox, 'GET', '/waba_templates');
    const upload = () =>
      v2(sandbox, 'POST', '/attachments/', {
        json: { company_id: 1, file_url: 'https://example.com/a.png' },
      });
    expect(await times(11, list)).toEqual([...Array<number>(10).fill(200), 429]);
    expect(detailOf(await list())).toBe('Please wait for 60 seconds');
    expect((await one()).status).toBe(200);
    expect(await times(21, messages)).toEqual([...Array<number>(20).fill(200), 429]);
    expect(await times(21, templates)).toEqual([...Array<number>(20).fill(200), 429]);
    expect(await times(6, upload)).toEqual([200, 200, 200, 200, 200, 429]);
    const unlimited = await times(12, () => v2(sandbox, 'GET', '/companies/1/webhooks'));
    expect(unlimited.every((status) => status === 200)).toBe(true);
  });

  it('are off with rateLimits: false, and off by default in startTestBot', async () => {
    const sandbox = await startSandbox({ apiVersion: 2, rateLimits: false });
    expect((await times(8, sender(sandbox))).every((status) => status === 200)).toBe(true);
    const tester = closeAfterTest(await startTestBot(undefined, { apiVersion: 2 }));
    expect((await times(8, sender(tester.sandbox))).every((status) => status === 200)).toBe(true);
  });

  it('answer the rateLimited fault in the same v2 form, with the configured wait', async () => {
    const sandbox = await startSandbox({
      apiVersion: 2,
      faults: { rateLimited: 1, retryAfterSeconds: 7 },
    });
    const answer = await v2(sandbox, 'GET', '/conversations', { query: { company_id: 1 } });
    expect(answer.status).toBe(429);
    expect(detailOf(answer)).toBe('Please wait for 7 seconds');
    sandbox.setFaults({ rateLimited: 0, serverErrors: 1 });
    const failed = await v2(sandbox, 'GET', '/conversations', { query: { company_id: 1 } });
    expect([500, 502, 503]).toContain(failed.status);
    expect((failed.body.errors as Array<{ status: number }>)[0]!.status).toBe(failed.status);
  });
});
