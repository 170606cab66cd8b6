import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import Koa from 'koa';
import bodyParser from 'koa-bodyparser';
import { pactWebhook } from '@pactbot/adapter-koa';
import { describeFrontEnd } from '@pactbot/testkit/support/front-end-contract';

for (const mount of ['router', 'app.use'] as const) {
  for (const bodyParserFirst of [false, true]) {
    describeFrontEnd(
      `pactWebhook ${mount === 'router' ? 'on a @koa/router route' : "with app.use and path '/pact'"}, ${bodyParserFirst ? 'koa-bodyparser in front' : 'no body parser in front'}`,
      async (bot, options) => {
        const app = new Koa();
        if (bodyParserFirst) app.use(bodyParser());
        if (mount === 'router') {
          const router = new Router();
          router.post('/pact', pactWebhook(bot, options));
          app.use(router.routes());
        } else app.use(pactWebhook(bot, { path: '/pact', ...options }));
        const server = app.listen(0, '127.0.0.1');
        await once(server, 'listening');
        return {
          url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/pact`,
          close: async () => {
            server.closeAllConnections();
            server.close();
            await once(server, 'close');
          },
        };
      },
      { parserInFront: bodyParserFirst },
    );
  }
}
