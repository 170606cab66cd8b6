import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_RATE_BUDGETS,
  LocalRateLimiter,
  PactArgumentError,
  PactClient,
  budgetKey,
  type RateLimiter,
  type RateLimitOptions,
} from '@pactbot/core';
import { RateBudgetTable } from '@pactbot/core/internal';
import { startPactStub, type PactStub } from '@pactbot/testkit/support/pact-stub';
import { assembledAuthAnswers, referenceV2 as ref } from '@pactbot/testkit/support/reference-v2';

describe('LocalRateLimiter with several windows (fake time)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Asks `count` grants of `key` at once and records when each came, in ms from now. */
  function ask(limiter: LocalRateLimiter, key: string, count: number): number[] {
    const start = Date.now();
    const times: number[] = [];
    for (let i = 0; i < count; i++)
      void limiter.acquire(key).then(() => times.push(Date.now() - start));
    return times;
  }

  it("enforces Pact's v2 send budget by default: 5 a second and 30 a minute", async () => {
    const limiter = new LocalRateLimiter();
    const times = ask(limiter, 'company:42:v2-send', 35);
    await vi.advanceTimersByTimeAsync(59_999);
    expect(times).toEqual(
      [0, 1000, 2000, 3000, 4000, 5000].flatMap((t) => Array<number>(5).fill(t)),
    );
    await vi.advanceTimersByTimeAsync(1);
    expect(times.slice(30)).toEqual(Array<number>(5).fill(60_000));
  });

  it('grants a key only what fits every window: 3 per 300 ms and 5 per 1500 ms', async () => {
    const limiter = new LocalRateLimiter({
      sends: 5,
      perMs: 1000,
      budgets: {
        'v2-send': [
          { sends: 3, perMs: 300 },
          { sends: 5, perMs: 1500 },
        ],
      },
    });
    const times = ask(limiter, 'company:42:v2-send', 10);
    await vi.advanceTimersByTimeAsync(5000);
    expect(times).toEqual([0, 0, 0, 300, 300, 1500, 1500, 1500, 1800, 1800]);
  });

  it('adds windows to the v1 send budget with `windows`', async () => {
    const limiter = new LocalRateLimiter({
      sends: 2,
      perMs: 100,
      windows: [{ sends: 3, perMs: 1000 }],
    });
    const times = ask(limiter, 'company:42', 6);
    await vi.advanceTimersByTimeAsync(5000);
    expect(times).toEqual([0, 0, 100, 1000, 1000, 1100]);
  });

  it('keeps 10 conversation reads and 20 message reads a minute by default', async () => {
    const limiter = new LocalRateLimiter();
    const conversations = ask(limiter, 'company:42:v2-conversation-read', 11);
    const messages = ask(limiter, 'company:42:v2-message-read', 21);
    await vi.advanceTimersByTimeAsync(59_999);
    expect(conversations).toHaveLength(10);
    expect(messages).toHaveLength(20);
    await vi.advanceTimersByTimeAsync(1);
    expect(conversations[10]).toBe(60_000);
    expect(messages[20]).toBe(60_000);
  });

  it('gives every company and every class a budget of its own', async () => {
    const limiter = new LocalRateLimiter();
    const v1 = ask(limiter, 'company:42', 5);
    const v2 = ask(limiter, 'company:42:v2-send', 5);
    const other = ask(limiter, 'company:7:v2-send', 5);
    await vi.advanceTimersByTimeAsync(0);
    expect([v1, v2, other].map((t) => t.length)).toEqual([5, 5, 5]);
  });

  it('pauses only the key that saw a 429, and never shortens a pause', async () => {
    const limiter = new LocalRateLimiter();
    limiter.pause('company:42:v2-send', 2000);
    limiter.pause('company:42:v2-send', 500);
    const paused = ask(limiter, 'company:42:v2-send', 1);
    const free = ask(limiter, 'company:42:v2-message-read', 1);
    await vi.advanceTimersByTimeAsync(1999);
    expect(free).toEqual([0]);
    expect(paused).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(paused).toEqual([2000]);
  });

  it('lets an aborted wait go, handing its place to the next in line', async () => {
    const limiter = new LocalRateLimiter({ sends: 1, perMs: 1000 });
    await limiter.acquire('company:42');
    const controller = new AbortController();
    const aborted = limiter.acquire('company:42', controller.signal);
    const next = ask(limiter, 'company:42', 1);
    controller.abort(new Error('gave up'));
    await expect(aborted).rejects.toThrow('gave up');
    await vi.advanceTimersByTimeAsync(1000);
    expect(next).toEqual([1000]);
    await expect(limiter.acquire('company:42', AbortSignal.abort(new Error('no')))).rejects.toThrow(
      'no',
    );
  });
});

describe('rate budget options', () => {
  it('name each class by the last segment of a key', () => {
    const table = new RateBudgetTable({
      sends: 5,
      perMs: 1000,
      budgets: { bulk: { sends: 1, perMs: 10 } },
    });
    expect(budgetKey('company:42')).toBe('company:42');
    expect(budgetKey('company:42', 'v2-upload')).toBe('company:42:v2-upload');
    expect(table.classOf('company:42')).toBe('send');
    expect(table.classOf('company:42:v2-upload')).toBe('v2-upload');
    expect(table.classOf('company:42:bulk')).toBe('bulk');
    expect(table.windowsOf('company:42:v2-upload')).toEqual(DEFAULT_RATE_BUDGETS['v2-upload']);
    expect(table.windowsOf('company:42:bulk')).toEqual([{ sends: 1, perMs: 10 }]);
    expect(table.windowsOf('account:v2-template-read')).toEqual([{ sends: 20, perMs: 60_000 }]);
  });

  it.each<[unknown, string]>([
    [{ sends: 0, perMs: 1000 }, 'rateLimit must be { sends, perMs } with sends a positive integer'],
    [
      { sends: 5, perMs: 1000, windows: [{ sends: 30 }] },
      'rateLimit.windows[0] must be { sends, perMs }',
    ],
    [
      { sends: 5, perMs: 1000, budgets: { 'v2-send': [] } },
      'rateLimit.budgets.v2-send must hold at least one window',
    ],
    [
      { sends: 5, perMs: 1000, budgets: { send: { sends: 1, perMs: 1 } } },
      'rateLimit.budgets cannot hold "send": set that budget with sends, perMs and windows',
    ],
    [
      { sends: 5, perMs: 1000, budgets: { 'a:b': { sends: 1, perMs: 1 } } },
      'rateLimit.budgets class names must be non-empty and without ":", got "a:b"',
    ],
  ])('refuses %o', (options, message) => {
    expect(() => new LocalRateLimiter(options as RateLimitOptions)).toThrow(PactArgumentError);
    expect(() => new LocalRateLimiter(options as RateLimitOptions)).toThrow(message);
  });
});

describe('the v2 client spends the budget of each endpoint class', () => {
  let stub: PactStub;
  const keys: string[] = [];
  const limiter: RateLimiter = {
    acquire: (key) => {
      keys.push(key);
      return Promise.resolve();
    },
    pause: () => undefined,
  };
  let client: PactClient;

  beforeAll(async () => {
    stub = await startPactStub();
    stub
      .route('GET', '/api/p2/conversations', { body: ref.conversationsList })
      .route('GET', '/api/p2/conversations/1', { body: ref.conversationGet })
      .route('PUT', '/api/p2/conversations/1', { body: ref.conversationUpdated })
      .route('GET', '/api/p2/conversations/1/messages', { body: ref.messagesList })
      .route('GET', '/api/p2/conversations/1/messages/2', { body: ref.messageGet })
      .route('POST', '/api/p2/conversations/1/messages', { body: ref.messageSent })
      .route('POST', '/api/p2/messages', { body: ref.firstMessageSent })
      .route('POST', '/api/p2/attachments/', { body: ref.attachmentUploaded })
      .route('GET', '/api/p2/waba_templates', { body: ref.wabaTemplatesList })
      .route('GET', '/api/p2/companies/42/auths', { body: assembledAuthAnswers.list })
      .route('GET', '/api/p2/companies/42/webhooks', { body: ref.webhooksList })
      .route('GET', '/p1/companies/42/conversations/1', {
        body: { status: 'ok', data: { conversation: { external_id: 1 } } },
      });
    client = new PactClient({ token: 't', companyId: 42, apiUrl: stub.url, rateLimiter: limiter });
  });
  afterAll(async () => {
    await client.close();
    await stub.close();
  });
  beforeEach(() => {
    keys.length = 0;
  });

  it.each<[string, (c: PactClient) => Promise<unknown>, string[]]>([
    ['conversations.list', (c) => c.v2.conversations.list(), ['company:42:v2-conversation-read']],
    ['conversations.get', (c) => c.v2.conversations.get(1), ['company:42:v2-conversation-read']],
    ['messages.list', (c) => c.v2.messages.list(1), ['company:42:v2-message-read']],
    ['messages.get', (c) => c.v2.messages.get(1, 2), ['company:42:v2-message-read']],
    ['messages.send', (c) => c.v2.messages.send(1, { text: 'x' }), ['company:42:v2-send']],
    [
      'messages.writeFirst',
      (c) => c.v2.messages.writeFirst({ provider: 'whatsapp', phone: '79000000000', text: 'x' }),
      ['company:42:v2-send'],
    ],
    [
      'attachments.upload',
      (c) => c.v2.attachments.upload({ file_url: 'https://example.com/a.png' }),
      ['company:42:v2-upload'],
    ],
    ['wabaTemplates.list', (c) => c.v2.wabaTemplates.list(), ['company:42:v2-template-read']],
    [
      'conversations.update (no published limit)',
      (c) => c.v2.conversations.update(1, { replied_state: 'replied' }),
      [],
    ],
    ['auths.list (no published limit)', (c) => c.v2.auths.list(), []],
    ['webhooks.list (no published limit)', (c) => c.v2.webhooks.list(), []],
    ['v1 reads (unbudgeted, as before)', (c) => c.conversations.get(1), []],
  ])('%s', async (_what, call, expected) => {
    await call(client);
    expect(keys).toEqual(expected);
  });

  it('keys a call by the company it names, and templates of every company by the account', async () => {
    stub.route('GET', '/api/p2/conversations/1', { body: ref.conversationGet });
    await client.v2.conversations.get(1, { companyId: 7 });
    expect(keys).toEqual(['company:7:v2-conversation-read']);
    const bare = new PactClient({ token: 't', apiUrl: stub.url, rateLimiter: limiter });
    await bare.v2.wabaTemplates.list();
    await bare.close();
    expect(keys.at(-1)).toBe('account:v2-template-read');
  });
});
