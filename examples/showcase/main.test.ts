import { once } from 'node:events';
import net from 'node:net';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { Sandbox } from '@pactbot/sandbox';
import { freePort, killDemos, startDemo } from './demo-process.js';

const cleanups: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  await killDemos();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

interface PageState {
  conversations: Array<{
    id: number;
    name: string;
    messages: Array<{ from: string; text: string; buttons: string[] }>;
  }>;
}

describe('the demo (npm start)', () => {
  it('starts the sandbox, prints the chat page, and the showcase answers there', async () => {
    const demo = startDemo({ PORT: '0' });
    const [, url] = await demo.printed(/Chat with it: {2}(http:\/\/127\.0\.0\.1:\d+\/)/);
    expect(demo.stdout).toMatch(
      /Pact API: {6}http:\/\/127\.0\.0\.1:\d+ {2}\(token sandbox-token, company 1\)/,
    );
    const page = await fetch(url!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>pactbot sandbox</title>');

    const state = async () => (await (await fetch(`${url}sandbox/state`)).json()) as PageState;
    const [alex] = (await state()).conversations;
    expect(alex).toMatchObject({ name: 'Alex', messages: [] });
    await fetch(`${url}sandbox/conversations/${alex!.id}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'hi' }),
    });
    await expect
      .poll(async () => (await state()).conversations[0]!.messages.at(-1))
      .toMatchObject({ from: 'bot', buttons: ['🍕 Order food', '📋 Take a survey', '📎 Files'] });
    expect(await demo.stop()).toBe(0);
  });

  it('keeps its dialogs in Redis when REDIS_URL is set', async () => {
    const prefix = `pactbot-test:${randomUUID()}:`;
    const demo = startDemo({ PORT: '0', REDIS_URL: inject('redisUrl'), REDIS_PREFIX: prefix });
    const [, url] = await demo.printed(/Chat with it: {2}(http:\/\/127\.0\.0\.1:\d+\/)/);
    const [, keys] = await demo.printed(/Sessions: {6}Redis at [\w.]+:\d+ \(keys (\S+)…\)/);
    expect(keys).toMatch(new RegExp(`^${prefix}sandbox-\\w+:$`));
    const state = async () => (await (await fetch(`${url}sandbox/state`)).json()) as PageState;
    const [alex] = (await state()).conversations;
    const write = (text: string) =>
      fetch(`${url}sandbox/conversations/${alex!.id}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
      });
    await write('hi');
    await expect
      .poll(async () => (await state()).conversations[0]!.messages.at(-1)?.buttons)
      .toContain('📋 Take a survey');
    await write('📋 Take a survey');
    const redis = new Redis(inject('redisUrl'));
    cleanups.push(() => Promise.resolve(redis.disconnect()));
    // The survey is a dialog, kept beside the conversation's other keys under a name of its own.
    await expect.poll(() => redis.get(`${keys}{1:conversation:${alex!.id}}:dialog`)).not.toBeNull();
    expect(await demo.stop()).toBe(0);
  });

  it('answers a customer again after a restart on the same Redis', async () => {
    const prefix = `pactbot-test:${randomUUID()}:`;
    for (let run = 0; run < 2; run++) {
      const demo = startDemo({ PORT: '0', REDIS_URL: inject('redisUrl'), REDIS_PREFIX: prefix });
      const [, url] = await demo.printed(/Chat with it: {2}(http:\/\/127\.0\.0\.1:\d+\/)/);
      const state = async () => (await (await fetch(`${url}sandbox/state`)).json()) as PageState;
      // The sandbox starts empty each run: the same customer, conversation and message ids again.
      const [alex] = (await state()).conversations;
      await fetch(`${url}sandbox/conversations/${alex!.id}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'hi' }),
      });
      await expect
        .poll(async () => (await state()).conversations[0]!.messages.at(-1)?.buttons)
        .toContain('📋 Take a survey');
      expect(await demo.stop()).toBe(0);
    }
  });

  it('takes a free port when the one asked for is taken', async () => {
    const blocker = net.createServer().listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    cleanups.push(() => new Promise((resolve) => blocker.close(resolve)));
    const taken = (blocker.address() as net.AddressInfo).port;
    const demo = startDemo({ PORT: String(taken) });
    const [, port] = await demo.printed(/Chat with it: {2}http:\/\/127\.0\.0\.1:(\d+)\//);
    expect(Number(port)).not.toBe(taken);
    expect(demo.stdout).toContain(`(port ${taken} is taken, so the sandbox took a free one)`);
  });

  it('says what is missing when only some Pact settings are given', async () => {
    const demo = startDemo({ PACT_TOKEN: 'abc' });
    expect(await demo.exited).toBe(1);
    expect(demo.stderr).toContain(
      'The showcase could not start: to run on Pact, set PACT_TOKEN, PACT_COMPANY_ID and PUBLIC_WEBHOOK_URL (missing: PACT_COMPANY_ID, PUBLIC_WEBHOOK_URL); set none of them to use the sandbox',
    );
  });

  it('runs against a real Pact with PACT_TOKEN, PACT_COMPANY_ID and PUBLIC_WEBHOOK_URL', async () => {
    // A sandbox stands in for Pact here, talking to the demo over HTTP as Pact would.
    const pact = await Sandbox.start();
    cleanups.push(() => pact.close());
    const port = await freePort();
    const demo = startDemo({
      PACT_TOKEN: pact.token,
      PACT_COMPANY_ID: String(pact.companyId),
      PUBLIC_WEBHOOK_URL: `http://127.0.0.1:${port}/pact`,
      WEBHOOK_SECRET: 's3cr3t',
      PACT_API_URL: pact.apiUrl,
      PORT: String(port),
    });
    await demo.printed(/running on Pact for company 1/);
    const companies = await fetch(`${pact.apiUrl}/p1/companies`, {
      headers: { 'x-private-api-token': pact.token },
    });
    expect(await companies.json()).toMatchObject({
      data: { companies: [{ webhook_url: `http://127.0.0.1:${port}/pact?secret=s3cr3t` }] },
    });
    const customer = pact.newCustomer({ name: 'Eve' });
    const outcome = await customer.write('menu');
    expect(outcome.delivered).toBe(true);
    expect(customer.messages().at(-1)).toMatchObject({
      from: 'bot',
      buttons: ['🍕 Order food', '📋 Take a survey', '📎 Files'],
    });
    expect(demo.stdout).not.toContain('s3cr3t');
    expect(await demo.stop()).toBe(0);
  });
});
