import { once } from 'node:events';
import type http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Bot, LISTEN_DEFAULTS, PactArgumentError } from '@pactbot/core';

let bot: Bot | undefined;
afterEach(async () => {
  await bot?.stop({ timeoutMs: 1000 });
  bot = undefined;
});

async function listen(options: Parameters<Bot['listen']>[0] = {}): Promise<http.Server> {
  bot = new Bot({ token: 'test-token', companyId: 42, apiUrl: 'http://127.0.0.1:9' });
  return bot.listen({ port: 0, host: '127.0.0.1', path: '/pact', ...options });
}

/** Connects to the server and writes `data`; collects what comes back until the server hangs up. */
async function connect(
  server: http.Server,
  data: string,
): Promise<{ socket: net.Socket; received: Promise<string> }> {
  const socket = net.connect((server.address() as AddressInfo).port, '127.0.0.1');
  await once(socket, 'connect');
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  const received = once(socket, 'close').then(() => text);
  socket.write(data);
  return { socket, received };
}

describe('bot.listen: callers without the secret', () => {
  it('answers 100 wrong-secret uploads of a megabyte each with 401, reading little of their bodies', async () => {
    const server = await listen({ secret: 'the-right-secret' });
    const read: Promise<number>[] = [];
    server.on('connection', (socket: net.Socket) => {
      read.push(new Promise((resolve) => socket.once('close', () => resolve(socket.bytesRead))));
    });
    const megabyte = Buffer.alloc(1024 * 1024, 'x');
    const head =
      'POST /pact?secret=wrong HTTP/1.1\r\nHost: 127.0.0.1\r\n' +
      `Content-Type: application/json\r\nContent-Length: ${megabyte.length}\r\n\r\n`;
    const answers = await Promise.all(
      Array.from({ length: 100 }, async () => {
        const { socket, received } = await connect(server, head);
        socket.write(megabyte);
        return received;
      }),
    );
    for (const answer of answers) expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    const bytes = await Promise.all(read);
    // Read in full, the bodies would be 100 MiB; refused from the headers, a few KiB each.
    expect(bytes.reduce((sum, n) => sum + n, 0)).toBeLessThan(100 * 256 * 1024);
  });
});

describe('bot.listen: slow and numerous clients', () => {
  it('gives its server sane limits by default: 15 s per request, 10 s for headers, 1024 connections', async () => {
    const server = await listen();
    expect(server.requestTimeout).toBe(LISTEN_DEFAULTS.requestTimeout);
    expect(server.headersTimeout).toBe(LISTEN_DEFAULTS.headersTimeout);
    expect(server.maxConnections).toBe(LISTEN_DEFAULTS.maxConnections);
    expect(LISTEN_DEFAULTS).toEqual({
      requestTimeout: 15_000,
      headersTimeout: 10_000,
      maxConnections: 1024,
    });
  });

  it('answers 408 and hangs up on a client that never finishes its headers', async () => {
    const server = await listen({ headersTimeout: 200, requestTimeout: 400 });
    const { received } = await connect(server, 'POST /pact HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    expect(await received).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('answers 408 and hangs up on a client whose body stops short of its length', async () => {
    const server = await listen({ headersTimeout: 200, requestTimeout: 400 });
    const { received } = await connect(
      server,
      'POST /pact HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 20\r\n\r\n{"type":',
    );
    expect(await received).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('closes connections past maxConnections at once, and takes new ones when others end', async () => {
    const server = await listen({ maxConnections: 2 });
    const accepted: net.Socket[] = [];
    server.on('connection', (socket: net.Socket) => accepted.push(socket));
    const partial = 'POST /pact HTTP/1.1\r\nHost: 127.0.0.1\r\n';
    const first = await connect(server, partial);
    await connect(server, partial);
    const dropped = once(server, 'drop');
    const third = await connect(server, partial);
    await dropped;
    expect(await third.received).toBe('');

    // Once the server has seen the first connection end, there is room for another.
    const freed = new Promise((resolve) => accepted[0]!.once('close', resolve));
    first.socket.destroy();
    await freed;
    const fourth = await connect(
      server,
      'GET /pact HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n',
    );
    expect(await fourth.received).toMatch(/^HTTP\/1\.1 405 /);
  });

  it('refuses limits that are not positive whole numbers, and headers allowed longer than the request', async () => {
    bot = new Bot({ token: 'test-token', companyId: 42 });
    await expect(bot.listen({ port: 0, requestTimeout: 0 })).rejects.toThrow(
      'bot.listen: requestTimeout must be a positive whole number of milliseconds, got 0',
    );
    await expect(bot.listen({ port: 0, headersTimeout: 1.5 })).rejects.toThrow(
      'bot.listen: headersTimeout must be a positive whole number of milliseconds, got 1.5',
    );
    await expect(bot.listen({ port: 0, maxConnections: -1 })).rejects.toThrow(
      'bot.listen: maxConnections must be a positive whole number, got -1',
    );
    await expect(
      bot.listen({ port: 0, requestTimeout: 5000, headersTimeout: 6000 }),
    ).rejects.toThrow(
      'bot.listen: headersTimeout (6000 ms) must not be longer than requestTimeout (5000 ms): the headers are part of the request',
    );
    await expect(bot.listen({ port: 0, maxConnections: 0 })).rejects.toBeInstanceOf(
      PactArgumentError,
    );
  });

  it('lets a short requestTimeout bring the headers timeout down with it', async () => {
    const server = await listen({ requestTimeout: 3000 });
    expect(server.headersTimeout).toBe(3000);
  });
});
