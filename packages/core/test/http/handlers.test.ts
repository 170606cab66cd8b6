import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { Bot, createFetchHandler, createNodeHandler, type NodeNext } from '@pactbot/core';
import { messageNew } from '@pactbot/testkit/support/webhooks';

let bot: Bot | undefined;
let server: http.Server | undefined;
afterEach(async () => {
  await bot?.stop({ timeoutMs: 1000 });
  if (server?.listening) {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  }
  bot = server = undefined;
});

/** A bot that counts the updates it runs; its sends go nowhere (no test here waits on them). */
function countingBot(): { bot: Bot; runs: () => number } {
  const made = new Bot({ token: 'test-token', companyId: 42, apiUrl: 'http://127.0.0.1:9' });
  bot = made;
  let runs = 0;
  made.use(() => void runs++);
  return { bot: made, runs: () => runs };
}

/**
 * A Connect-style chain of middleware on node:http: each gets `next`, which runs the one after
 * it; what falls off the end is answered by `fallback`, and an error passed to `next` 500 with it.
 */
async function serveChain(
  chain: Array<(req: http.IncomingMessage, res: http.ServerResponse, next: NodeNext) => void>,
  fallback: (req: http.IncomingMessage, res: http.ServerResponse) => void,
  errors: unknown[] = [],
): Promise<string> {
  server = http.createServer((req, res) => {
    const run = (index: number): void => {
      const middleware = chain[index];
      if (!middleware) return fallback(req, res);
      middleware(req, res, (error?: unknown) => {
        if (error !== undefined) {
          errors.push(error);
          res.writeHead(500).end('app error page');
          return;
        }
        run(index + 1);
      });
    };
    run(0);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function call(url: string, method = 'POST', body?: string) {
  const response = await request(url, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body,
  });
  return {
    status: response.statusCode,
    headers: response.headers,
    text: await response.body.text(),
  };
}

describe('createNodeHandler as Connect-style middleware', () => {
  it('with path, takes POSTs to it and passes every other request on to next()', async () => {
    const { bot: made, runs } = countingBot();
    const base = await serveChain([createNodeHandler(made, { path: '/pact' })], (req, res) =>
      res.end(`app: ${req.method} ${req.url}`),
    );
    expect((await call(`${base}/pact`, 'POST', JSON.stringify(messageNew()))).text).toBe(
      '{"ok":true}',
    );
    expect((await call(`${base}/pact`, 'GET')).text).toBe('app: GET /pact');
    expect((await call(`${base}/orders`, 'POST', '{}')).text).toBe('app: POST /orders');
    expect(runs()).toBe(1);
  });

  it('without path, takes every request it is given, answering other methods 405', async () => {
    const { bot: made } = countingBot();
    const base = await serveChain([createNodeHandler(made)], (_req, res) => res.end('app'));
    const answer = await call(`${base}/anywhere`, 'PUT', '{}');
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('POST');
  });

  it('takes the body a JSON parser in front already read', async () => {
    const { bot: made, runs } = countingBot();
    const jsonParser = (req: http.IncomingMessage, _res: http.ServerResponse, next: NodeNext) => {
      let text = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (text += chunk));
      req.on('end', () => {
        (req as http.IncomingMessage & { body?: unknown }).body = JSON.parse(text) as unknown;
        next();
      });
    };
    const base = await serveChain(
      [jsonParser, createNodeHandler(made, { path: '/pact', bodyLimit: 2000 })],
      (_req, res) => res.end('app'),
    );
    expect((await call(`${base}/pact`, 'POST', JSON.stringify(messageNew()))).status).toBe(200);
    expect(runs()).toBe(1);
    // Read by the parser, the body is measured by its declared length.
    const long = await call(
      `${base}/pact`,
      'POST',
      JSON.stringify(messageNew({ text: 'x'.repeat(3000) })),
    );
    expect(long.status).toBe(413);
    expect(runs()).toBe(1);
  });

  it('says what went wrong when a middleware in front read the body and left nothing', async () => {
    const { bot: made } = countingBot();
    const errors: unknown[] = [];
    const swallow = (req: http.IncomingMessage, _res: http.ServerResponse, next: NodeNext) => {
      req.resume();
      req.on('end', () => next());
    };
    const base = await serveChain(
      [swallow, createNodeHandler(made, { path: '/pact' })],
      (_req, res) => res.end('app'),
      errors,
    );
    expect((await call(`${base}/pact`, 'POST', '{}')).text).toBe('app error page');
    expect(String(errors[0])).toContain(
      'the webhook body was read by a middleware in front of the webhook handler that left no req.body',
    );
  });

  it('without next, answers other paths 404 and reports its own failures as 500 on bot.events', async () => {
    const { bot: made } = countingBot();
    made.handleWebhook = () => Promise.reject(new Error('state went away'));
    const reported: unknown[] = [];
    made.events.on('error', (info) => reported.push(info.error));
    server = http.createServer(createNodeHandler(made, { path: '/pact' }));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const elsewhere = await call(`${base}/other`, 'POST', '{}');
    expect(elsewhere).toMatchObject({
      status: 404,
      text: '{"error":"no webhook here; POST to /pact"}',
    });
    const failed = await call(`${base}/pact`, 'POST', JSON.stringify(messageNew()));
    expect(failed).toMatchObject({ status: 500, text: '{"error":"internal error"}' });
    expect(reported).toEqual([new Error('state went away')]);
  });
});

/** A webhook as a fetch Request. (A string body alone would make it text/plain, which is refused.) */
function webhookRequest(url: string, body: unknown = messageNew()): Request {
  return new Request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('createFetchHandler', () => {
  it('with path, answers 404 elsewhere; other methods 405 with Allow: POST', async () => {
    const { bot: made, runs } = countingBot();
    const handler = createFetchHandler(made, { path: '/pact' });
    const elsewhere = await handler(webhookRequest('http://bot.example/other', {}));
    expect(elsewhere.status).toBe(404);
    expect(await elsewhere.json()).toEqual({ error: 'no webhook here; POST to /pact' });
    const get = await handler(new Request('http://bot.example/pact'));
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const taken = await handler(webhookRequest('http://bot.example/pact'));
    expect(taken.status).toBe(200);
    expect(taken.headers.get('content-type')).toBe('application/json');
    expect(runs()).toBe(1);
  });

  it('throws the failures of the bot machinery to the framework', async () => {
    const { bot: made } = countingBot();
    made.handleWebhook = () => Promise.reject(new Error('state went away'));
    const handler = createFetchHandler(made);
    await expect(handler(webhookRequest('http://bot.example/'))).rejects.toThrow('state went away');
  });
});

describe('handler options', () => {
  it.each([
    [{ path: 'pact' }, 'path must start with "/", got "pact"'],
    [
      { secret: '' },
      'secret must be a non-empty string when given (leave it out to accept webhooks without one)',
    ],
    [{ bodyLimit: 0 }, 'bodyLimit must be a positive whole number of bytes, got 0'],
  ])('refuses %j, naming the function and the option', (options, message) => {
    const { bot: made } = countingBot();
    expect(() => createNodeHandler(made, options)).toThrow(`createNodeHandler: ${message}`);
    expect(() => createFetchHandler(made, options)).toThrow(`createFetchHandler: ${message}`);
  });

  it('refuses something that is not a bot', () => {
    expect(() => createNodeHandler({} as Bot)).toThrow(
      'createNodeHandler: the first argument must be a Bot (new Bot({ token, companyId })), got an object without handleWebhook/checkWebhook/events',
    );
    expect(() => createFetchHandler(undefined as unknown as Bot)).toThrow(
      'createFetchHandler: the first argument must be a Bot (new Bot({ token, companyId })), got undefined',
    );
  });
});
