import { afterEach, describe, expect, it } from 'vitest';
import { startTestBot, type TestBot } from '@pactbot/sandbox';

let tester: TestBot | undefined;
afterEach(async () => {
  await tester?.close();
  tester = undefined;
});

describe('a menu in the test harness', () => {
  it('is one expectation whether it went as interactive buttons or as a numbered list', async () => {
    tester = await startTestBot((bot) =>
      bot.hears('menu', (ctx) => ctx.buttons('Pick one', ['Tea', 'Coffee'])),
    );
    for (const channel of ['whatsapp_business', 'telegram'] as const) {
      const chat = tester.chat({ channel });
      await chat.send('menu').assertReply({ text: 'Pick one', buttons: ['Tea', 'Coffee'] });
      expect(chat.lastReply.interactive).toBe(channel === 'whatsapp_business');
    }
    // Without buttons in the expectation, the text is the whole text.
    await tester
      .chat({ channel: 'telegram' })
      .send('menu')
      .assertReply('Pick one\n\n1. Tea\n2. Coffee');
  });

  it('says which text it compared when the text above the buttons differs', async () => {
    tester = await startTestBot((bot) => bot.hears('menu', (ctx) => ctx.buttons('Pick', ['Tea'])));
    await expect(
      tester
        .chat({ channel: 'telegram' })
        .send('menu')
        .assertReply({ text: 'Pick one', buttons: ['Tea'] }),
    ).rejects.toThrow('its text above its buttons is "Pick", expected "Pick one"');
  });
});
