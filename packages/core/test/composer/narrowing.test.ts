import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  Bot,
  Composer,
  matchFilter,
  unknownField,
  type CheckedFilter,
  type Context,
  type MessageData,
  type V2AuthChangeUpdate,
} from '@pactbot/core';
import { messageNew } from '@pactbot/testkit/support/webhooks';
import { webhooksV2 } from '@pactbot/testkit/support/reference-webhooks-v2';

describe('types that narrow honestly', () => {
  it('narrows with ctx.has() in an if', async () => {
    const bot = new Bot({ token: 't', companyId: 42, apiUrl: 'http://127.0.0.1:9' });
    const texts: string[] = [];
    bot.use((ctx) => {
      expectTypeOf(ctx.text).toEqualTypeOf<string | undefined>();
      if (ctx.has('message:text')) {
        expectTypeOf(ctx.text).toEqualTypeOf<string>();
        expectTypeOf(ctx.conversationId).toEqualTypeOf<number>();
        texts.push(ctx.text.toUpperCase());
      }
      if (ctx.has(['auth:update', 'auth:create'])) {
        expectTypeOf(ctx.conversationId).toEqualTypeOf<undefined>();
      }
    });
    await bot.handleWebhook(messageNew({ text: 'hi' }));
    await bot.handleWebhook(webhooksV2.authQr);
    expect(texts).toEqual(['HI']);
    await bot.stop();
  });

  it('returns a type guard from matchFilter', () => {
    const isQr = matchFilter('auth:update');
    const check = (ctx: Context) => {
      if (isQr(ctx))
        expectTypeOf(ctx.update).toEqualTypeOf<Context['update'] & V2AuthChangeUpdate>();
    };
    expect(typeof check).toBe('function');
  });

  it('does not compile a misspelt field, and reaches undeclared ones on purpose', async () => {
    const bot = new Bot({ token: 't', companyId: 42, apiUrl: 'http://127.0.0.1:9' });
    let extra: unknown;
    bot.on('message', (ctx) => {
      expectTypeOf(ctx.message).toEqualTypeOf<MessageData>();
      // @ts-expect-error `mesage` is not a field of a message
      void ctx.message.mesage;
      extra = unknownField(ctx.message, 'reply_to');
    });
    const body = messageNew();
    await bot.handleWebhook({ ...body, data: { ...body.data, reply_to: 77 } });
    expect(extra).toBe(77);
    await bot.stop();
  });

  it('lists the valid filters in the type error of a typo', () => {
    const bot = new Composer<Context>();
    expectTypeOf<CheckedFilter<'message'>>().toEqualTypeOf<'message'>();
    expectTypeOf<
      CheckedFilter<'mesage'>
    >().toEqualTypeOf<'unknown filter "mesage"; filters are: message, message:text, message:attachments, message:location, message:outgoing, message:ack, conversation:new, conversation:update, conversation:delete, job:executed, qr_code, system, group_message, group_message:outgoing, group_message:ack, group_conversation:new, group_member:new, auth:create, auth:update, auth:delete'>();
    // @ts-expect-error not a filter
    expect(() => bot.on('mesage', () => undefined)).toThrow('unknown filter "mesage"');
  });
});
