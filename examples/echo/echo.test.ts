import { afterEach, describe, expect, it } from 'vitest';
import { startTestBot, type TestBot } from '@pactbot/sandbox';
import { echo } from './echo.js';

let tester: TestBot | undefined;
afterEach(async () => {
  await tester?.close();
  tester = undefined;
});

describe('the echo example', () => {
  it('writes back what the customer wrote', async () => {
    tester = await startTestBot(echo);
    const chat = tester.chat();
    await chat.send('hello there');
    expect(chat.lastReply.text).toBe('hello there');
    await chat.send('and again').assertReply('and again').assertNoReply();
  });

  it('answers a shared location with its coordinates', async () => {
    tester = await startTestBot(echo);
    await tester
      .chat({ channel: 'telegram' })
      .sendLocation({ latitude: 55.753915, longitude: 37.620795 })
      .assertReply('📍 You are at 55.7539, 37.6208.');
  });

  it('never answers its own echo: one reply per message, however many webhooks follow', async () => {
    tester = await startTestBot(echo);
    const chat = tester.chat();
    await chat.send('one');
    await chat.send('two');
    expect(chat.transcript.map((m) => `${m.from}: ${m.text}`)).toEqual([
      'customer: one',
      'bot: one',
      'customer: two',
      'bot: two',
    ]);
  });
});
