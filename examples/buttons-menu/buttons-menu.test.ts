import { afterEach, describe, expect, it } from 'vitest';
import { startTestBot, type TestBot } from '@pactbot/sandbox';
import { buttonsMenu } from './buttons-menu.js';

let tester: TestBot | undefined;
afterEach(async () => {
  await tester?.close();
  tester = undefined;
});

describe.each([1, 2] as const)('the buttons-menu example on Pact API v%s', (apiVersion) => {
  it('walks through the menu with buttons on WhatsApp Business (interactive on v1, numbered on v2)', async () => {
    tester = await startTestBot(buttonsMenu, { apiVersion });
    const chat = tester.chat({ channel: 'whatsapp_business' });
    await chat
      .send('order')
      .assertReply({
        text: 'What would you like to order?',
        buttons: ['🍕 Pizza', '🍣 Sushi', '🥗 Salad'],
      })
      .press('🍣 Sushi')
      .assertReply({
        text: '🍣 Sushi it is. Which size?',
        buttons: ['Small', 'Medium', 'Large'],
      })
      .press('Large')
      .assertReply('✅ One large sushi set, coming right up! It is on its way.')
      .assertReply({ text: 'Hungry for more?', buttons: ['Order again'] });
    // v2 has no interactive messages: the same menu goes as numbered text.
    expect(chat.lastReply.interactive).toBe(apiVersion === 1);
  });

  it('offers a numbered list on Telegram, where typing the number presses', async () => {
    tester = await startTestBot(buttonsMenu, { apiVersion });
    const chat = tester.chat({ channel: 'telegram' });
    await chat.send('ORDER');
    expect(chat.lastReply.text).toBe(
      'What would you like to order?\n\n1. 🍕 Pizza\n2. 🍣 Sushi\n3. 🥗 Salad',
    );
    expect(chat.lastReply.interactive).toBe(false);
    await chat.send('1').assertReply(/^🍕 Pizza it is\. Which size\?/);
    await chat.press('Small').assertReply(/One small pizza/);
  });

  it('starts over from "Order again"', async () => {
    tester = await startTestBot(buttonsMenu, { apiVersion });
    const chat = tester.chat();
    await chat.send('order').press('🥗 Salad').press('Medium');
    await chat.press('Order again').assertReply({ buttons: ['🍕 Pizza', '🍣 Sushi', '🥗 Salad'] });
  });
});
