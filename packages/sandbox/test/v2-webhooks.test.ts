import { describe, expect, it } from 'vitest';
import type { Sandbox, SandboxOptions, WebhookEvent } from '../src/index.js';
import { v2Reference as reference } from './fixtures/v2-reference.js';
import { expectShapeOf, startSandbox, WebhookReceiver } from './helpers.js';
import { pngOf, RecordingBot, v2 } from './v2-helpers.js';

const TEST_BODY = { source: 'pact.im', operation: 'test' };

async function withBot(options: SandboxOptions = {}, ...statuses: number[]) {
  const sandbox = await startSandbox({ apiVersion: 2, rateLimits: false, ...options });
  const bot = new RecordingBot(sandbox.companyId, ...statuses);
  sandbox.connect(bot);
  return { sandbox, bot };
}

async function sendV2(sandbox: Sandbox, conversationId: number, text: string) {
  return v2(sandbox, 'POST', `/conversations/${conversationId}/messages`, {
    json: { company_id: sandbox.companyId, text },
  });
}

/** Creates a company webhook and turns it on; resolves its id. */
async function activeWebhook(sandbox: Sandbox, url: string): Promise<number> {
  const created = await v2(sandbox, 'POST', '/companies/1/webhooks', { json: { url } });
  const { id } = created.body.webhook as { id: number };
  const activated = await v2(sandbox, 'PUT', `/companies/1/webhooks/${id}`, {
    json: { active: true },
  });
  expect(activated.status).toBe(200);
  return id;
}

describe('v2 webhooks of a customer writing', () => {
  it('post conversation/create, then message/create (created), like the reference', async () => {
    const { sandbox, bot } = await withBot();
    const ann = sandbox.newCustomer({ channel: 'whatsapp', name: 'John Doe' });
    const outcome = await ann.sendFile(
      { data: pngOf(300, 200), name: 'image.png', type: 'image/png' },
      { caption: 'Hello' },
    );
    expect(outcome).toMatchObject({ delivered: true, attempts: 1 });
    expect(bot.labels()).toEqual(['conversation/create', 'message/create']);
    const [conversation, message] = bot.bodies;
    expectShapeOf(conversation, reference.conversationCreate);
    expectShapeOf(message, reference.messageCreateIncoming);
    expect(message!.object).toMatchObject({
      conversation_id: ann.conversationId,
      income: true,
      status: 'created',
      message: 'Hello',
      contact: {
        external_id: ann.senderId,
        external_public_id: ann.senderId,
        name: 'John Doe',
        phone: ann.senderId,
      },
      conversation: {
        id: ann.conversationId,
        last_message_id: ann.messages()[0]!.id,
        replied_state: 'unreplied',
      },
      attachments: [
        {
          file_name: 'image.png',
          mime_type: 'image/png',
          aspect_ratio: 1.5,
          data: { width: 300, height: 200 },
        },
      ],
    });
    expect((message!.object as { contact: object }).contact).not.toHaveProperty('internal_id');
    expect(conversation!.object).toMatchObject({
      id: ann.conversationId,
      provider: 'whatsapp',
      last_message_id: ann.messages()[0]!.id,
    });

    await ann.write('again');
    expect(bot.labels().slice(2)).toEqual(['message/create', 'conversation/update']);
    expectShapeOf(bot.bodies[3], reference.conversationUpdate);
    expect(bot.bodies[3]!.object).toMatchObject({ last_message_id: ann.messages()[1]!.id });
  });
});

describe('v2 webhooks of a sent message', () => {
  it('post message/create (sent, no external_id), then update delivered, then read', async () => {
    const { sandbox, bot } = await withBot();
    const ann = sandbox.newCustomer({ channel: 'whatsapp' });
    await ann.write('hi');
    await sendV2(sandbox, ann.conversationId, 'Thanks, we got it');
    await bot.until(() => bot.of('message/update').length === 2);
    expect(bot.labels().slice(2)).toEqual([
      'message/create',
      'conversation/update',
      'message/update',
      'message/update',
    ]);
    const [created] = bot.of('message/create').slice(1);
    expectShapeOf(created, {
      ...reference.messageCreateSent,
      object: {
        ...reference.messageCreateSent.object,
        contact: { ...reference.messageCreateSent.object.contact, avatar_url: null },
      },
    });
    expect(created!.object).toMatchObject({
      income: false,
      status: 'sent',
      external_id: null,
      message: 'Thanks, we got it',
      contact: { internal_id: 1, name: 'API' },
      conversation: { replied_state: 'replied' },
    });
    expect(created!.object.contact).not.toHaveProperty('external_id');
    const [delivered, read] = bot.of('message/update');
    expectShapeOf(delivered, reference.messageUpdateDelivered);
    expect(delivered!.object).toMatchObject({
      status: 'delivered',
      external_id: expect.stringMatching(/^wamid\./) as unknown,
    });
    expect(read!.object).toMatchObject({
      status: 'read',
      external_id: delivered!.object.external_id,
    });
    expect(ann.messages()[1]!.status).toBe('read');
  });

  it('post message/update with status error and details when the message is not delivered', async () => {
    const { sandbox, bot } = await withBot({ faults: { undelivered: 1 } });
    const ann = sandbox.newCustomer({ channel: 'whatsapp' });
    await ann.write('hi');
    await sendV2(sandbox, ann.conversationId, 'Lost');
    await bot.until(() => bot.of('message/update').length === 1);
    expect(bot.labels().slice(2)).toEqual([
      'message/create',
      'conversation/update',
      'message/update',
    ]);
    const [failed] = bot.of('message/update');
    expectShapeOf(failed, reference.messageUpdateError);
    expect(failed!.object).toMatchObject({ status: 'error', details: { result: 'NOT DELIVERED' } });
    expect(ann.messages()[1]!.status).toBe('not delivered');
  });

  it('post no v1 job or ack webhooks to a v2 bot', async () => {
    const { sandbox, bot } = await withBot();
    // On Telegram: there is no 24-hour window to open first.
    const ann = sandbox.newCustomer({ channel: 'telegram' });
    await sendV2(sandbox, ann.conversationId, 'Hello');
    await bot.until(() => bot.of('message/update').length === 2);
    expect(bot.bodies.every((b) => 'object' in b && !('data' in b))).toBe(true);
    expect(bot.labels()).toEqual([
      'conversation/create',
      'message/create',
      'message/update',
      'message/update',
    ]);
  });
});

describe('v2 redelivery', () => {
  it('sends a webhook that did not get 200 again, 5 times, then drops it and goes on', async () => {
    const { sandbox, bot } = await withBot(
      { redeliveryIntervalMs: 1 },
      ...Array<number>(6).fill(503),
      200,
    );
    const attempts: WebhookEvent[] = [];
    sandbox.events.on('webhook', (event) => attempts.push(event));
    const outcome = await sandbox.newCustomer().write('hi');
    expect(attempts.map((a) => [a.label, a.attempt, a.maxAttempts, a.outcome])).toEqual([
      ...[1, 2, 3, 4, 5].map((n) => ['conversation/create', n, 6, 'retrying']),
      ['conversation/create', 6, 6, 'dropped'],
      ['message/create', 1, 6, 'delivered'],
    ]);
    expect(attempts.every((a) => a.apiVersion === 2)).toBe(true);
    expect(outcome).toMatchObject({ delivered: true, attempts: 1 });
    expect(bot.labels()).toEqual([
      ...Array<string>(6).fill('conversation/create'),
      'message/create',
    ]);
  });
});

describe('v2 company webhooks', () => {
  it('get the company’s events over HTTP once active, each URL its own copy', async () => {
    const sandbox = await startSandbox({ apiVersion: 2, rateLimits: false });
    const first = await new WebhookReceiver().start();
    const second = await new WebhookReceiver().start();
    const idle = await new WebhookReceiver().start();
    await activeWebhook(sandbox, first.url);
    await activeWebhook(sandbox, second.url);
    await v2(sandbox, 'POST', '/companies/1/webhooks', { json: { url: idle.url } });
    await sandbox.newCustomer().write('hi');
    for (const receiver of [first, second]) {
      expect(receiver.received.map((r) => r.body)[0]).toEqual(TEST_BODY);
      expect(receiver.labels().slice(1)).toEqual(['conversation/create', 'message/create']);
    }
    expect(idle.received).toEqual([]);
  });

  it('test the URL when it is set or the webhook activated, and refuse the change when it does not answer 200', async () => {
    const sandbox = await startSandbox({ apiVersion: 2 });
    const broken = await new WebhookReceiver().start(500);
    const created = await v2(sandbox, 'POST', '/companies/1/webhooks', {
      json: { url: broken.url },
    });
    expectShapeOf(created.body, reference.webhook);
    expect(created.body.webhook).toMatchObject({ url: broken.url, active: false });
    expect(broken.received).toEqual([]);
    const { id } = created.body.webhook as { id: number };
    const refused = await v2(sandbox, 'PUT', `/companies/1/webhooks/${id}`, {
      json: { active: true },
    });
    expect(refused.status).toBe(400);
    expect((refused.body.errors as Array<{ detail: string }>)[0]!.detail).toBe(
      `${broken.url} answered 500 to Pact's test POST {"source":"pact.im","operation":"test"}; it must answer 200, so the webhook was not changed`,
    );
    expect(broken.received.map((r) => r.body)).toEqual([TEST_BODY]);
    const list = await v2(sandbox, 'GET', '/companies/1/webhooks');
    expectShapeOf(list.body, reference.webhooksList);
    expect(list.body).toEqual({
      webhooks: [{ id, url: broken.url, active: false }],
      meta: { page: 1, entries_count: 1, per_page: 25 },
    });

    const working = await new WebhookReceiver().start();
    const moved = await v2(sandbox, 'PUT', `/companies/1/webhooks/${id}`, {
      json: { url: working.url, active: true },
    });
    expect(moved.body).toEqual({ webhook: { id, url: working.url, active: true } });
    expect(working.received.map((r) => r.body)).toEqual([TEST_BODY]);
    const paused = await v2(sandbox, 'PUT', `/companies/1/webhooks/${id}`, {
      json: { active: false },
    });
    expect(paused.body).toEqual({ webhook: { id, url: working.url, active: false } });
    expect(working.received).toHaveLength(1);
    const deleted = await v2(sandbox, 'DELETE', `/companies/1/webhooks/${id}`);
    expect(deleted.status).toBe(204);
    expect((await v2(sandbox, 'GET', '/companies/1/webhooks')).body.webhooks).toEqual([]);
  });

  it('are at most 5 a company', async () => {
    const sandbox = await startSandbox({ apiVersion: 2 });
    for (let i = 0; i < 5; i++) {
      expect(
        (
          await v2(sandbox, 'POST', '/companies/1/webhooks', {
            json: { url: `https://example.com/${i}` },
          })
        ).status,
      ).toBe(200);
    }
    const sixth = await v2(sandbox, 'POST', '/companies/1/webhooks', {
      json: { url: 'https://example.com/6' },
    });
    expect(sixth.status).toBe(400);
    expect((sixth.body.errors as Array<{ detail: string }>)[0]!.detail).toBe(
      'company 1 has 5 webhooks already, the most Pact allows; delete one first',
    );
    const bad = await v2(sandbox, 'POST', '/companies/1/webhooks', { json: {} });
    expect((bad.body.errors as Array<{ detail: string }>)[0]!.detail).toBe(
      'url is required: a string',
    );
  });

  it('test the URL through the bot connected in-process, which takes what the URLs would', async () => {
    const { sandbox, bot } = await withBot();
    await activeWebhook(sandbox, 'https://bot.example.com/pact?secret=x');
    expect(bot.bodies).toEqual([TEST_BODY]);
  });

  it('go beside the v1 webhook_url: each gets its own envelope', async () => {
    const v1Receiver = await new WebhookReceiver().start();
    const v2Receiver = await new WebhookReceiver().start();
    const sandbox = await startSandbox({ webhookUrl: v1Receiver.url, rateLimits: false });
    await activeWebhook(sandbox, v2Receiver.url);
    await sandbox.newCustomer().write('hi');
    expect(v1Receiver.labels()).toEqual(['conversation/new', 'message/new']);
    expect(v2Receiver.labels().slice(1)).toEqual(['conversation/create', 'message/create']);
  });

  it('start with the webhookUrl option on a v2 sandbox', async () => {
    const receiver = await new WebhookReceiver().start();
    const sandbox = await startSandbox({ apiVersion: 2, webhookUrl: receiver.url });
    await sandbox.newCustomer().write('hi');
    expect(receiver.labels()).toEqual(['conversation/create', 'message/create']);
    expect((await v2(sandbox, 'GET', '/companies/1/webhooks')).body.webhooks).toEqual([
      { id: 1, url: receiver.url, active: true },
    ]);
  });
});
