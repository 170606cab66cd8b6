import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { createFetchHandler, createNodeHandler } from '@pactbot/core';
import { describeFrontEnd } from '@pactbot/testkit/support/front-end-contract';

describeFrontEnd(
  'bot.listen',
  async (bot, options) => {
    const server = await bot.listen({ port: 0, host: '127.0.0.1', path: '/pact', ...options });
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/pact`,
      close: async () => {
        if (server.listening) {
          server.close();
          await once(server, 'close');
        }
      },
    };
  },
  { closesOnStop: true },
);

/** Closes a node server and every connection it still has. */
async function closeServer(server: http.Server | ServerType): Promise<void> {
  const closed = once(server, 'close');
  server.close();
  if ('closeAllConnections' in server) server.closeAllConnections();
  await closed;
}

describeFrontEnd('createNodeHandler on http.createServer', async (bot, options) => {
  const server = http.createServer(createNodeHandler(bot, { path: '/pact', ...options }));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/pact`,
    close: () => closeServer(server),
  };
});

describeFrontEnd('createFetchHandler on a Hono route (@hono/node-server)', async (bot, options) => {
  const webhook = createFetchHandler(bot, options);
  const app = new Hono();
  app.post('/hooks/pact', (c) => webhook(c.req.raw));
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/pact`,
    close: () => closeServer(server),
  };
});
