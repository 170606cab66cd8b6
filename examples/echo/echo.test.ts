import { afterEach, describe, expect, it } from 'vitest';
import { startTestBot, type TestBot } from '@pactbot/sandbox';
import { echo } from './echo.js';

let tester: TestBot | undefined;
afterEach(async () => {
  await tester?.close();
  tester = undefined;
});

describe.each([1, 2] as const)('the echo example on Pact API v%s', (apiVersion) => {
  it('writes back what the customer wrote', async () => {
    tester = await startTestBot(echo, { apiVersion });
    const chat = tester.chat();
    await chat.send('hello there');
    expect(chat.lastReply.text).toBe('hello there');
    await chat.send('and again').assertReply('and again').assertNoReply();
  });

  it('never answers its own echo: one reply per message, however many webhooks follow', async () => {
    tester = await startTestBot(echo, { apiVersion });
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

describe('the echo example on Pact API v1', () => {
  it('answers a shared location with its coordinates (API v1: v2 messages carry no location)', async () => {
    tester = await startTestBot(echo);
    await tester
      .chat({ channel: 'telegram' })
      .sendLocation({ latitude: 55.753915, longitude: 37.620795 })
      .assertReply('📍 You are at 55.7539, 37.6208.');
  });
});
