import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemorySessionStore } from '@pactbot/core';
import { startTestBot, type TestBot } from '@pactbot/sandbox';
import type { SurveySession } from '../survey/survey.js';
import { REMINDER_TEXT } from './reminders.js';
import { showcase, type ShowcaseContext } from './showcase.js';

let tester: TestBot<ShowcaseContext> | undefined;
afterEach(async () => {
  await tester?.close();
  tester = undefined;
  vi.useRealTimers();
});

/** Reminders the bot scheduled, to run when the test says "tomorrow" has come. */
let due: Array<() => Promise<void>> = [];
/** Reminders that could not be sent. */
let failures: unknown[] = [];

async function start(channel?: 'whatsapp_business' | 'telegram') {
  due = [];
  failures = [];
  tester = await startTestBot<ShowcaseContext>((bot) =>
    showcase(bot, {
      store: new MemorySessionStore<SurveySession>(),
      pictureUrl: 'https://example.com/picture.png',
      reminders: {
        schedule: (delayMs, remind) => {
          expect(delayMs).toBe(24 * 60 * 60 * 1000);
          due.push(remind);
        },
        onError: (error) => failures.push(error),
      },
    }),
  );
  return tester.chat(channel === undefined ? undefined : { channel });
}

/** Runs the reminders that are due, and resolves once they were sent and their delivery settled. */
async function tomorrow(): Promise<void> {
  for (const remind of due.splice(0)) await remind();
  expect(failures).toEqual([]);
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

describe('"remind me tomorrow"', () => {
  it('reminds with a message of its own while the WhatsApp Business window is open', async () => {
    const chat = await start();
    await chat.send('remind me tomorrow').assertReply("⏰ Sure — I'll remind you tomorrow.");
    await tomorrow();
    expect(chat.transcript.at(-1)).toMatchObject({ text: REMINDER_TEXT, template: null });
  });

  it('reminds with a template once the window has closed: the message is refused before Pact', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const chat = await start();
    await chat.send('remind me tomorrow');
    vi.setSystemTime(Date.now() + 25 * 60 * 60 * 1000);
    const before = chat.transcript.length;
    await tomorrow();
    const after = chat.transcript.slice(before);
    expect(after.map((m) => m.text)).toEqual([
      'Welcome back! Reply to this message to pick up where we left off.',
    ]);
    expect(after[0]!.template).toEqual({ name: 'welcome_back', language: 'en', parameters: [] });
  });

  it('sends the template when WhatsApp refuses the message for the window (the bot knew less than Pact)', async () => {
    const chat = await start();
    await chat.send('remind me tomorrow');
    // Only the customer's clock moves: the bot still thinks the window open.
    chat.advance('25h');
    await tomorrow();
    const [refused, template] = chat.transcript.slice(-2);
    expect(refused).toMatchObject({ text: REMINDER_TEXT, status: 'not delivered' });
    expect(refused!.failure).toMatch(/131047/);
    expect(template!.template).toMatchObject({ name: 'welcome_back' });
  });

  it('is a plain message on other messengers', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const chat = await start('telegram');
    await chat.send('Remind me tomorrow, please');
    vi.setSystemTime(Date.now() + 25 * 60 * 60 * 1000);
    await tomorrow();
    expect(chat.transcript.at(-1)).toMatchObject({ text: REMINDER_TEXT, template: null });
  });
});
