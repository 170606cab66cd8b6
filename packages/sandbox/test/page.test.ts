import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bot } from '@pactbot/core';
import type { Page } from 'playwright-core';
import type { Sandbox, SandboxOptions } from '../src/index.js';
import { launchChromium, type TestBrowser } from './browser.js';
import { closeAfterTest, startSandbox } from './helpers.js';

let browser: TestBrowser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** A small pizzeria bot: a menu of buttons, files, and an echo. */
function pizzeria(bot: Bot): void {
  bot.hears(/^hi$/i, (ctx) => ctx.buttons('Hi! What would you like?', ['Pizza', 'Salad']));
  bot.action('Pizza', (ctx) => ctx.reply('One pizza, coming up!'));
  bot.on('message:attachments', (ctx) => ctx.reply(`Got ${ctx.attachments[0].file_name}`));
  bot.on('message:text', (ctx) => ctx.reply(`You said: ${ctx.text}`));
}

/** A sandbox with the pizzeria connected, and one customer, Ann, on WhatsApp Business. */
async function pizzeriaSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const sandbox = await startSandbox({
    delivery: { sentMs: 20, deliveredMs: 60, readMs: 120 },
    ...options,
  });
  const bot = new Bot({ ...sandbox.botOptions, rateLimit: false });
  pizzeria(bot);
  const disconnect = sandbox.connect(bot);
  closeAfterTest({ close: () => (disconnect(), bot.stop().then(() => undefined)) });
  sandbox.newCustomer({ name: 'Ann', channel: 'whatsapp_business' });
  return sandbox;
}

async function open(sandbox: Sandbox, viewport?: { width: number; height: number }) {
  const page = await browser.page(viewport);
  closeAfterTest({ close: () => page.close() });
  await page.goto(sandbox.chatUrl);
  await page.getByRole('heading', { name: 'Ann' }).waitFor();
  return page;
}

async function write(page: Page, text: string) {
  await page.getByRole('textbox', { name: 'Message' }).fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
}

const messages = (page: Page) => page.getByRole('log', { name: /^Messages with / });

describe('the chat page, in Chromium', () => {
  it("shows the bot's reply to what the customer types, and its ticks up to read", async () => {
    const sandbox = await pizzeriaSandbox();
    const page = await open(sandbox);
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Bot connected');
    await write(page, 'hello bot');
    const reply = messages(page).getByRole('listitem').filter({ hasText: 'You said: hello bot' });
    await reply.getByRole('img', { name: 'Read' }).waitFor();
    await messages(page).getByRole('listitem').filter({ hasText: 'hello bot' }).first().waitFor();
    expect(await page.getByRole('textbox', { name: 'Message' }).inputValue()).toBe('');
    expect(page.errors).toEqual([]);
  });

  it('shows ✓✓ delivered while the customer has not read, and a warning when not delivered', async () => {
    const sandbox = await pizzeriaSandbox({
      delivery: { sentMs: 0, deliveredMs: 0, readMs: false },
    });
    const page = await open(sandbox);
    await write(page, 'one');
    const first = messages(page).getByRole('listitem').filter({ hasText: 'You said: one' });
    await first.getByRole('img', { name: 'Delivered' }).waitFor();
    sandbox.setFaults({ undelivered: 1 });
    await write(page, 'two');
    const second = messages(page).getByRole('listitem').filter({ hasText: 'You said: two' });
    await second.getByRole('img', { name: 'Not delivered' }).waitFor();
    expect(await first.getByRole('img', { name: 'Delivered' }).count()).toBe(1);
  });

  it("taps a WhatsApp Business button and sees the bot's next step", async () => {
    const sandbox = await pizzeriaSandbox();
    const page = await open(sandbox);
    await write(page, 'hi');
    const buttons = messages(page).getByRole('group', { name: 'Buttons' });
    await buttons.getByRole('button', { name: 'Pizza' }).click();
    await messages(page).getByText('One pizza, coming up!').waitFor();
    const [customer] = sandbox.customers();
    expect(customer!.messages().map((m) => `${m.from}: ${m.text}`)).toEqual([
      'customer: hi',
      'bot: Hi! What would you like?',
      'customer: Pizza',
      'bot: One pizza, coming up!',
    ]);
  });

  it('starts a chat on Telegram, where buttons come as a numbered list', async () => {
    const sandbox = await pizzeriaSandbox();
    const page = await open(sandbox);
    await page.getByRole('textbox', { name: 'Customer name' }).fill('Boris');
    await page.getByRole('combobox', { name: 'Channel' }).selectOption({ label: 'Telegram' });
    await page.getByRole('button', { name: 'Start chat' }).click();
    await page.getByRole('heading', { name: 'Boris' }).waitFor();
    await write(page, 'hi');
    await messages(page)
      .getByText(/1\. Pizza\s+2\. Salad/)
      .waitFor();
    expect(await messages(page).getByRole('group', { name: 'Buttons' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Ann, WhatsApp Business' }).click();
    await page.getByRole('heading', { name: 'Ann' }).waitFor();
    expect(sandbox.customers().map((c) => [c.name, c.channel.type])).toEqual([
      ['Ann', 'whatsapp_business'],
      ['Boris', 'telegram'],
    ]);
  });

  it('sends a file, which shows in the chat and reaches the bot', async () => {
    const sandbox = await pizzeriaSandbox();
    const page = await open(sandbox);
    await page.locator('#file-input').setInputFiles({
      name: 'order.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('2 × margherita'),
    });
    await messages(page).getByText('Got order.txt').waitFor();
    const link = messages(page).getByRole('link', { name: /order\.txt/ });
    const served = await fetch((await link.getAttribute('href'))!);
    expect(await served.text()).toBe('2 × margherita');
  });

  it('lists webhooks and API calls live, with their bodies a click away', async () => {
    const sandbox = await pizzeriaSandbox();
    const page = await open(sandbox);
    await write(page, 'hi there');
    const log = page.getByRole('list', { name: 'Webhooks and API calls' });
    const incoming = log.getByRole('listitem').filter({ hasText: 'the customer: "hi there"' });
    await incoming.waitFor();
    await incoming.getByText('message/new').click();
    await incoming.getByText('"income": true').waitFor();
    await log
      .getByRole('listitem')
      .filter({ hasText: /POST\/p1\/companies\/1\/conversations\/\d+\/messages/ })
      .first()
      .waitFor();
    await page.getByRole('button', { name: 'API calls' }).click();
    expect(await incoming.isVisible()).toBe(false);
  });

  it('sets faults from the page, and shows faults set elsewhere', async () => {
    const sandbox = await pizzeriaSandbox();
    const page = await open(sandbox);
    await page.getByText('Faults').click();
    await page.getByRole('slider', { name: '5xx server errors' }).fill('50');
    await expect.poll(() => sandbox.faults.serverErrors).toBe(0.5);
    sandbox.setFaults({ latencyMs: 250 });
    await expect
      .poll(() => page.getByRole('slider', { name: 'Added latency' }).inputValue())
      .toBe('250');
    await expect.poll(() => page.locator('#faults-summary').textContent()).toBe('2 on');
    await page.getByRole('button', { name: 'Back to a calm day' }).click();
    await expect.poll(() => sandbox.faults).toMatchObject({ serverErrors: 0, latencyMs: 0 });
  });

  it('fits a phone: the chats open from the menu button', async () => {
    const sandbox = await pizzeriaSandbox();
    const page = await open(sandbox, { width: 390, height: 800 });
    expect(await page.getByRole('button', { name: 'Start chat' }).isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Chats' }).click();
    await page.getByRole('button', { name: 'Start chat' }).waitFor();
    await page.getByRole('button', { name: 'Ann, WhatsApp Business' }).click();
    await write(page, 'small screen');
    await messages(page).getByText('You said: small screen').waitFor();
    expect(page.errors).toEqual([]);
  });
});
