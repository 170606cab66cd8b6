import { describe, expect, it } from 'vitest';
import { Bot } from '@pactbot/core';
import { Sandbox } from '../src/index.js';
import { closeAfterTest, startSandbox } from './helpers.js';

describe('Sandbox.start', () => {
  it('listens on a free port of 127.0.0.1 and tells where its API and page are', async () => {
    const sandbox = await startSandbox({ token: 't', companyId: 42 });
    expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sandbox.apiUrl).toBe(sandbox.url);
    expect(sandbox.chatUrl).toBe(`${sandbox.url}/`);
    expect(sandbox.botOptions).toEqual({
      token: 't',
      companyId: 42,
      apiUrl: sandbox.url,
      apiVersion: 1,
    });
  });

  it('names a bad option, and what it must be', async () => {
    await expect(Sandbox.start({ port: -1 })).rejects.toThrow(
      'port must be a whole number from 0 to 65535, got -1',
    );
    await expect(Sandbox.start({ token: '' })).rejects.toThrow(
      'token must be a non-empty string, got ""',
    );
    await expect(Sandbox.start({ webhookUrl: 'localhost:3000' })).rejects.toThrow(
      'webhookUrl must be an http or https URL, got "localhost:3000"',
    );
    await expect(Sandbox.start({ faults: { serverErrors: 2 } })).rejects.toThrow(
      'faults.serverErrors must be a share of API calls from 0 to 1, got 2',
    );
    await expect(Sandbox.start({ apiVersion: 3 as never })).rejects.toThrow(
      'apiVersion must be 1 or 2, got 3',
    );
    await expect(Sandbox.start({ rateLimits: 'yes' as never })).rejects.toThrow(
      'rateLimits must be true or false, got "yes"',
    );
    await expect(Sandbox.start({ delivery: { readMs: -5 } })).rejects.toThrow(
      'delivery.readMs must be a whole number from 0 to 600000, got -5',
    );
  });

  it('fails with EADDRINUSE on a port in use, so the caller can pick another', async () => {
    const first = await startSandbox();
    const port = Number(new URL(first.url).port);
    await expect(Sandbox.start({ port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });

  it('closes once, however often asked, and stops listening', async () => {
    const sandbox = await Sandbox.start();
    await Promise.all([sandbox.close(), sandbox.close()]);
    await expect(fetch(sandbox.chatUrl)).rejects.toThrow();
  });
});

describe('sandbox.newCustomer', () => {
  it('makes customers on any channel, and finds one again by sender id', async () => {
    const sandbox = await startSandbox();
    const ann = sandbox.newCustomer({ channel: 'viber', name: 'Ann', senderId: '79001112233' });
    expect(ann).toMatchObject({
      name: 'Ann',
      channel: { type: 'viber' },
      senderId: '79001112233',
      companyId: 1,
    });
    expect(sandbox.newCustomer({ channel: 'viber', senderId: '79001112233' }).conversationId).toBe(
      ann.conversationId,
    );
    expect(sandbox.newCustomer().channel.type).toBe('whatsapp_business');
    expect(sandbox.customers().map((c) => c.conversationId)).toHaveLength(2);
    expect(() => sandbox.newCustomer({ channel: 'icq' as never })).toThrow(
      /^channel must be one of whatsapp, /,
    );
    expect(() => sandbox.newCustomer({ name: '' })).toThrow(
      'name must be a non-empty string of at most 100 characters, got ""',
    );
  });

  it('checks what customers write', async () => {
    const sandbox = await startSandbox();
    const ann = sandbox.newCustomer();
    await expect(ann.write('')).rejects.toThrow(
      'write() takes the message text, a non-empty string; got ""',
    );
    await expect(ann.sendLocation({ latitude: 91, longitude: 0 })).rejects.toThrow(
      /latitude, longitude/,
    );
    await expect(ann.sendFile({ data: 'x', name: '' })).rejects.toThrow(
      'sendFile({ data, name }) needs a file name',
    );
  });
});

describe('sandbox.connect', () => {
  it('takes a bot of one of its companies, one per company, until disconnected', async () => {
    const sandbox = await startSandbox();
    const stray = new Bot({ token: 't', companyId: 7, apiUrl: sandbox.url });
    closeAfterTest({ close: () => stray.stop().then(() => undefined) });
    expect(() => sandbox.connect(stray)).toThrow(
      'the bot serves company 7, which this sandbox does not have (it has 1); create the bot with new Bot({ ...sandbox.botOptions })',
    );
    const bot = new Bot({ ...sandbox.botOptions });
    closeAfterTest({ close: () => bot.stop().then(() => undefined) });
    const targets: Array<string | null> = [];
    sandbox.events.on('target', (event) => targets.push(event.target));
    const disconnect = sandbox.connect(bot);
    expect(() => sandbox.connect(bot)).toThrow(/a bot is connected to company 1 already/);
    disconnect();
    disconnect();
    expect(targets).toEqual(['bot (in-process)', null]);
    expect(() => sandbox.connect({} as never)).toThrow(
      'connect() takes a Bot (anything with handleWebhook), got an object',
    );
  });
});
