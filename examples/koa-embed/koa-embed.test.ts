import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import type { Bot } from '@pactbot/core';
import { startPactStub, type PactStub } from '@pactbot/testkit/support/pact-stub';
import { messageNew } from '@pactbot/testkit/support/webhooks';
import { createShopApp } from './app.js';
import { createShopBot } from './bot.js';
import { OrderBook } from './orders.js';

const SECRET = 'shop-webhook-secret';

let nextJob = 1;
/** A stand-in of Pact that accepts every send (as in @pactbot/testkit/support/bot-fixture). */
async function startPact(): Promise<PactStub> {
  const stub = await startPactStub();
  stub.route('POST', /^\/p1\/companies\/\d+\/conversations\/\d+\/messages$/, (req) => ({
    body: {
      status: 'ok',
      data: {
        id: nextJob++,
        company_id: 42,
        channel: { id: 1, type: 'whatsapp' },
        conversation_id: Number(req.path.split('/')[5]),
        state: 'trying_deliver',
        message_id: null,
        details: null,
        created_at: 1510396057,
      },
    },
  }));
  return stub;
}

function replies(stub: PactStub): unknown[] {
  return stub.requests.filter((r) => r.path.endsWith('/messages')).map((r) => r.json);
}

async function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown; headers: http.IncomingHttpHeaders }> {
  const response = await request(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.body.text();
  return {
    status: response.statusCode,
    json: /json/.test(String(response.headers['content-type']))
      ? (JSON.parse(text) as unknown)
      : undefined,
    headers: response.headers,
  };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('the koa-embed example app', () => {
  async function startShop() {
    const stub = await startPact();
    const orders = new OrderBook();
    const bot: Bot = createShopBot({
      token: 'test-token',
      companyId: 42,
      apiUrl: stub.url,
      orders,
    });
    const log: string[] = [];
    const app = createShopApp({
      bot,
      orders,
      webhookSecret: SECRET,
      log: (line) => log.push(line),
    });
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    cleanups.push(async () => {
      await bot.stop({ timeoutMs: 1000 });
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
      await stub.close();
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { stub, bot, log, base };
  }

  it('serves its own routes as before', async () => {
    const { base, log } = await startShop();
    const health = await call(base, 'GET', '/health');
    expect(health).toMatchObject({ status: 200, json: { status: 'ok' } });
    expect(health.headers['x-response-time']).toMatch(/ms$/);

    const placed = await call(base, 'POST', '/api/orders', { item: 'pizza', quantity: 2 });
    expect(placed).toMatchObject({
      status: 201,
      json: { id: 1, item: 'pizza', quantity: 2, status: 'received' },
    });
    expect((await call(base, 'GET', '/api/orders')).json).toMatchObject([{ id: 1 }]);
    expect((await call(base, 'GET', '/api/orders/1')).json).toMatchObject({ item: 'pizza' });
    expect(await call(base, 'GET', '/api/orders/9')).toMatchObject({
      status: 404,
      json: { error: 'no order 9' },
    });
    expect(await call(base, 'POST', '/api/orders', { quantity: 2 })).toMatchObject({
      status: 400,
      json: { error: 'item must be a non-empty string' },
    });
    expect((await call(base, 'GET', '/nothing-here')).status).toBe(404);
    expect(log.map((line) => line.replace(/ [\d.]+ms$/, ''))).toEqual([
      'GET /health 200',
      'POST /api/orders 201',
      'GET /api/orders 200',
      'GET /api/orders/1 200',
      'GET /api/orders/9 404',
      'POST /api/orders 400',
      'GET /nothing-here 404',
    ]);
  });

  it('answers customers on /pact with what the orders API knows', async () => {
    const { base, stub, log } = await startShop();
    await call(base, 'POST', '/api/orders', { item: 'pizza', quantity: 2 });
    const answer = await call(
      base,
      'POST',
      `/pact?secret=${SECRET}`,
      messageNew({ conversationId: 5, text: 'order 1' }),
    );
    expect(answer).toMatchObject({ status: 200, json: { ok: true } });
    expect(replies(stub)).toEqual([{ message: 'Order #1 (2 × pizza): received.' }]);

    expect((await call(base, 'POST', '/pact?secret=guess', messageNew())).status).toBe(401);
    expect(replies(stub)).toHaveLength(1);
    expect(log.join('\n')).not.toContain(SECRET);
  });

  it('keeps serving its own routes after the bot stops, answering webhooks 503', async () => {
    const { base, bot } = await startShop();
    await bot.stop();
    expect(
      (await call(base, 'POST', `/pact?secret=${SECRET}`, messageNew({ text: 'order 1' }))).status,
    ).toBe(503);
    expect((await call(base, 'GET', '/health')).status).toBe(200);
  });
});

describe('examples/koa-embed/main.ts', () => {
  it('runs the shop from environment variables and stops cleanly on SIGTERM', async () => {
    const stub = await startPact();
    cleanups.push(() => stub.close());
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const child: ChildProcess = spawn(
      process.execPath,
      ['--conditions=pactbot-source', '--import', 'tsx', 'examples/koa-embed/main.ts'],
      {
        cwd: root,
        env: {
          ...process.env,
          PACT_TOKEN: 'test-token',
          PACT_COMPANY_ID: '42',
          PACT_API_URL: stub.url,
          WEBHOOK_SECRET: SECRET,
          PORT: '0',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = once(child, 'exit');
    cleanups.push(async () => {
      if (child.exitCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    });
    let output = '';
    const base = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const found = /listening on (http:\/\/\S+)/.exec(output);
        if (found) resolve(found[1]!.replace('localhost', '127.0.0.1'));
      });
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      void exited.then(() => reject(new Error(`main.ts exited early:\n${output}`)));
    });

    expect((await call(base, 'GET', '/health')).status).toBe(200);
    const answer = await call(base, 'POST', `/pact?secret=${SECRET}`, messageNew({ text: 'hi' }));
    expect(answer.status).toBe(200);
    expect(replies(stub)).toEqual([
      { message: 'Hi! Write "order" and its number, like "order 12", to see where your order is.' },
    ]);

    child.kill('SIGTERM');
    await exited;
    expect(child.exitCode).toBe(0);
    expect(output).not.toContain(SECRET);
  });
});
