import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { startTestBot, type TestBot } from '@pactbot/sandbox';
import { setup } from '../src/bot.js';

let tester: TestBot | undefined;
afterEach(async () => {
  await tester?.close();
  tester = undefined;
});

test('greets with a menu, and a press of its button is answered', async () => {
  tester = await startTestBot(setup);
  const chat = tester.chat();
  await chat
    .send('hi')
    .assertReply({ buttons: ['Tell me a joke', 'Bye'] })
    .press('Tell me a joke')
    .assertReply(/follow the webhook/);
});

test('says how to get the menu when it does not understand', async () => {
  tester = await startTestBot(setup);
  const chat = tester.chat({ channel: 'telegram' });
  await chat.send('what?');
  assert.equal(chat.lastReply.text, 'You said: what?. Write "hi" for the menu.');
});
