import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  Bot,
  LocalRateLimiter,
  MemoryState,
  type BotOptions,
  type Context,
  type PactApiVersion,
  type RateLimiter,
  type RateLimitOptions,
} from '@pactbot/core';
import { acceptSends } from '@pactbot/testkit/support/bot-fixture';
import { startPactStub, type PactStub } from '@pactbot/testkit/support/pact-stub';
import { messageNew } from '@pactbot/testkit/support/webhooks';
import { acceptV2Sends, v2Incoming, v2Sends } from '@pactbot/testkit/support/v2-sends';

/**
 * The in-process limiter, watched: how many calls wait under each key. It only counts; granting
 * is the real `LocalRateLimiter`'s, first come first served.
 */
class WatchedLimiter implements RateLimiter {
  readonly #inner: LocalRateLimiter;
  readonly #waiting = new Map<string, number>();

  constructor(rate: RateLimitOptions) {
    this.#inner = new LocalRateLimiter(rate);
  }

  /** Calls asking under `key` and not yet granted. */
  waiting(key: string): number {
    return this.#waiting.get(key) ?? 0;
  }

  acquire(key: string, signal?: AbortSignal): Promise<void> {
    this.#waiting.set(key, this.waiting(key) + 1);
    return this.#inner
      .acquire(key, signal)
      .finally(() => this.#waiting.set(key, this.waiting(key) - 1));
  }

  pause(key: string, ms: number): void {
    this.#inner.pause(key, ms);
  }
}

/** A bot's state whose budget is shared (as `redisState`'s is): the bot spends this limiter. */
class BudgetedState extends MemoryState {
  constructor(readonly rateLimiter: WatchedLimiter) {
    super();
  }
}

let stub: PactStub | undefined;
let bot: Bot | undefined;

beforeEach(() => {
  // Real I/O with the stand-in of Pact; the budget's clock is the test's.
  vi.useFakeTimers({
    toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
  });
});
afterEach(async () => {
  vi.useRealTimers();
  await bot?.stop({ timeoutMs: 1000 });
  await stub?.close();
  bot = stub = undefined;
});

async function start(
  rate: RateLimitOptions,
  setup: (bot: Bot) => void,
  options: Partial<BotOptions> = {},
): Promise<WatchedLimiter> {
  stub = await startPactStub();
  acceptSends(stub);
  acceptV2Sends(stub);
  const limiter = new WatchedLimiter(rate);
  bot = new Bot({
    token: 'test-token',
    companyId: 42,
    apiUrl: stub.url,
    apiVersion: 2,
    state: new BudgetedState(limiter),
    ...options,
  });
  setup(bot);
  return limiter;
}

/** Lets real I/O run, the fake clock standing still, until `done` holds. */
async function untilIo(done: () => boolean): Promise<void> {
  for (let turn = 0; !done(); turn++) {
    if (turn > 200_000) throw new Error('gave up waiting for real I/O');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Moves the fake clock on a step at a time, each once every call that can go has gone, until `done`. */
async function advanceUntil(
  done: () => boolean,
  stepMs: number,
  settled: () => boolean,
): Promise<void> {
  for (let step = 0; !done(); step++) {
    if (step > 1000) throw new Error('still not done after 1000 steps of the fake clock');
    await untilIo(() => done() || settled());
    if (done()) return;
    await vi.advanceTimersByTimeAsync(stepMs);
  }
}

const SEND = 'company:42:v2-send';
const sentTexts = () =>
  v2Sends(stub!).map((s) => s.body.text ?? `[file ${s.body.attachment_ids?.[0]}]`);

describe('fairness across conversations under the v2 send budget', () => {
  it("a conversation sending 50 replies delays another's single reply by one budget slot at most", async () => {
    // v2's 30 sends a minute, evenly: one slot every 2 s.
    const limiter = await start(
      { sends: 5, perMs: 1000, budgets: { 'v2-send': { sends: 1, perMs: 2000 } } },
      (b) =>
        b.on('message', (ctx) => {
          if (ctx.conversationId === 1) for (let i = 0; i < 50; i++) void ctx.reply(`a${i}`);
          else void ctx.reply('b');
        }),
    );
    const t0 = Date.now();
    void bot!.handleWebhook(v2Incoming({ conversationId: 1, text: 'tell me everything' }));
    // a0 goes at once; a1 waits for the next slot.
    await untilIo(() => v2Sends(stub!).length === 1 && limiter.waiting(SEND) === 1);
    void bot!.handleWebhook(v2Incoming({ conversationId: 2, text: 'just one thing' }));
    await untilIo(() => limiter.waiting(SEND) === 2);
    const askedAt = Date.now();

    await advanceUntil(
      () => sentTexts().includes('b'),
      2000,
      () => limiter.waiting(SEND) === 2,
    );
    // Behind the one reply of the busy conversation already waiting, not behind its other 48.
    expect(sentTexts()).toEqual(['a0', 'a1', 'b']);
    // Alone it would have gone at the next slot (a0 had spent this one), t0 + 2 s: one slot later.
    const b = v2Sends(stub!).find((s) => s.body.text === 'b')!;
    expect(askedAt).toBe(t0);
    expect(b.request.at - t0).toBe(4000);

    // The busy conversation's replies all go, in their order.
    await advanceUntil(
      () => v2Sends(stub!).length === 51,
      2000,
      () => limiter.waiting(SEND) === 1,
    );
    expect(sentTexts().filter((text) => text !== 'b')).toEqual(
      Array.from({ length: 50 }, (_, i) => `a${i}`),
    );
  });

  it("holds for split text and files too, with Pact's default v2 budgets (5 a second, 30 a minute)", async () => {
    const long = Array.from({ length: 3 }, (_, i) => `${String(i).repeat(4000)}`).join('\n\n');
    const limiter = await start({ sends: 5, perMs: 1000 }, (b) =>
      b.on('message', (ctx: Context) => {
        if (ctx.conversationId !== 1) return void ctx.reply('b');
        void ctx.reply(long); // three parts on WhatsApp
        void ctx.attach('https://example.com/1.png');
        for (let i = 0; i < 40; i++) void ctx.reply(`a${i}`);
        void ctx.attach('https://example.com/2.png', { caption: 'two' });
        void ctx.reply(long);
      }),
    );
    const uploadKey = 'company:42:v2-upload';
    const waiting = () => limiter.waiting(SEND) + limiter.waiting(uploadKey);
    void bot!.handleWebhook(v2Incoming({ conversationId: 1, text: 'tell me everything' }));
    // 30 sends spend the minute's budget within 6 s; the 31st waits for the minute to pass.
    await advanceUntil(
      () => v2Sends(stub!).length === 30 && limiter.waiting(SEND) === 1,
      1000,
      () => waiting() === 1,
    );
    void bot!.handleWebhook(v2Incoming({ conversationId: 2, text: 'just one thing' }));
    await untilIo(() => limiter.waiting(SEND) === 2);

    await advanceUntil(
      () => sentTexts().includes('b'),
      1000,
      () => waiting() === 2,
    );
    const texts = sentTexts();
    const aheadOfB = texts.indexOf('b');
    // Besides the 30 sent before it asked, at most the one send already waiting went first.
    expect(aheadOfB).toBeGreaterThanOrEqual(30);
    expect(aheadOfB).toBeLessThanOrEqual(31);

    await advanceUntil(
      () => v2Sends(stub!).length === 49,
      1000,
      () => waiting() === 1,
    );
    // Three parts, a file, 40 replies, a file with its caption, three parts: 48 sends, in order.
    const busy = sentTexts().filter((text) => text !== 'b');
    expect(busy).toHaveLength(48);
    expect(busy.slice(0, 3).map((part) => part[0])).toEqual(['0', '1', '2']);
    expect(busy[3]).toMatch(/^\[file \d+\]$/);
    expect(busy.slice(4, 44)).toEqual(Array.from({ length: 40 }, (_, i) => `a${i}`));
    expect(busy[44]).toBe('two');
    expect(busy.slice(45).map((part) => part[0])).toEqual(['0', '1', '2']);
  });
});

describe('bot.events budget:wait', () => {
  it.each<[PactApiVersion, string]>([
    [2, 'company:42:v2-send'],
    [1, 'company:42'],
  ])(
    'on API v%s reports a send that waited for the budget: its key, conversation and wait',
    async (apiVersion, key) => {
      const waits: unknown[] = [];
      const limiter = await start(
        { sends: 1, perMs: 1000, budgets: { 'v2-send': { sends: 1, perMs: 1000 } } },
        (b) => {
          b.events.on('budget:wait', (info) => waits.push(info));
          b.on('message', async (ctx) => {
            await ctx.reply('one');
            await ctx.reply('two');
          });
        },
        { apiVersion },
      );
      const body =
        apiVersion === 2 ? v2Incoming({ conversationId: 7 }) : messageNew({ conversationId: 7 });
      const handled = bot!.handleWebhook(body);
      await untilIo(() => limiter.waiting(key) === 1);
      // The first send went at once: a grant without waiting is no news.
      expect(waits).toEqual([]);
      await vi.advanceTimersByTimeAsync(1000);
      expect((await handled).status).toBe(200);
      expect(waits).toEqual([{ key, conversationId: 7, waitedMs: 1000 }]);
    },
  );

  it('reports nothing while nobody listens', async () => {
    const limiter = await start(
      { sends: 5, perMs: 1000, budgets: { 'v2-send': { sends: 1, perMs: 1000 } } },
      (b) =>
        b.on('message', async (ctx) => {
          await ctx.reply('one');
          await ctx.reply('two');
        }),
    );
    const emit = vi.spyOn(bot!.events, 'emit');
    const handled = bot!.handleWebhook(v2Incoming({ conversationId: 7 }));
    await untilIo(() => limiter.waiting(SEND) === 1);
    await vi.advanceTimersByTimeAsync(1000);
    expect((await handled).status).toBe(200);
    expect(emit.mock.calls.map(([name]) => name)).not.toContain('budget:wait');
  });
});
