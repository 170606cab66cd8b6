import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestBot, type TestBot } from '@pactbot/sandbox';
import { attachments, PICTURE_PATH } from './attachments.js';

let tester: TestBot | undefined;
afterEach(async () => {
  await tester?.close();
  tester = undefined;
});

describe.each([1, 2] as const)('the attachments example on Pact API v%s', (apiVersion) => {
  it('sends a picture by URL, with a caption', async () => {
    tester = await startTestBot(
      (bot) => attachments(bot, { pictureUrl: 'https://example.com/pictures/cat.png' }),
      { apiVersion },
    );
    await tester
      .chat()
      .send('files')
      .assertReply({ buttons: ['🔗 By URL', '💾 From disk'] })
      .press('🔗 By URL')
      .assertReply({
        text: 'This picture went by URL: Pact fetched it.',
        attachments: [
          {
            fileName: 'cat.png',
            mimeType: 'image/png',
            url: 'https://example.com/pictures/cat.png',
          },
        ],
      });
  });

  it('uploads the file from the repository, which the sandbox then serves', async () => {
    tester = await startTestBot(attachments, { apiVersion });
    const chat = tester.chat({ channel: 'telegram' });
    await chat.send('file').send('2');
    const [picture] = chat.replies[0]!.attachments;
    expect(picture).toMatchObject({ fileName: 'pactbot.png', mimeType: 'image/png' });
    const served = await fetch(picture!.url);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer())).toEqual(await readFile(PICTURE_PATH));
  });

  it('thanks the customer for a file they send', async () => {
    tester = await startTestBot(attachments, { apiVersion });
    await tester
      .chat()
      .sendFile({ data: 'name,qty\npizza,2\n', name: 'order.csv' })
      .assertReply('Thanks! I got order.csv (17 bytes). 👍');
  });
});
