import { describe, expect, it } from 'vitest';
import type { ChannelType } from '../src/index.js';
import { startTestBot } from '../src/index.js';
import { call, closeAfterTest, startSandbox } from './helpers.js';

/** The limits the sandbox holds bots to, written out again here as the test's own expectation. */
const TEXT_LIMITS: Array<[ChannelType, number, 'characters' | 'bytes']> = [
  ['whatsapp', 4096, 'characters'],
  ['whatsapp_business', 4096, 'characters'],
  ['instagram', 1000, 'bytes'],
  ['instagram_business', 1000, 'bytes'],
  ['telegram', 4096, 'characters'],
  ['telegram_personal', 4096, 'characters'],
  ['viber', 7000, 'characters'],
  ['vkontakte', 9000, 'characters'],
  ['vkontakte_direct', 9000, 'characters'],
  ['facebook', 2000, 'characters'],
  ['avito', 1000, 'characters'],
];

/** A text of exactly `length` units: ASCII, or two-byte letters where bytes count. */
function textOf(length: number, unit: 'characters' | 'bytes'): string {
  if (unit === 'characters') return 'x'.repeat(length);
  return 'é'.repeat(Math.floor(length / 2)) + (length % 2 ? 'x' : '');
}

describe("Pact's limits, sent straight to the API (v1)", () => {
  it('takes text up to each messenger’s limit and refuses one unit more with 400', async () => {
    const sandbox = await startSandbox();
    for (const [channel, limit, unit] of TEXT_LIMITS) {
      const customer = sandbox.newCustomer({ channel });
      const path = `/p1/companies/1/conversations/${customer.conversationId}/messages`;
      const fits = await call(sandbox, 'POST', path, { json: { message: textOf(limit, unit) } });
      expect(fits.status, `${channel} at ${limit}`).toBe(200);
      const over = await call(sandbox, 'POST', path, {
        json: { message: textOf(limit + 1, unit) },
      });
      expect(over.status, `${channel} at ${limit + 1}`).toBe(400);
      expect(over.body).toEqual({
        status: 'errored',
        message: `message is ${limit + 1} ${unit} long; ${channel} takes at most ${limit}`,
      });
    }
  });

  it('counts characters as code points: an emoji is one', async () => {
    const sandbox = await startSandbox();
    const customer = sandbox.newCustomer({ channel: 'avito' });
    const path = `/p1/companies/1/conversations/${customer.conversationId}/messages`;
    const answer = await call(sandbox, 'POST', path, { json: { message: '🍕'.repeat(1000) } });
    expect(answer.status).toBe(200);
  });

  it('refuses WhatsApp Business buttons Pact refuses, saying which rule broke', async () => {
    const sandbox = await startSandbox();
    const waba = sandbox.newCustomer({ channel: 'whatsapp_business' });
    const path = `/p1/companies/1/conversations/${waba.conversationId}/messages`;
    const send = (message: string, buttons: unknown) =>
      call(sandbox, 'POST', path, { json: { message, interactive: { type: 'button', buttons } } });
    const cases: Array<[string, unknown, string]> = [
      ['pick', [], 'interactive: a message takes 1 to 3 buttons, got 0'],
      ['pick', ['a', 'b', 'c', 'd'], 'interactive: a message takes 1 to 3 buttons, got 4'],
      [
        'pick',
        ['x'.repeat(21)],
        `interactive: button titles must be 1 to 20 characters, got "${'x'.repeat(21)}" (21)`,
      ],
      ['pick', ['  '], 'interactive: button titles must be 1 to 20 characters, got "  " (0)'],
      ['pick', ['Yes', 'yes'], 'interactive: button titles must be unique, got "yes" twice'],
      [
        'y'.repeat(1025),
        ['a'],
        'interactive: the text above buttons must be at most 1024 characters, got 1025',
      ],
      ['pick', [1, 2], 'interactive.buttons must be an array of button titles (strings)'],
    ];
    for (const [message, buttons, refusal] of cases) {
      const answer = await send(message, buttons);
      expect(answer.status, refusal).toBe(400);
      expect(answer.body).toEqual({ status: 'errored', message: refusal });
    }
    expect(waba.messages()).toEqual([]);

    const atTheLimits = await send('z'.repeat(1024), [
      'a'.repeat(20),
      'b'.repeat(20),
      '🍕'.repeat(20),
    ]);
    expect(atTheLimits.status).toBe(200);
    expect(waba.messages()[0]!.buttons).toEqual(['a'.repeat(20), 'b'.repeat(20), '🍕'.repeat(20)]);
  });
});

describe("a bot built on @pactbot/core, held to Pact's limits", () => {
  it('splits a long reply into parts each messenger takes, as few as fit', async () => {
    const tester = closeAfterTest(
      await startTestBot((bot) =>
        bot.on('message:text', (ctx) => {
          const [, unit, size] = /^(\w+) (\d+)$/.exec(ctx.text)!;
          const word = unit === 'bytes' ? 'éé ' : 'ab ';
          return ctx.reply(word.repeat(Number(size)).trim());
        }),
      ),
    );
    for (const [channel, limit, unit] of TEXT_LIMITS) {
      const words = Math.ceil((limit * 1.5) / (unit === 'bytes' ? 5 : 3));
      const replies = await tester.chat({ channel }).send(`${unit} ${words}`);
      const sizes = replies.map((r) =>
        unit === 'bytes' ? Buffer.byteLength(r.text) : [...r.text].length,
      );
      expect(sizes.length, `${channel}: ${sizes.join(', ')}`).toBe(2);
      expect(sizes[0], `${channel}: the first part fills the limit`).toBeGreaterThan(limit - 6);
    }
  });

  it('sends three buttons of 20 characters under a text of 1024 on WhatsApp Business', async () => {
    const titles = ['Margherita with basil', 'Quattro formaggi 4', 'Diavola, extra hot!'].map((t) =>
      t.slice(0, 20),
    );
    const tester = closeAfterTest(
      await startTestBot((bot) =>
        bot.on('message', (ctx) => ctx.buttons('m'.repeat(1024), titles)),
      ),
    );
    await tester.chat().send('menu').assertReply({ buttons: titles });
  });
});
