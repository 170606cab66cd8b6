import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bot } from '@pactbot/core';
import type { Page } from 'playwright-core';
import { launchChromium, type TestBrowser } from './browser.js';
import { closeAfterTest, startSandbox } from './helpers.js';

let browser: TestBrowser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** A sandbox with an echo bot connected, and Ann on WhatsApp Business; the page open on her chat. */
async function openAnn() {
  const sandbox = await startSandbox({ delivery: { sentMs: 20, deliveredMs: 40, readMs: 60 } });
  const bot = new Bot({ ...sandbox.botOptions, rateLimit: false });
  bot.on('message:text', (ctx) => ctx.reply(`You said: ${ctx.text}`));
  const disconnect = sandbox.connect(bot);
  closeAfterTest({ close: () => (disconnect(), bot.stop().then(() => undefined)) });
  const ann = sandbox.newCustomer({ name: 'Ann' });
  const page = await browser.page();
  closeAfterTest({ close: () => page.close() });
  await page.goto(sandbox.chatUrl);
  await page.getByRole('heading', { name: 'Ann' }).waitFor();
  return { sandbox, bot, ann, page };
}

async function write(page: Page, text: string) {
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
}

const messages = (page: Page) => page.getByRole('log', { name: /^Messages with / });
const windowState = (page: Page) => page.locator('#window-state');
const clock = (page: Page) => page.getByRole('group', { name: "Customer's clock" });

describe('the chat page on WhatsApp Business, in Chromium', () => {
  it('moves the customer’s clock past the 24-hour window, and shows what is not delivered and why', async () => {
    const { bot, ann, page } = await openAnn();
    await expect.poll(() => windowState(page).textContent()).toMatch(/^Window closed/);
    await write(page, 'hi');
    await messages(page).getByText('You said: hi').waitFor();
    await expect
      .poll(() => windowState(page).textContent())
      .toBe('24-hour window open · closes in 23 h 59 min');

    await clock(page).getByRole('button', { name: '+1 h' }).click();
    await expect.poll(() => clock(page).textContent()).toContain('(+1 h)');
    expect(await windowState(page).textContent()).toBe(
      '24-hour window open · closes in 22 h 59 min',
    );
    await clock(page).getByRole('button', { name: '+25 h' }).click();
    await expect
      .poll(() => windowState(page).textContent())
      .toBe('24-hour window closed 2 h ago · only templates are delivered');
    expect(await clock(page).textContent()).toContain('(+26 h)');
    expect(ann.window?.open).toBe(false);

    await bot.api.messages.send(ann.conversationId, { message: 'Still hungry?' });
    const late = messages(page).getByRole('listitem').filter({ hasText: 'Still hungry?' });
    const ticks = late.getByRole('img', { name: 'Not delivered' });
    await ticks.waitFor();
    expect(await ticks.getAttribute('title')).toMatch(
      /^Not delivered: \(#131047\) Re-engagement message: More than 24 hours have passed/,
    );
    await late.getByText('Not delivered · (#131047) Re-engagement message').waitFor();

    // Back inside the window: the customer answers, and the bot's reply gets through.
    await write(page, 'yes');
    const reply = messages(page).getByRole('listitem').filter({ hasText: 'You said: yes' });
    await reply.getByRole('img', { name: 'Read' }).waitFor();
    await expect.poll(() => windowState(page).textContent()).toMatch(/^24-hour window open/);
    expect(page.errors).toEqual([]);
  });

  it('labels a template message, delivered outside the window', async () => {
    const { bot, ann, page } = await openAnn();
    await clock(page).getByRole('button', { name: '+25 h' }).click();
    await expect.poll(() => clock(page).textContent()).toContain('(+25 h)');
    await bot.api.channels.sendFirstMessage(ann.channel.id, {
      phone: ann.senderId,
      template: { id: 'order_update', language_code: 'en', parameters: ['#42'] },
    });
    const sent = messages(page)
      .getByRole('listitem')
      .filter({ hasText: 'Your order #42 has shipped' });
    await sent.getByRole('img', { name: 'Read' }).waitFor();
    await sent.getByText('Template · order_update · en').waitFor();
    expect(await sent.getAttribute('class')).toContain('template');
    expect(await windowState(page).textContent()).toMatch(/^Window closed/);
    // The other chats have no window to show.
    await page.getByRole('textbox', { name: 'Customer name' }).fill('Boris');
    await page.getByRole('combobox', { name: 'Channel' }).selectOption({ label: 'Telegram' });
    await page.getByRole('button', { name: 'Start chat' }).click();
    await page.getByRole('heading', { name: 'Boris' }).waitFor();
    expect(await clock(page).isVisible()).toBe(false);
    expect(page.errors).toEqual([]);
  });
});
