import { afterEach, describe, expect, it } from 'vitest';
import { MemorySessionStore, type DialogState, type SessionStore } from '@pactbot/core';
import { startTestBot, type TestBot } from '@pactbot/sandbox';
import { survey, type SurveyAnswers, type SurveyContext } from './survey.js';

let tester: TestBot<SurveyContext> | undefined;
afterEach(async () => {
  await tester?.close();
  tester = undefined;
});

async function start(
  apiVersion: 1 | 2,
  store: SessionStore<DialogState> = new MemorySessionStore<DialogState>(),
) {
  const completed: SurveyAnswers[] = [];
  tester = await startTestBot<SurveyContext>(
    (bot) => survey(bot, { store, onComplete: (answers) => void completed.push(answers) }),
    { apiVersion },
  );
  return { completed };
}

describe.each([1, 2] as const)('the survey example on Pact API v%s', (apiVersion) => {
  it('asks three questions over several messages and sums up the answers', async () => {
    const { completed } = await start(apiVersion);
    const chat = tester!.chat();
    await chat
      .send('survey')
      .assertReply(/what is your name\?/)
      .send('Ann')
      .assertReply({
        text: 'Nice to meet you, Ann! How do you like pactbot so far?',
        buttons: ['😍 Love it', "🙂 It's fine", '🤔 Not sure yet'],
      })
      .press('😍 Love it')
      .assertReply({ buttons: ['Skip'] })
      .send('More examples, please')
      .assertReply(
        '🙏 Thanks, Ann! You told us:\n• Rating: 😍 Love it\n• Idea: More examples, please',
      );
    expect(completed).toEqual([
      { name: 'Ann', rating: '😍 Love it', idea: 'More examples, please' },
    ]);
  });

  it('keeps each customer on their own step', async () => {
    await start(apiVersion);
    const ann = tester!.chat({ name: 'Ann' });
    const bob = tester!.chat({ name: 'Bob' });
    await ann.send('survey');
    await bob.send('survey');
    await ann.send('Ann').assertReply(/Nice to meet you, Ann!/);
    await bob.send('Bob').assertReply(/Nice to meet you, Bob!/);
    await ann
      .press('🤔 Not sure yet')
      .press('Skip')
      .assertReply(/Rating: 🤔 Not sure yet\n• Idea: \(skipped\)/);
    await bob.press("🙂 It's fine").assertReply(/What could we do better\?/);
  });

  it('insists on a button for the rating, and stops on "cancel"', async () => {
    await start(apiVersion);
    const chat = tester!.chat({ channel: 'viber' });
    await chat.send('survey').send('Ann');
    await chat.send('great').assertReply({ text: /^Please pick one of the buttons:/ });
    await chat.send('cancel').assertReply('Survey cancelled. Write "survey" to start again.');
    await chat.send('Ann').assertNoReply();
  });

  it('keeps progress in the store it is given, and forgets the survey once it ends', async () => {
    const written: Array<{ id: string; turn: number } | 'deleted'> = [];
    const store = new MemorySessionStore<DialogState>();
    const recording: SessionStore<DialogState> = {
      get: (key) => store.get(key),
      set: (key, value) => {
        written.push({ id: value.id, turn: value.turn });
        store.set(key, value);
      },
      delete: (key) => {
        written.push('deleted');
        store.delete(key);
      },
    };
    await start(apiVersion, recording);
    await tester!
      .chat()
      .send('survey')
      .send('Ann')
      .press('😍 Love it')
      .press('Skip')
      .assertReply(/Idea: \(skipped\)/);
    expect(written).toEqual([
      { id: 'survey', turn: 1 },
      { id: 'survey', turn: 2 },
      { id: 'survey', turn: 3 },
      'deleted',
    ]);
  });
});
