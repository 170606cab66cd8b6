import { afterEach, describe, expect, it } from 'vitest';
import { Bot } from '@pactbot/core';
import { startPactStub, type PactStub } from '@pactbot/testkit/support/pact-stub';

const TOKEN = 'tok-9f8e7d6c5b4a';
const SECRET = 's3cr3t-webhook-value';

let stub: PactStub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

describe('secrets in errors and events', () => {
  it('keeps the token and the webhook secret out of retry events, api:error, bot.catch and the thrown error', async () => {
    stub = await startPactStub();
    const echo = {
      status: 'errored',
      error: `webhook_url https://bot.example.com/pact?secret=${SECRET} is invalid for token ${TOKEN}`,
      encoded: `https%3A%2F%2Fbot.example.com%2Fpact%3Fsecret%3D${encodeURIComponent(SECRET)}`,
    };
    stub.route('PUT', /^\/p1\/companies\/42$/, [
      { status: 503, body: echo },
      { status: 422, body: echo },
    ]);
    const bot = new Bot({
      token: TOKEN,
      companyId: 42,
      apiUrl: stub.url,
      secret: SECRET,
      retry: { baseDelayMs: 1, maxDelayMs: 2 },
    });
    const seen: unknown[] = [];
    bot.events.on('api:retry', (event) => seen.push(event, event.error.message, event.error));
    bot.events.on('api:error', (error) => seen.push(error.message, error));
    let thrown: unknown;
    try {
      await bot.api.companies.update({
        webhook_url: `https://bot.example.com/pact?secret=${SECRET}`,
      });
    } catch (error) {
      thrown = error;
    }
    seen.push((thrown as Error).message, thrown);
    expect(seen.length).toBeGreaterThanOrEqual(6);
    const text = seen
      .map((item) =>
        typeof item === 'string' ? item : JSON.stringify(item, (_k, v: unknown) => v),
      )
      .join('\n');
    expect(text).toContain('[redacted]');
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(encodeURIComponent(SECRET));
    await bot.stop();
  });
});
