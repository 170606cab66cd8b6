import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Sandbox } from '../src/index.js';
import { launchChromium, type TestBrowser } from './browser.js';
import { closeAfterTest, startSandbox, WebhookReceiver } from './helpers.js';
import { v2 } from './v2-helpers.js';

let browser: TestBrowser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/**
 * A v2 sandbox with no bot: the test itself plays the bot through the v2 API, and a customer, Ann,
 * on WhatsApp Business. Its webhooks go to a company webhook, so the inspector shows them delivered.
 */
async function v2Sandbox(): Promise<{ sandbox: Sandbox; receiver: WebhookReceiver }> {
  const receiver = await new WebhookReceiver().start();
  const sandbox = await startSandbox({
    apiVersion: 2,
    rateLimits: false,
    webhookUrl: receiver.url,
    delivery: { sentMs: 20, deliveredMs: 60, readMs: 120 },
  });
  sandbox.newCustomer({ name: 'Ann', channel: 'whatsapp_business' });
  return { sandbox, receiver };
}

async function open(sandbox: Sandbox) {
  const page = await browser.page();
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

function sendAsBot(sandbox: Sandbox, conversationId: number, text: string) {
  return v2(sandbox, 'POST', `/conversations/${conversationId}/messages`, {
    json: { company_id: sandbox.companyId, text },
  });
}

describe('the chat page on API v2, in Chromium', () => {
  it('shows what the API sends as the bot, numbered options as text, and ticks up to read', async () => {
    const { sandbox, receiver } = await v2Sandbox();
    const page = await open(sandbox);
    await expect.poll(() => page.locator('#company').textContent()).toContain('API v2');
    const [ann] = sandbox.customers();
    await write(page, 'hi');
    await messages(page).getByRole('listitem').filter({ hasText: 'hi' }).waitFor();
    await receiver.until((received) => received.some((r) => r.body.type === 'message'));

    const sent = await sendAsBot(
      sandbox,
      ann!.conversationId,
      'What would you like?\n\n1. Pizza\n2. Salad',
    );
    expect(sent.status).toBe(200);
    const menu = messages(page).getByRole('listitem').filter({ hasText: 'What would you like?' });
    await menu.getByRole('img', { name: 'Read' }).waitFor();
    expect(await menu.textContent()).toContain('1. Pizza');
    expect(await messages(page).getByRole('group', { name: 'Buttons' }).count()).toBe(0);

    await write(page, '1');
    await expect
      .poll(async () => {
        const list = await v2(sandbox, 'GET', `/conversations/${ann!.conversationId}/messages`, {
          query: { company_id: 1 },
        });
        return (list.body.messages as Array<{ income: boolean; message: string }>)
          .filter((m) => m.income)
          .map((m) => m.message);
      })
      .toEqual(['hi', '1']);
    expect(page.errors).toEqual([]);
  });

  it('lists v2 API calls and webhooks in the inspector, with their bodies', async () => {
    const { sandbox } = await v2Sandbox();
    const page = await open(sandbox);
    const [ann] = sandbox.customers();
    await write(page, 'hello');
    await sendAsBot(sandbox, ann!.conversationId, 'Hello from the API');
    const log = page.getByRole('list', { name: 'Webhooks and API calls' });
    await log
      .getByRole('listitem')
      .filter({ hasText: /POST\/api\/p2\/conversations\/\d+\/messages/ })
      .first()
      .waitFor();
    const incoming = log.getByRole('listitem').filter({ hasText: 'the customer: "hello"' });
    await incoming.waitFor();
    await incoming.getByText('message/create').click();
    await incoming.getByText('"status": "created"').waitFor();
    await log.getByRole('listitem').filter({ hasText: 'sent: "Hello from the API"' }).waitFor();
    await log.getByRole('listitem').filter({ hasText: 'read · message' }).first().waitFor();
  });

  it('shows a conversation the API wrote first in, deleted messages, and drops conversations whose auth went', async () => {
    const { sandbox } = await v2Sandbox();
    const page = await open(sandbox);
    const labels = await page
      .getByRole('combobox', { name: 'Channel' })
      .locator('option')
      .allTextContents();
    expect(labels).toContain('Instagram Business');
    expect(labels).toContain('MAX');
    expect(labels).not.toContain('Instagram');

    const first = await v2(sandbox, 'POST', '/messages', {
      json: {
        company_id: 1,
        provider: 'whatsapp',
        phone: '79001234567',
        text: 'Your order is ready',
      },
    });
    const message = first.body.message as { id: number; conversation_id: number };
    const item = page.getByRole('button', { name: /^79001234567, WhatsApp/ });
    await item.click();
    await messages(page).getByText('Your order is ready').waitFor();

    await v2(sandbox, 'DELETE', `/conversations/${message.conversation_id}/messages`, {
      json: { company_id: 1, message_ids: [message.id] },
    });
    await messages(page).getByText('This message was deleted').waitFor();
    expect(await messages(page).getByText('Your order is ready').count()).toBe(0);

    const auths = await v2(sandbox, 'GET', '/companies/1/auths');
    const whatsapp = (auths.body.auths as Array<{ id: number; provider: string }>).find(
      (a) => a.provider === 'whatsapp',
    );
    await v2(sandbox, 'DELETE', `/companies/1/auths/${whatsapp!.id}`);
    await item.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Ann, WhatsApp Business' }).waitFor();
    expect(page.errors).toEqual([]);
  });
});
