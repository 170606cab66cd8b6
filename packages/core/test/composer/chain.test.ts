import { describe, expect, it } from 'vitest';
import {
  Bot,
  ChainUnfinishedError,
  compose,
  Composer,
  PactArgumentError,
  type Context,
  type Middleware,
} from '@pactbot/core';
import { deferred } from '@pactbot/testkit/support/bot-fixture';
import { messageNew } from '@pactbot/testkit/support/webhooks';

const newBot = () => new Bot({ token: 't', companyId: 42, apiUrl: 'http://127.0.0.1:9' });

describe('a chain that does not finish', () => {
  it('keeps updates of one conversation apart when a middleware forgets to await next()', async () => {
    const bot = newBot();
    const errors: unknown[] = [];
    bot.catch((error) => void errors.push(error));
    bot.use((_ctx, next) => {
      void next();
    });
    let running = 0;
    let most = 0;
    const release = [deferred(), deferred()];
    let turn = 0;
    bot.on('message', async () => {
      running++;
      most = Math.max(most, running);
      await release[turn++]!.promise;
      running--;
    });
    const outcomes: string[] = [];
    bot.events.on('handled', () => outcomes.push('handled'));
    const first = bot.handleWebhook(messageNew({ conversationId: 7, text: 'one' }));
    const second = bot.handleWebhook(messageNew({ conversationId: 7, text: 'two' }));
    // Let both be admitted; the second must wait for the first's chain.
    await new Promise((r) => setImmediate(r));
    expect(running).toBe(1);
    release[0]!.resolve();
    await first;
    release[1]!.resolve();
    await second;
    expect(most).toBe(1);
    expect(outcomes).toEqual([]);
    expect(errors).toHaveLength(2);
    expect(errors[0]).toBeInstanceOf(ChainUnfinishedError);
    expect(errors[0]).toMatchObject({
      code: 'PACTBOT_CHAIN_UNFINISHED',
      message:
        'a middleware returned before the rest of the chain finished: await or return next()',
    });
    await bot.stop();
  });

  it('does not mark such an update handled, so its redelivery runs it again', async () => {
    const bot = newBot();
    bot.catch(() => undefined);
    let runs = 0;
    bot.use((_ctx, next) => {
      void next();
    });
    bot.on('message', async () => {
      runs++;
      await new Promise((r) => setImmediate(r));
    });
    const body = messageNew({ conversationId: 8 });
    await bot.handleWebhook(body);
    await bot.handleWebhook(body);
    expect(runs).toBe(2);
    await bot.stop();
  });

  it('refuses a next() called after its middleware returned', async () => {
    let late: (() => Promise<void>) | undefined;
    const chain = compose<object>([
      (_ctx, next) => {
        late = next;
      },
      () => undefined,
    ]);
    await chain({}, () => Promise.resolve());
    await expect(late!()).rejects.toMatchObject({
      code: 'PACTBOT_CHAIN_UNFINISHED',
      message:
        'a middleware returned before the rest of the chain finished: await or return next() (next() was called after its middleware had finished)',
    });
  });

  it('passes awaited, returned and skipped next() calls as before', async () => {
    const order: string[] = [];
    const chain = compose<object>([
      async (_ctx, next) => {
        order.push('a');
        await next();
        order.push('a after');
      },
      (_ctx, next) => next(),
      () => {
        order.push('end');
      },
    ]);
    await chain({}, () => Promise.resolve());
    expect(order).toEqual(['a', 'end', 'a after']);
  });
});

describe('registering something that is not middleware', () => {
  const bot = new Composer<Context>();
  const cases: Array<[string, () => unknown, string]> = [
    [
      'bot.on',
      () => bot.on('message', undefined as unknown as Middleware<Context>),
      'bot.on() argument 2 must be a middleware function (ctx, next) => … or an object with .middleware(), got undefined',
    ],
    [
      'bot.use',
      () => bot.use(() => undefined, 42 as unknown as Middleware<Context>),
      'bot.use() argument 2 must be a middleware function (ctx, next) => … or an object with .middleware(), got 42',
    ],
    [
      'bot.hears',
      () => bot.hears('hi', null as unknown as Middleware<Context>),
      'bot.hears() argument 2 must be a middleware function (ctx, next) => … or an object with .middleware(), got null',
    ],
    [
      'bot.action',
      () => bot.action('id', {} as unknown as Middleware<Context>),
      'bot.action() argument 2 must be a middleware function (ctx, next) => … or an object with .middleware(), got an object',
    ],
    [
      'bot.branch',
      () =>
        bot.branch(
          () => true,
          () => undefined,
          'no' as unknown as Middleware<Context>,
        ),
      'bot.branch() argument 3 must be a middleware function (ctx, next) => … or an object with .middleware(), got "no"',
    ],
    [
      'bot.filter',
      () => bot.filter('yes' as unknown as () => boolean, () => undefined),
      'bot.filter() argument 1 must be a predicate function (ctx) => boolean, got string',
    ],
    [
      'bot.on with a wrong filter',
      () => bot.on('mesage' as 'message', () => undefined),
      'bot.on(): unknown filter "mesage" (did you mean "message"?); filters are:',
    ],
  ];
  it.each(cases)('%s names the method and the argument', (_name, register, message) => {
    let thrown: unknown;
    try {
      register();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PactArgumentError);
    expect((thrown as Error).message).toContain(message);
    expect((thrown as PactArgumentError).code).toMatch(
      /^PACTBOT_(INVALID_MIDDLEWARE|INVALID_ARGUMENT|UNKNOWN_FILTER)$/,
    );
  });
});
