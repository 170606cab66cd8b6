import { afterEach, describe, expect, it } from 'vitest';
import { MemorySessionStore } from '@pactbot/core';
import { startTestBot, type TestBot } from '@pactbot/sandbox';
import type { SurveySession } from '../survey/survey.js';
import { showcase, type ShowcaseContext } from './showcase.js';

let tester: TestBot<ShowcaseContext> | undefined;
afterEach(async () => {
  await tester?.close();
  tester = undefined;
});

async function start() {
  tester = await startTestBot<ShowcaseContext>((bot) =>
    showcase(bot, {
      store: new MemorySessionStore<SurveySession>(),
      pictureUrl: 'https://example.com/picture.png',
    }),
  );
  return tester.chat();
}

const MENU = ['🍕 Order food', '📋 Take a survey', '📎 Files'];

describe('the showcase bot', () => {
  it('greets with a menu of buttons, one per demo', async () => {
    const chat = await start();
    await chat.send('Hi!').assertReply({ text: /^👋 Hi! I'm the pactbot showcase/, buttons: MENU });
  });

  it('leads from the menu to each demo', async () => {
    const chat = await start();
    await chat
      .send('menu')
      .press('🍕 Order food')
      .assertReply({ buttons: ['🍕 Pizza', '🍣 Sushi', '🥗 Salad'] });
    await chat
      .send('menu')
      .press('📋 Take a survey')
      .assertReply(/what is your name\?/);
    await chat.send('Ann').assertReply(/Nice to meet you, Ann!/);
    await chat
      .send('menu')
      .press('📎 Files')
      .assertReply({ buttons: ['🔗 By URL', '💾 From disk'] });
    await chat
      .press('🔗 By URL')
      .assertReply({ attachments: [{ url: 'https://example.com/picture.png' }] });
  });

  it('echoes anything else, and shows the menu again after "cancel" in the survey', async () => {
    const chat = await start();
    await chat.send('what a nice day').assertReply('what a nice day');
    await chat
      .send('survey')
      .send('cancel')
      .assertReply('Survey cancelled. Write "survey" to start again.')
      .assertReply({ buttons: MENU });
  });

  it("leaves a running survey when the customer presses another demo's button", async () => {
    const chat = await start();
    await chat.send('menu');
    await chat.send('survey').assertReply(/what is your name\?/);
    await chat
      .send('menu')
      .press('🍕 Order food')
      .assertReply({ text: 'What would you like to order?' });
    await chat.send('just chatting').assertReply('just chatting');
    expect(chat.replies).toHaveLength(1);
  });
});
