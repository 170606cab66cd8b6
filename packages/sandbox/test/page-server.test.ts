import { describe, expect, it } from 'vitest';
import { CHANNEL_TYPES, type Sandbox } from '../src/index.js';
import { call, closeAfterTest, startSandbox } from './helpers.js';

interface ServerEvent {
  event: string;
  data: unknown;
}

/** Reads the page's event stream; `next()` resolves with the next event as it arrives. */
async function openEvents(sandbox: Sandbox) {
  const controller = new AbortController();
  const response = await fetch(`${sandbox.url}/sandbox/events`, { signal: controller.signal });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const stream = {
    response,
    async next(): Promise<ServerEvent> {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(frame)?.[1];
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (event && data) return { event, data: JSON.parse(data) as unknown };
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('the event stream ended');
        buffer += value;
      }
    },
    close: () => controller.abort(),
  };
  return closeAfterTest(stream);
}

async function postJson(sandbox: Sandbox, path: string, body: unknown) {
  const response = await fetch(`${sandbox.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('the chat page', () => {
  it('is served as plain files, with nothing outside its folder reachable', async () => {
    const sandbox = await startSandbox();
    const page = await fetch(sandbox.chatUrl);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('<script type="module" src="/page/app.js"></script>');
    for (const [path, type] of [
      ['/page/app.js', 'text/javascript; charset=utf-8'],
      ['/page/style.css', 'text/css; charset=utf-8'],
      ['/page/favicon.svg', 'image/svg+xml'],
    ]) {
      expect((await fetch(`${sandbox.url}${path}`)).headers.get('content-type'), path).toBe(type);
    }
    for (const path of [
      '/page/../sandbox.ts',
      '/page/%2e%2e%2fsandbox.ts',
      '/page/nothing.js',
      '/etc/passwd',
    ]) {
      expect((await fetch(`${sandbox.url}${path}`)).status, path).toBe(404);
    }
  });

  it('streams a snapshot first, then customers, messages, log lines and faults as they happen', async () => {
    const sandbox = await startSandbox();
    const ann = sandbox.newCustomer({ name: 'Ann', channel: 'telegram' });
    const events = await openEvents(sandbox);
    expect(events.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const snapshot = await events.next();
    expect(snapshot).toMatchObject({
      event: 'snapshot',
      data: {
        company: { id: 1, name: 'Sandbox' },
        conversations: [
          {
            id: ann.conversationId,
            name: 'Ann',
            channel: { type: 'telegram', label: 'Telegram' },
            messages: [],
          },
        ],
        target: null,
        faults: { rateLimited: 0 },
      },
    });
    expect(
      (snapshot.data as { channelTypes: Array<{ type: string }> }).channelTypes.map((c) => c.type),
    ).toEqual([...CHANNEL_TYPES]);

    const created = await postJson(sandbox, '/sandbox/customers', {
      name: 'Bob',
      channel: 'viber',
    });
    expect(created.status).toBe(201);
    expect(await events.next()).toMatchObject({
      event: 'conversation',
      data: { id: created.body.conversationId, name: 'Bob', channel: { type: 'viber' } },
    });
    expect(
      await postJson(sandbox, `/sandbox/conversations/${ann.conversationId}/messages`, {
        text: 'hello',
      }),
    ).toEqual({
      status: 202,
      body: { ok: true },
    });
    expect(await events.next()).toMatchObject({
      event: 'log',
      data: {
        kind: 'webhook',
        path: 'conversation/new',
        outcome: 'no-target',
        note: 'Ann wrote first',
      },
    });
    expect(await events.next()).toMatchObject({
      event: 'message',
      data: {
        conversationId: ann.conversationId,
        message: { from: 'customer', text: 'hello', status: 'delivered' },
      },
    });
    expect(await events.next()).toMatchObject({
      event: 'log',
      data: { kind: 'webhook', path: 'message/new', note: 'the customer: "hello"' },
    });
    sandbox.setFaults({ latencyMs: 5 });
    expect(await events.next()).toMatchObject({ event: 'faults', data: { latencyMs: 5 } });
    await call(sandbox, 'GET', '/p1/companies');
    expect(await events.next()).toMatchObject({
      event: 'log',
      data: { kind: 'api', method: 'GET', path: '/p1/companies', status: 200 },
    });
  });

  it('takes what customers write: text, a location, a file', async () => {
    const sandbox = await startSandbox();
    const ann = sandbox.newCustomer();
    const path = `/sandbox/conversations/${ann.conversationId}/messages`;
    await postJson(sandbox, path, { text: 'hi' });
    await postJson(sandbox, path, { location: { latitude: 10, longitude: 20 } });
    const form = new FormData();
    form.append('file', new Blob(['%PDF'], { type: 'application/pdf' }), 'menu.pdf');
    form.append('text', 'the menu');
    expect((await fetch(`${sandbox.url}${path}`, { method: 'POST', body: form })).status).toBe(202);
    await expect.poll(() => ann.messages().length).toBe(3);
    expect(
      ann.messages().map((m) => [m.text, m.location, m.attachments.map((a) => a.fileName)]),
    ).toEqual([
      ['hi', null, []],
      ['', { latitude: 10, longitude: 20 }, []],
      ['the menu', null, ['menu.pdf']],
    ]);
  });

  it('refuses bad input with a message saying what is allowed', async () => {
    const sandbox = await startSandbox();
    const channel = await postJson(sandbox, '/sandbox/customers', { channel: 'icq' });
    expect(channel).toMatchObject({ status: 400, body: { status: 'errored' } });
    expect(channel.body.message).toMatch(
      /^channel must be one of whatsapp, whatsapp_business, telegram/,
    );
    const empty = await postJson(
      sandbox,
      `/sandbox/conversations/${sandbox.newCustomer().conversationId}/messages`,
      {
        text: '  ',
      },
    );
    expect(empty).toEqual({
      status: 400,
      body: { status: 'errored', message: 'a message needs text, a file or a location' },
    });
    expect(
      (await postJson(sandbox, '/sandbox/conversations/999/messages', { text: 'x' })).status,
    ).toBe(404);
    const faults = await fetch(`${sandbox.url}/sandbox/faults`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ latencyMs: -1 }),
    });
    expect(await faults.json()).toEqual({
      status: 'errored',
      message: 'faults.latencyMs must be milliseconds from 0 to 60000, got -1',
    });
  });

  it('serves avatars, and answers 404 for files it does not hold', async () => {
    const sandbox = await startSandbox();
    const ann = sandbox.newCustomer({ name: 'ann' });
    const avatar = await fetch(`${sandbox.url}/avatars/${ann.conversationId}.svg`);
    expect(avatar.headers.get('content-type')).toBe('image/svg+xml');
    expect(await avatar.text()).toContain('>A</text>');
    expect((await fetch(`${sandbox.url}/files/123/x.png`)).status).toBe(404);
  });
});
