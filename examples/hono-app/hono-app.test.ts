import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { PactClient } from '@pactbot/core';
import { Sandbox } from '@pactbot/sandbox';
import { createHoursApp } from './app.js';
import { createHoursBot } from './bot.js';
import { OpeningHours } from './hours.js';

const SECRET = 'hours-webhook-secret';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function call(base: string, method: string, path: string, body?: unknown) {
  const response = await request(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.body.text();
  return { status: response.statusCode, json: text ? (JSON.parse(text) as unknown) : undefined };
}

async function pointWebhooks(sandbox: Sandbox, url: string): Promise<void> {
  const pact = new PactClient({
    token: sandbox.token,
    companyId: sandbox.companyId,
    apiUrl: sandbox.apiUrl,
  });
  await pact.companies.update({ webhook_url: url });
  await pact.close();
}

describe('the hono-app example, on @hono/node-server', () => {
  async function startApp() {
    const sandbox = await Sandbox.start();
    const hours = new OpeningHours();
    const bot = createHoursBot({ ...sandbox.botOptions, hours });
    const server = serve({
      fetch: createHoursApp({ bot, hours, webhookSecret: SECRET }).fetch,
      port: 0,
      hostname: '127.0.0.1',
    });
    await once(server, 'listening');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    cleanups.push(async () => {
      await bot.stop({ timeoutMs: 1000 });
      server.close();
      await sandbox.close();
    });
    await pointWebhooks(sandbox, `${base}/pact?secret=${SECRET}`);
    return { sandbox, base };
  }

  it('answers customers with the hours its API last set', async () => {
    const { sandbox, base } = await startApp();
    expect(await call(base, 'PUT', '/api/hours', { saturday: '10:00–14:00' })).toMatchObject({
      status: 200,
      json: { saturday: '10:00–14:00', sunday: null },
    });
    const customer = sandbox.newCustomer({ channel: 'viber' });
    expect((await customer.write('When are you open?')).delivered).toBe(true);
    expect(customer.messages().at(-1)?.text).toBe(
      [
        'We are open:',
        'Monday: 9:00–18:00',
        'Tuesday: 9:00–18:00',
        'Wednesday: 9:00–18:00',
        'Thursday: 9:00–18:00',
        'Friday: 9:00–17:00',
        'Saturday: 10:00–14:00',
        'Sunday: closed',
      ].join('\n'),
    );
  });

  it('keeps its own routes, refuses bad hours, and refuses webhooks without the secret', async () => {
    const { base } = await startApp();
    expect((await call(base, 'GET', '/health')).json).toEqual({ status: 'ok' });
    expect(await call(base, 'PUT', '/api/hours', { someday: '9–5' })).toEqual({
      status: 400,
      json: { error: '"someday" is not a day of the week' },
    });
    expect(await call(base, 'POST', '/pact', { type: 'message' })).toEqual({
      status: 401,
      json: { error: 'wrong or missing secret query parameter' },
    });
  });
});

describe('examples/hono-app/main.ts', () => {
  it('serves from environment variables and stops cleanly on SIGTERM', async () => {
    const sandbox = await Sandbox.start();
    cleanups.push(() => sandbox.close());
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const child = spawn(
      process.execPath,
      ['--conditions=pactbot-source', '--import', 'tsx', 'examples/hono-app/main.ts'],
      {
        cwd: root,
        env: {
          ...process.env,
          PACT_TOKEN: sandbox.token,
          PACT_COMPANY_ID: String(sandbox.companyId),
          PACT_API_URL: sandbox.apiUrl,
          WEBHOOK_SECRET: SECRET,
          PORT: '0',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => resolve(code)),
    );
    cleanups.push(async () => {
      if (child.exitCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    });
    let output = '';
    const base = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const found = /listening on (http:\/\/\S+)/.exec(output);
        if (found) resolve(found[1]!.replace('localhost', '127.0.0.1'));
      });
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      void exited.then(() => reject(new Error(`main.ts exited early:\n${output}`)));
    });
    await pointWebhooks(sandbox, `${base}/pact?secret=${SECRET}`);
    const customer = sandbox.newCustomer();
    await customer.write('hello');
    expect(customer.messages().at(-1)?.text).toBe('Ask me "when are you open?"');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).not.toContain(SECRET);
  });
});
