import { fileURLToPath } from 'node:url';
import type { Composer, Context } from '@pactbot/core';

/** The button id that opens the files demo; put it on a button of your own to lead here. */
export const FILES_DEMO = 'files:open';

/** The picture sent from disk: a file in this repository. */
export const PICTURE_PATH = fileURLToPath(new URL('./files/pactbot.png', import.meta.url));

/** A public picture for Pact to fetch when the bot sends by URL. */
export const DEFAULT_PICTURE_URL =
  'https://upload.wikimedia.org/wikipedia/commons/4/47/PNG_transparency_demonstration_1.png';

/** Options of {@link attachments}. */
export interface AttachmentsOptions {
  /** The picture to send by URL; Pact must be able to fetch it. Default: a picture on Wikimedia. */
  pictureUrl?: string | undefined;
}

function size(bytes: unknown): string {
  if (typeof bytes !== 'number') return '';
  return bytes < 1024 ? ` (${bytes} bytes)` : ` (${(bytes / 1024).toFixed(1)} KB)`;
}

/**
 * The files demo: the bot sends a picture by URL (Pact fetches it) and a file from disk (the bot
 * uploads it), and thanks the customer for files they send.
 */
export function attachments<C extends Context>(
  bot: Composer<C>,
  options: AttachmentsOptions = {},
): void {
  const pictureUrl = options.pictureUrl ?? DEFAULT_PICTURE_URL;
  const offer = (ctx: Context, text: string) =>
    ctx.buttons(text, [
      { title: '🔗 By URL', id: 'files:url' },
      { title: '💾 From disk', id: 'files:disk' },
    ]);
  const open = (ctx: Context) =>
    offer(
      ctx,
      '📎 I can send a picture by its URL, or upload a file from my disk. You can send me a file too!',
    );
  bot.action(FILES_DEMO, open);
  bot.hears(/^files?$/i, open);

  // After each file, the choice again: a menu is used up once pressed.
  bot.action('files:url', async (ctx) => {
    await ctx.attach(pictureUrl, { caption: 'This picture went by URL: Pact fetched it.' });
    await offer(ctx, 'Another one?');
  });
  bot.action('files:disk', async (ctx) => {
    await ctx.attach(
      { path: PICTURE_PATH },
      { caption: 'This one was uploaded from examples/attachments/files/pactbot.png.' },
    );
    await offer(ctx, 'Another one?');
  });

  bot.on('message:attachments', (ctx) => {
    const names = ctx.attachments.map((file) => `${file.file_name ?? 'a file'}${size(file.size)}`);
    return ctx.reply(`Thanks! I got ${names.join(', ')}. 👍`);
  });
}
