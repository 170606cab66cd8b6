import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  Composer,
  compose,
  Context,
  NextCalledTwiceError,
  parseWebhook,
  type ButtonPress,
  type ConversationNewUpdate,
  type GroupMessageData,
  type JobExecutedUpdate,
  type MessageAttachment,
  type MessageData,
  type MessageLocation,
  type MessageNewUpdate,
  type SessionFlavor,
  type SystemUpdate,
  type Update,
  type V2ConversationCreateUpdate,
  type V2MessageCreateUpdate,
} from '@pactbot/core';
import { webhooks } from '@pactbot/testkit/support/reference-webhooks';
import { messageNew } from '@pactbot/testkit/support/webhooks';

/** A context over a parsed webhook, without a bot behind it (enough for routing). */
function contextOf(body: unknown): Context {
  const parsed = parseWebhook(body);
  if (parsed.kind !== 'update') throw new Error('not an update');
  return new Context(parsed.update, { companyId: 42 } as never);
}

async function run(composer: Composer<Context>, body: unknown): Promise<void> {
  await composer.middleware()(contextOf(body), () => Promise.resolve());
}

describe('filters route updates', () => {
  it.each<[string, unknown, string[]]>([
    ['an incoming text', messageNew({ text: 'hi' }), ['message', 'message:text']],
    [
      'an incoming file',
      messageNew({ text: null, attachments: [{ url: 'https://x/y.png' }] }),
      ['message', 'message:attachments'],
    ],
    [
      'an incoming location',
      messageNew({ text: null, location: { latitude: 1, longitude: 2 } }),
      ['message', 'message:location'],
    ],
    ['an echo of a sent message', messageNew({ income: false }), ['message:outgoing']],
    ['an ack', webhooks.messageAck, ['message:ack']],
    ['a new conversation', webhooks.conversationNew, ['conversation:new']],
    ['a changed conversation', webhooks.conversationUpdate, ['conversation:update']],
    ['a delivery job', webhooks.jobExecuted, ['job:executed']],
    ['a QR code', webhooks.qrCode, ['qr_code']],
    ['a channel state', webhooks.system('phone offline'), ['system']],
    ['a group message', webhooks.groupMessageNew, ['group_message']],
    [
      'an echo of a message sent to a group',
      { ...webhooks.groupMessageNew, data: { ...webhooks.groupMessageNew.data, income: false } },
      ['group_message:outgoing'],
    ],
    ['a group ack', webhooks.groupMessageAck, ['group_message:ack']],
    ['a new group', webhooks.groupConversationNew, ['group_conversation:new']],
    ['a new group member', webhooks.groupMemberNew, ['group_member:new']],
  ])('%s reaches %j', async (_name, body, expected) => {
    const reached: string[] = [];
    const composer = new Composer<Context>();
    for (const filter of [
      'message',
      'message:text',
      'message:attachments',
      'message:location',
      'message:outgoing',
      'message:ack',
      'conversation:new',
      'conversation:update',
      'job:executed',
      'qr_code',
      'system',
      'group_message',
      'group_message:outgoing',
      'group_message:ack',
      'group_conversation:new',
      'group_member:new',
    ] as const) {
      composer.on(filter, async (_ctx, next) => {
        reached.push(filter);
        await next();
      });
    }
    await run(composer, body);
    expect(reached).toEqual(expected);
  });

  it('refuses an unknown filter at once, suggesting the closest', () => {
    expect(() => new Composer<Context>().on('mesage' as never, () => undefined)).toThrow(
      'unknown filter "mesage" (did you mean "message"?); filters are: message, message:text',
    );
  });

  it('hears strings and regular expressions, with the match in ctx.match', async () => {
    const heard: unknown[] = [];
    const composer = new Composer<Context>();
    composer.hears('menu', (ctx) => void heard.push(ctx.match));
    composer.hears(/^order (\d+)$/, (ctx) => void heard.push((ctx.match as RegExpExecArray)[1]));
    await run(composer, messageNew({ text: ' menu ' }));
    await run(composer, messageNew({ text: 'order 42' }));
    await run(composer, messageNew({ text: 'nothing' }));
    await run(composer, messageNew({ text: 'menu', income: false }));
    expect(heard).toEqual(['menu', '42']);
  });
});

describe('middleware', () => {
  it('runs in order, and next() continues the chain', async () => {
    const order: string[] = [];
    const composer = new Composer<Context>();
    composer.use(async (_ctx, next) => {
      order.push('a1');
      await next();
      order.push('a2');
    });
    composer.use(() => void order.push('b'));
    composer.use(() => void order.push('never'));
    await run(composer, messageNew());
    expect(order).toEqual(['a1', 'b', 'a2']);
  });

  it('makes a second next() an error', async () => {
    const composer = new Composer<Context>(async (_ctx, next) => {
      await next();
      await next();
    });
    await expect(run(composer, messageNew())).rejects.toThrow(NextCalledTwiceError);
  });

  it('filter, drop, branch, lazy and compose', async () => {
    const seen: string[] = [];
    const composer = new Composer<Context>();
    composer.filter(
      (ctx) => ctx.text === 'f',
      () => void seen.push('filter'),
    );
    composer.drop(
      (ctx) => ctx.text === 'f',
      async (ctx, next) => {
        seen.push(`drop:${ctx.text}`);
        await next();
      },
    );
    composer.branch(
      (ctx) => Promise.resolve(ctx.text === 'b'),
      () => void seen.push('branch:yes'),
      async (_ctx, next) => {
        seen.push('branch:no');
        await next();
      },
    );
    composer.lazy((ctx) =>
      ctx.text === 'l' ? [() => void seen.push('lazy')] : (_c, next) => next(),
    );
    composer.use(
      compose<Context>([
        async (_c, next) => {
          seen.push('c1');
          await next();
        },
        () => void seen.push('c2'),
      ]),
    );
    await run(composer, messageNew({ text: 'f' }));
    await run(composer, messageNew({ text: 'b' }));
    await run(composer, messageNew({ text: 'l' }));
    await run(composer, messageNew({ text: 'z' }));
    expect(seen).toEqual([
      'filter',
      'drop:b',
      'branch:yes',
      'drop:l',
      'branch:no',
      'lazy',
      'drop:z',
      'branch:no',
      'c1',
      'c2',
    ]);
  });
});

describe('types narrow with the filter', () => {
  it('narrows each filter', () => {
    const bot = new Composer<Context>();
    bot.on('message', (ctx) => {
      expectTypeOf(ctx.update).toEqualTypeOf<Update & (MessageNewUpdate | V2MessageCreateUpdate)>();
      expectTypeOf(ctx.message).toEqualTypeOf<MessageData>();
      expectTypeOf(ctx.conversationId).toEqualTypeOf<number>();
      expectTypeOf(ctx.text).toEqualTypeOf<string | undefined>();
    });
    bot.on('message:text', (ctx) => {
      expectTypeOf(ctx.text).toEqualTypeOf<string>();
    });
    bot.on('message:attachments', (ctx) => {
      expectTypeOf(ctx.attachments[0]).toEqualTypeOf<MessageAttachment>();
    });
    bot.on('message:location', (ctx) => {
      expectTypeOf(ctx.location).toEqualTypeOf<MessageLocation>();
    });
    bot.on('conversation:new', (ctx) => {
      expectTypeOf(ctx.update).toEqualTypeOf<
        Update & (ConversationNewUpdate | V2ConversationCreateUpdate)
      >();
      expectTypeOf(ctx.conversationId).toEqualTypeOf<number>();
    });
    bot.on('job:executed', (ctx) => {
      expectTypeOf(ctx.update.data.result).toEqualTypeOf<JobExecutedUpdate['data']['result']>();
      expectTypeOf(ctx.conversationId).toEqualTypeOf<undefined>();
    });
    bot.on('system', (ctx) => {
      expectTypeOf(ctx.update).toEqualTypeOf<Update & SystemUpdate>();
    });
    bot.on('group_message', (ctx) => {
      expectTypeOf(ctx.message).toExtend<GroupMessageData>();
    });
    bot.on(['message:text', 'message:attachments'], (ctx) => {
      expectTypeOf(ctx.message).toEqualTypeOf<MessageData>();
    });
    bot.hears(/x/, (ctx) => {
      expectTypeOf(ctx.text).toEqualTypeOf<string>();
      expectTypeOf(ctx.match).toExtend<RegExpExecArray | string>();
    });
    bot.action('id', (ctx) => {
      expectTypeOf(ctx.action).toEqualTypeOf<ButtonPress>();
    });
    bot.on('message:text').filter(
      (ctx) => ctx.text.length > 3,
      (ctx) => {
        expectTypeOf(ctx.text).toEqualTypeOf<string>();
      },
    );
    const withSession = new Composer<Context & SessionFlavor<{ step: number }>>();
    withSession.on('message', (ctx) => {
      expectTypeOf(ctx.session.step).toEqualTypeOf<number>();
    });
    // @ts-expect-error a plain message may have no text
    bot.on('message', (ctx) => ctx.text.toUpperCase());
    // @ts-expect-error unknown filters are type errors too
    expect(() => bot.on('messages', () => undefined)).toThrow('unknown filter');
  });
});
