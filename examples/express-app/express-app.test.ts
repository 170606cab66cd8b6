import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { PactClient } from '@pactbot/core';
import { Sandbox } from '@pactbot/sandbox';
import { createDeskApp } from './app.js';
import { createDeskBot } from './bot.js';
import { TicketDesk } from './tickets.js';

const SECRET = 'desk-webhook-secret';

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

/** Points the sandbox's webhooks at `url`, as one sets a company's webhook_url on Pact. */
async function pointWebhooks(sandbox: Sandbox, url: string): Promise<void> {
  const pact = new PactClient({
    token: sandbox.token,
    companyId: sandbox.companyId,
    apiUrl: sandbox.apiUrl,
  });
  await pact.companies.update({ webhook_url: url });
  await pact.close();
}

describe('the express-app example', () => {
  async function startDesk() {
    const sandbox = await Sandbox.start();
    const desk = new TicketDesk();
    const bot = createDeskBot({ ...sandbox.botOptions, desk });
    const log: string[] = [];
    const server: http.Server = createDeskApp({
      bot,
      desk,
      webhookSecret: SECRET,
      log: (line) => log.push(line),
    }).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    cleanups.push(async () => {
      await bot.stop({ timeoutMs: 1000 });
      server.closeAllConnections();
      server.close();
      await sandbox.close();
    });
    await pointWebhooks(sandbox, `${base}/pact?secret=${SECRET}`);
    return { sandbox, desk, base, log };
  }

  it('opens a ticket from a customer over real webhooks, and the API lists it', async () => {
    const { sandbox, base } = await startDesk();
    const customer = sandbox.newCustomer({ channel: 'telegram', name: 'Ann' });
    const written = await customer.write('help my order did not arrive');
    expect(written.delivered).toBe(true);
    expect(customer.messages().map((m) => `${m.from}: ${m.text}`)).toEqual([
      'customer: help my order did not arrive',
      'bot: Ticket #1 is open. Someone will answer here soon.',
    ]);
    expect((await call(base, 'GET', '/api/tickets')).json).toEqual([
      {
        id: 1,
        conversationId: customer.conversationId,
        text: 'my order did not arrive',
        status: 'open',
      },
    ]);
    await customer.write('tickets');
    expect(customer.messages().at(-1)?.text).toBe('#1: my order did not arrive');
  });

  it('tells the customer when the desk closes the ticket through the API', async () => {
    const { sandbox, base } = await startDesk();
    const customer = sandbox.newCustomer();
    await customer.write('help the app crashes');
    expect(await call(base, 'POST', '/api/tickets/1/close')).toMatchObject({
      status: 200,
      json: { id: 1, status: 'closed' },
    });
    expect(customer.messages().at(-1)?.text).toBe('Ticket #1 is closed. Thank you!');
    expect((await call(base, 'POST', '/api/tickets/7/close')).status).toBe(404);
  });

  it('keeps its own routes and log, and never logs the secret', async () => {
    const { base, log } = await startDesk();
    expect((await call(base, 'GET', '/health')).json).toEqual({ status: 'ok' });
    expect((await call(base, 'POST', '/pact?secret=guess', { type: 'message' })).status).toBe(401);
    expect(log.map((line) => line.replace(/ [\d.]+ms$/, ''))).toEqual(
      expect.arrayContaining(['GET /health 200', 'POST /pact 401']),
    );
    expect(log.join('\n')).not.toContain(SECRET);
  });
});

describe('examples/express-app/main.ts', () => {
  it('runs the desk from environment variables and stops cleanly on SIGTERM', async () => {
    const sandbox = await Sandbox.start();
    cleanups.push(() => sandbox.close());
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const child = spawn(
      process.execPath,
      ['--conditions=pactbot-source', '--import', 'tsx', 'examples/express-app/main.ts'],
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
    expect(customer.messages().at(-1)?.text).toBe(
      'Write "help" and what is wrong, like "help my order did not arrive".',
    );
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).not.toContain(SECRET);
  });
});
