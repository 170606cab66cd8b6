import { afterEach, describe, expect, it, vi } from 'vitest';
import { PactArgumentError, type Context, type Sent } from '@pactbot/core';
import { startBot, type BotFixture } from '@pactbot/testkit/support/bot-fixture';
import { messageNew } from '@pactbot/testkit/support/webhooks';
import { v2Incoming } from '@pactbot/testkit/support/v2-sends';
import { reference } from '../fixtures/reference-responses.js';
import { referenceV2 } from '@pactbot/testkit/support/reference-v2';

let fixture: BotFixture | undefined;
afterEach(async () => {
  await fixture?.close();
  fixture = undefined;
  vi.useRealTimers();
});

const TEMPLATES_V1 = '/p1/companies/42/waba_templates';
const FIRST_MESSAGE_V1 = '/p1/companies/42/channels/1/conversations';

/** The reference's v1 template, and versions of another in two languages (as the sandbox lists them). */
function v1Templates() {
  const [example] = reference.wabaTemplates.data.waba_templates;
  return {
    status: 'ok',
    data: {
      waba_templates: <Array<Record<string, unknown>>>[
        example,
        {
          id: 8001,
          company_id: 42,
          name: 'order_update',
          waba_id: 'order_update',
          body: 'Your order {{1}} has shipped',
          substitutions_count: 1,
          position: 8001,
          language: 'en',
        },
        {
          id: 8002,
          company_id: 42,
          name: 'order_update',
          waba_id: 'order_update',
          body: 'Ваш заказ {{1}} отправлен',
          substitutions_count: 1,
          position: 8002,
          language: 'ru',
        },
      ],
    },
  };
}

/** A v1 bot whose Pact lists templates, tells conversation 7's phone and takes first messages. */
async function v1Bot(setup?: Parameters<typeof startBot>[1]): Promise<BotFixture> {
  const bot = await startBot({}, setup);
  bot.stub.route('GET', TEMPLATES_V1, { body: v1Templates() });
  bot.stub.route('GET', '/p1/companies/42/conversations/7', {
    body: {
      status: 'ok',
      data: {
        conversation: {
          ...reference.conversation.data.conversation,
          external_id: 7,
          channel_type: 'whatsapp_business',
        },
      },
    },
  });
  bot.stub.route('POST', FIRST_MESSAGE_V1, { body: reference.firstMessageJob });
  return bot;
}

/** Runs `send` in the handler of a customer's message on WhatsApp Business; resolves with its outcome. */
async function inHandler(
  send: (ctx: Context) => Promise<Sent>,
): Promise<{ sent?: Sent; error?: unknown }> {
  const outcome: { sent?: Sent; error?: unknown } = {};
  fixture = await v1Bot((bot) =>
    bot.on('message', async (ctx) => {
      await send(ctx).then(
        (sent) => (outcome.sent = sent),
        (error: unknown) => (outcome.error = error),
      );
    }),
  );
  await fixture.post(messageNew({ channelType: 'whatsapp_business', conversationId: 7 }));
  return outcome;
}

describe('ctx.template on API v1', () => {
  it("finds the template by name and sends it through the first-message endpoint, to the conversation's phone", async () => {
    const { sent, error } = await inHandler((ctx) =>
      ctx.template('Шаблон с переменной', { language: 'ru', parameters: ['важной'] }),
    );
    expect(error).toBeUndefined();
    const [send] = fixture!.stub.calls('POST', FIRST_MESSAGE_V1);
    expect(send!.json).toEqual({
      phone: '79250000001',
      template: { id: '1_shablon_kakoito', language_code: 'ru', parameters: ['важной'] },
    });
    // The reference's job names no conversation: the Sent names the one it went to.
    expect(sent).toMatchObject({ jobId: 17, conversationId: 7 });
    expect(fixture!.sends()).toEqual([]);
  });

  it('picks the version in the language asked for, and takes a language the list names as the only one', async () => {
    const { error } = await inHandler(async (ctx) => {
      await ctx.template('order_update', { language: 'RU', parameters: [4217] });
      return ctx.template('1_shablon_kakoito', { language: 'ru', parameters: ['x'] });
    });
    expect(error).toBeUndefined();
    expect(fixture!.stub.calls('POST', FIRST_MESSAGE_V1).map((r) => r.json)).toEqual([
      {
        phone: '79250000001',
        template: { id: 'order_update', language_code: 'ru', parameters: ['4217'] },
      },
      {
        phone: '79250000001',
        template: { id: '1_shablon_kakoito', language_code: 'ru', parameters: ['x'] },
      },
    ]);
    // One list for both: it is kept.
    expect(fixture!.stub.calls('GET', TEMPLATES_V1)).toHaveLength(1);
  });

  it.each<[string, string, object, string, string]>([
    [
      'too few parameters',
      'order_update',
      { language: 'en', parameters: [] },
      'PACTBOT_TEMPLATE_PARAMETERS',
      'ctx.template(): template order_update (en) takes 1 parameter, one for each of {{1}} in "Your order {{1}} has shipped"; got 0',
    ],
    [
      'too many parameters',
      '1_shablon_kakoito',
      { language: 'ru', parameters: ['a', 'b'] },
      'PACTBOT_TEMPLATE_PARAMETERS',
      'ctx.template(): template 1_shablon_kakoito (ru) takes 1 parameter, one for each of {{1}} in "Тестовый шаблон с какой то переменной {{1}}"; got 2',
    ],
    [
      'an unknown template',
      'shipping',
      { language: 'en' },
      'PACTBOT_UNKNOWN_TEMPLATE',
      'ctx.template(): the company has no approved WhatsApp Business template "shipping" (looked up by name, waba_id and id); its templates are 1_shablon_kakoito "Шаблон с переменной", order_update (en, ru)',
    ],
    [
      'a language it is not approved in',
      'order_update',
      { language: 'de', parameters: ['#1'] },
      'PACTBOT_TEMPLATE_LANGUAGE',
      'ctx.template(): template order_update has no "de" version; it is approved in en, ru',
    ],
    [
      'no language where there are several',
      'order_update',
      { parameters: ['#1'] },
      'PACTBOT_TEMPLATE_LANGUAGE',
      "ctx.template(): template order_update is approved in en, ru; say which to send with { language: 'en' }",
    ],
    [
      'no language where the list names none (v1 requires template[language_code])',
      '1_shablon_kakoito',
      { parameters: ['x'] },
      'PACTBOT_TEMPLATE_LANGUAGE',
      "ctx.template(): say which language of template 1_shablon_kakoito to send, with { language: 'en' } (or 'ru', …): Pact's v1 first-message endpoint requires template[language_code], and the template list names no language",
    ],
  ])(
    'refuses %s, saying what there is, and sends nothing',
    async (_name, id, options, code, message) => {
      const { error } = await inHandler((ctx) => ctx.template(id, options));
      expect(error).toBeInstanceOf(PactArgumentError);
      expect(error).toMatchObject({ code, message });
      expect(fixture!.stub.calls('POST', FIRST_MESSAGE_V1)).toEqual([]);
    },
  );

  it.each<[string, unknown, unknown, string]>([
    [
      'no name',
      '',
      {},
      `ctx.template() needs the template's name (or its waba_id or id), a non-empty string; got ""`,
    ],
    [
      'parameters that are no array',
      'order_update',
      { parameters: '#1' },
      'ctx.template(): parameters must be an array of strings, one for each {{n}} of the template; got "#1"',
    ],
    [
      'an empty parameter',
      'order_update',
      { parameters: [' '] },
      'ctx.template(): parameters[0] is empty; WhatsApp refuses a template with an empty value',
    ],
    [
      'an object as a parameter',
      'order_update',
      { parameters: [{}] },
      'ctx.template(): parameters[0] must be a string (or a number), got an object',
    ],
  ])('refuses %s before looking anything up', async (_name, id, options, message) => {
    const { error } = await inHandler((ctx) => ctx.template(id as string, options as object));
    expect(error).toMatchObject({ code: 'PACTBOT_INVALID_ARGUMENT', message });
    expect(
      fixture!.stub.requests.filter((r) => r.method === 'GET' || r.path === FIRST_MESSAGE_V1),
    ).toEqual([]);
  });

  it('refuses a template to a conversation on another messenger', async () => {
    fixture = await v1Bot();
    const errors: unknown[] = [];
    fixture.bot.on('message', (ctx) =>
      ctx.template('order_update').catch((e: unknown) => void errors.push(e)),
    );
    await fixture.post(messageNew({ channelType: 'telegram', conversationId: 9 }));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      code: 'PACTBOT_NOT_WABA',
      message:
        'ctx.template() sends WhatsApp Business templates, but conversation 9 is on telegram; send it a message with ctx.reply()',
    });
    expect(fixture.stub.requests).toEqual([]);
  });

  it('looks a name it does not find up again in a fresh list, at most every ten seconds', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { error } = await inHandler(async (ctx) => {
      await ctx.template('order_update', { language: 'en', parameters: ['#1'] });
      return ctx.template('brand_new', { language: 'en' });
    });
    expect(error).toMatchObject({ code: 'PACTBOT_UNKNOWN_TEMPLATE' });
    expect(fixture!.stub.calls('GET', TEMPLATES_V1)).toHaveLength(1);

    vi.setSystemTime(Date.now() + 10_000);
    const approved = v1Templates();
    approved.data.waba_templates.push({
      ...approved.data.waba_templates[1],
      id: 8003,
      name: 'brand_new',
      waba_id: 'brand_new',
      body: 'Something new',
      substitutions_count: 0,
    });
    fixture!.stub.route('GET', TEMPLATES_V1, { body: approved });
    await fixture!.bot.sendTemplate(7, 'brand_new', { language: 'en' });
    expect(fixture!.stub.calls('GET', TEMPLATES_V1)).toHaveLength(2);
    expect(fixture!.stub.calls('POST', FIRST_MESSAGE_V1).at(-1)!.json).toEqual({
      phone: '79250000001',
      template: { id: 'brand_new', language_code: 'en', parameters: [] },
    });
  });
});

describe('bot.sendTemplate on API v1', () => {
  it("sends to a phone through the company's one WhatsApp Business channel", async () => {
    fixture = await v1Bot();
    fixture.stub.route('GET', '/p1/companies/42/channels', {
      body: {
        status: 'ok',
        data: {
          channels: [
            { external_id: 399, provider: 'whatsapp' },
            { external_id: 1, provider: 'whatsapp_business' },
          ],
        },
      },
    });
    const sent = await fixture.bot.sendTemplate({ phone: '+7 925 000-00-02' }, 'order_update', {
      language: 'en',
      parameters: ['#42'],
    });
    expect(fixture.stub.calls('POST', FIRST_MESSAGE_V1).map((r) => r.json)).toEqual([
      {
        phone: '79250000002',
        template: { id: 'order_update', language_code: 'en', parameters: ['#42'] },
      },
    ]);
    // Pact's job names no conversation yet (a first message): 0 until it does.
    expect(sent).toMatchObject({ jobId: 17, conversationId: 0 });
  });

  it('refuses a recipient that is neither a conversation nor a phone, and a conversation elsewhere', async () => {
    fixture = await v1Bot();
    fixture.stub.route('GET', '/p1/companies/42/conversations/8', {
      body: reference.conversation,
    });
    await expect(fixture.bot.sendTemplate('7' as never, 'order_update')).rejects.toThrow(
      'bot.sendTemplate() sends to a conversation id or { phone }, got "7"',
    );
    await expect(
      fixture.bot.sendTemplate({ phone: '12' }, 'order_update', { language: 'en' }),
    ).rejects.toThrow('phone must be a phone number of 5 to 15 digits');
    await expect(
      fixture.bot.sendTemplate(8, 'order_update', { language: 'en', parameters: ['#1'] }),
    ).rejects.toMatchObject({
      code: 'PACTBOT_NOT_WABA',
      message:
        'bot.sendTemplate(): conversation 8 is on whatsapp, not WhatsApp Business; templates are for WhatsApp Business conversations — send a message instead (ctx.reply, bot.send)',
    });
    expect(fixture.stub.calls('POST', FIRST_MESSAGE_V1)).toEqual([]);
  });
});

describe('templates on API v2', () => {
  const TEMPLATES_V2 = '/api/p2/waba_templates';
  const WRITE_FIRST_V2 = '/api/p2/messages';

  async function v2Bot(setup?: Parameters<typeof startBot>[1]): Promise<BotFixture> {
    const bot = await startBot({ apiVersion: 2 }, setup);
    bot.stub.route('GET', TEMPLATES_V2, { body: referenceV2.wabaTemplatesList });
    bot.stub.route('POST', WRITE_FIRST_V2, { body: referenceV2.firstMessageSent });
    return bot;
  }

  it('writes first with waba_id and substitutions, counted by substitutions_count', async () => {
    fixture = await v2Bot();
    const sent = await fixture.bot.sendTemplate({ phone: '+79517591813' }, 'with_params', {
      parameters: ['Иван', 'второй'],
    });
    expect(fixture.stub.calls('POST', WRITE_FIRST_V2).map((r) => r.json)).toEqual([
      {
        company_id: 42,
        provider: 'whatsapp_business',
        phone: '79517591813',
        waba_id: 'with_params',
        substitutions: ['Иван', 'второй'],
      },
    ]);
    const answered = referenceV2.firstMessageSent.message;
    expect(sent).toMatchObject({
      jobId: 0,
      messageId: answered.id,
      conversationId: answered.conversation_id,
    });
    // The list asked for is the company's.
    expect(fixture.stub.calls('GET', TEMPLATES_V2)[0]!.query.getAll('company_ids[]')).toEqual([
      '42',
    ]);
    // A template without placeholders goes without substitutions.
    await fixture.bot.sendTemplate({ phone: '79517591813' }, 'fuga');
    expect(fixture.stub.calls('POST', WRITE_FIRST_V2)[1]!.json).toEqual({
      company_id: 42,
      provider: 'whatsapp_business',
      phone: '79517591813',
      waba_id: 'cjw8av3d2l',
    });
  });

  it('sends into a conversation by the phone its webhooks name, and checks the count', async () => {
    const outcomes: unknown[] = [];
    fixture = await v2Bot((bot) =>
      bot.on('message', async (ctx) => {
        await ctx
          .template('with_params', { parameters: ['Иван'] })
          .catch((e: unknown) => outcomes.push(e));
        outcomes.push(await ctx.template('with_params', { parameters: ['Иван', 'Пётр'] }));
      }),
    );
    const incoming = v2Incoming({ provider: 'whatsapp_business', conversationId: 456 });
    incoming.object.conversation.sender_phone = '79001234567';
    await fixture.post(incoming);
    expect(outcomes[0]).toMatchObject({
      code: 'PACTBOT_TEMPLATE_PARAMETERS',
      message:
        'ctx.template(): template with_params takes 2 parameters, one for each of {{1}}, {{2}} in "Привет, {{1}}. Это тест параметров. {{2}} - тест второго параметра."; got 1',
    });
    expect(fixture.stub.calls('POST', WRITE_FIRST_V2).map((r) => r.json)).toEqual([
      {
        company_id: 42,
        provider: 'whatsapp_business',
        phone: '79001234567',
        waba_id: 'with_params',
        substitutions: ['Иван', 'Пётр'],
      },
    ]);
    // The phone came with the webhook: the conversation was not read.
    expect(fixture.stub.requests.filter((r) => r.path.startsWith('/api/p2/conversations'))).toEqual(
      [],
    );
  });
});
