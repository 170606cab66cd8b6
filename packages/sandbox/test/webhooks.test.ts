import { describe, expect, it } from 'vitest';
import { Bot } from '@pactbot/core';
import { webhooks as reference } from '@pactbot/testkit/support/reference-webhooks';
import type { WebhookEvent } from '../src/index.js';
import {
  call,
  closeAfterTest,
  expectShapeOf,
  isAck,
  nextWebhook,
  startSandbox,
  WebhookReceiver,
} from './helpers.js';

const UTC_DATE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/;

describe('webhooks to a webhook_url', () => {
  it("posts conversation/new, then message/new, when a new customer writes, in the reference's shapes", async () => {
    const receiver = await new WebhookReceiver().start();
    const sandbox = await startSandbox({ webhookUrl: receiver.url });
    const customer = sandbox.newCustomer({ channel: 'whatsapp', name: 'Sender Name' });
    const outcome = await customer.write('Message body');
    expect(outcome).toMatchObject({ delivered: true, attempts: 1, status: 200 });
    expect(receiver.labels()).toEqual(['conversation/new', 'message/new']);
    const [conversation, message] = receiver.received.map((r) => r.body);
    expectShapeOf(conversation, reference.conversationNew);
    // The reference's example gives a customer's message a job_id; no job sent it, so it is null.
    expectShapeOf(message, {
      ...reference.messageNew,
      data: { ...reference.messageNew.data, job_id: null },
    });
    expect(conversation!.data).toMatchObject({
      external_id: customer.conversationId,
      name: 'Sender Name',
      avatar_url: `${sandbox.url}/avatars/${customer.conversationId}.svg`,
      channel_type: 'whatsapp',
      created_at: expect.stringMatching(UTC_DATE) as unknown,
    });
    expect(message!.data).toMatchObject({
      conversation_id: customer.conversationId,
      message: 'Message body',
      income: true,
      location: {},
      attachments: [],
      channel: { id: customer.channel.id, type: 'whatsapp' },
    });
    expect(receiver.received[0]!.contentType).toBe('application/json');

    await customer.write('again');
    expect(receiver.labels().slice(2)).toEqual(['message/new']);
  });

  it('after a send, posts the echo, job/executed and acks 1, 2, 3, in order', async () => {
    const receiver = await new WebhookReceiver().start();
    const sandbox = await startSandbox({ webhookUrl: receiver.url });
    const customer = sandbox.newCustomer();
    await customer.write('hi');
    const sent = await call(
      sandbox,
      'POST',
      `/p1/companies/1/conversations/${customer.conversationId}/messages`,
      {
        json: { message: 'Hello!' },
      },
    );
    const jobId = (sent.body.data as { id: number }).id;
    await receiver.count(7);
    const after = receiver.received.slice(2).map((r) => r.body);
    const conversationLine = after.filter((b) => b.type === 'message');
    expect(
      conversationLine.map((b) => `${String(b.event)}:${String((b.data as { ack: number }).ack)}`),
    ).toEqual(['new:0', 'ack:1', 'ack:2', 'ack:3']);
    const echo = conversationLine[0]!;
    expectShapeOf(echo, reference.messageNew);
    const messageId = customer.messages()[1]!.id;
    expect(echo.data).toMatchObject({
      income: false,
      job_id: jobId,
      message: 'Hello!',
      external_id: messageId,
    });
    for (const ack of conversationLine.slice(1)) {
      expectShapeOf(ack, reference.messageAck);
      expect(ack.data).toMatchObject({
        external_id: messageId,
        conversation_id: customer.conversationId,
      });
    }
    const job = after.find((b) => b.type === 'job')!;
    expectShapeOf(job, reference.jobExecuted);
    expect(job.data).toMatchObject({ id: jobId, result: 'DELIVERED', message_id: messageId });
    expect(customer.messages()[1]!.status).toBe('read');
  });

  it('posts a webhook that got a 500 again, after the redelivery interval', async () => {
    const receiver = await new WebhookReceiver().start(500, 200);
    const sandbox = await startSandbox({ webhookUrl: receiver.url, redeliveryIntervalMs: 120 });
    const attempts: WebhookEvent[] = [];
    sandbox.events.on('webhook', (event) => attempts.push(event));
    const customer = sandbox.newCustomer();
    const outcome = await customer.write('hi');
    expect(receiver.labels()).toEqual(['conversation/new', 'conversation/new', 'message/new']);
    expect(receiver.received[1]!.body).toEqual(receiver.received[0]!.body);
    expect(receiver.received[1]!.at - receiver.received[0]!.at).toBeGreaterThanOrEqual(110);
    expect(attempts.map((a) => [a.label, a.attempt, a.status, a.outcome])).toEqual([
      ['conversation/new', 1, 500, 'retrying'],
      ['conversation/new', 2, 200, 'delivered'],
      ['message/new', 1, 200, 'delivered'],
    ]);
    expect(outcome.delivered).toBe(true);
  });

  it('gives up after 10 attempts, like Pact, and goes on with the next webhook', async () => {
    const receiver = await new WebhookReceiver().start(...Array<number>(10).fill(503), 200);
    const sandbox = await startSandbox({ webhookUrl: receiver.url, redeliveryIntervalMs: 1 });
    const dropped: WebhookEvent[] = [];
    sandbox.events.on('webhook', (event) => event.outcome === 'dropped' && dropped.push(event));
    const outcome = await sandbox.newCustomer().write('hi');
    expect(receiver.labels()).toEqual([
      ...Array<string>(10).fill('conversation/new'),
      'message/new',
    ]);
    expect(dropped).toHaveLength(1);
    expect(dropped[0]).toMatchObject({
      label: 'conversation/new',
      attempt: 10,
      maxAttempts: 10,
      status: 503,
    });
    expect(outcome).toMatchObject({ delivered: true, attempts: 1 });
  });

  it("keeps a conversation's webhooks in order: the next waits until the one before is delivered", async () => {
    const receiver = await new WebhookReceiver().start(500, 500, 200);
    const sandbox = await startSandbox({ webhookUrl: receiver.url, redeliveryIntervalMs: 5 });
    const ann = sandbox.newCustomer({ name: 'Ann' });
    const writes = [ann.write('one'), ann.write('two'), ann.write('three')];
    await Promise.all(writes);
    const texts = receiver.received
      .filter((r) => r.body.type === 'message')
      .map((r) => (r.body.data as { message: string }).message);
    expect(texts).toEqual(['one', 'two', 'three']);
  });

  it('reports a webhook with nowhere to go, without retrying it', async () => {
    const sandbox = await startSandbox();
    const attempts: WebhookEvent[] = [];
    sandbox.events.on('webhook', (event) => attempts.push(event));
    const outcome = await sandbox.newCustomer().write('hi');
    expect(outcome).toMatchObject({ delivered: false, outcome: 'no-target', attempts: 1 });
    expect(attempts.map((a) => a.outcome)).toEqual(['no-target', 'no-target']);
  });

  it('posts a file and a location the customer sends', async () => {
    const receiver = await new WebhookReceiver().start();
    const sandbox = await startSandbox({ webhookUrl: receiver.url });
    const customer = sandbox.newCustomer({ channel: 'telegram' });
    await customer.sendFile({ data: 'a,b\n', name: 'list.csv' }, { caption: 'my list' });
    await customer.sendLocation({ latitude: 55.75, longitude: 37.62 });
    const [file, place] = receiver.received
      .slice(1)
      .map((r) => r.body.data as Record<string, unknown>);
    expect(file).toMatchObject({ message: 'my list', location: {} });
    expect(file!.attachments).toEqual([
      {
        external_id: expect.any(Number) as unknown,
        url: expect.stringMatching(/\/files\/\d+\/list\.csv$/) as unknown,
        file_name: 'list.csv',
        mime_type: 'text/csv',
        size: 4,
        push_to_talk: false,
      },
    ]);
    expect(place).toMatchObject({ message: null, location: { latitude: 55.75, longitude: 37.62 } });
  });
});

describe('webhooks to a bot in-process', () => {
  it('hands them to bot.handleWebhook, whose handlers answer through the API', async () => {
    const sandbox = await startSandbox();
    const bot = new Bot({ ...sandbox.botOptions, rateLimit: false });
    closeAfterTest({ close: () => bot.stop().then(() => undefined) });
    const kinds: string[] = [];
    bot.use((ctx, next) => {
      kinds.push(ctx.kind);
      return next();
    });
    bot.on('message', (ctx) => ctx.reply(`Got "${ctx.text}"`));
    sandbox.connect(bot);
    const read = nextWebhook(sandbox, (event) => isAck(event, 3));
    const customer = sandbox.newCustomer();
    const outcome = await customer.write('hi');
    expect(outcome.delivered).toBe(true);
    expect(customer.messages().map((m) => m.text)).toEqual(['hi', 'Got "hi"']);
    await read;
    expect(kinds.slice(0, 2)).toEqual(['conversation:new', 'message']);
    expect(kinds.slice(2).sort()).toEqual(
      ['job:executed', 'message:outgoing', 'message:ack', 'message:ack', 'message:ack'].sort(),
    );
  });

  it('passes the secret as Pact would, in the query, and the bot refuses webhooks without it', async () => {
    const sandbox = await startSandbox({ maxDeliveryAttempts: 2 });
    const bot = new Bot({ ...sandbox.botOptions, secret: 's3cr3t' });
    closeAfterTest({ close: () => bot.stop().then(() => undefined) });
    const disconnect = sandbox.connect(bot, { secret: 's3cr3t' });
    expect((await sandbox.newCustomer().write('hi')).delivered).toBe(true);
    disconnect();
    sandbox.connect(bot, { secret: 'wrong' });
    expect(await sandbox.newCustomer().write('hi')).toMatchObject({
      delivered: false,
      status: 401,
      attempts: 2,
    });
  });
});
