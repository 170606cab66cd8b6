import { describe, expect, it } from 'vitest';
import type { BotState } from '@pactbot/core';

/** Two handles on one shared state — two processes of a bot, or one process twice. */
export interface BotStatePeers {
  a: BotState;
  b: BotState;
  /** Releases what the peers hold. */
  close(): Promise<void>;
}

/** Checks `condition` until it holds, for what only time brings (a time to live running out). */
async function eventually(condition: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * The behaviour every `BotState` has, memory or Redis: claims, the turns of a line, small values.
 * `peers` makes two handles on one fresh state, with keys no other test uses.
 */
export function botStateContract(name: string, peers: () => Promise<BotStatePeers>): void {
  const claim = { leaseMs: 5000, ttlMs: 60_000 };
  const withPeers = (test: (p: BotStatePeers) => Promise<void>) => async () => {
    const p = await peers();
    try {
      await test(p);
    } finally {
      await p.close();
    }
  };

  describe(`${name}: the BotState contract`, () => {
    it(
      'claims an update once; a second claim says it is held, then done once completed',
      withPeers(async ({ a, b }) => {
        const first = await a.claim('42:message:new:1', claim);
        expect(first).toBeDefined();
        expect(await b.claim('42:message:new:1', claim)).toBeUndefined();
        expect((await b.claimUpdate?.('42:message:new:1', claim))?.status ?? 'held').toBe('held');
        await first!.complete();
        expect(await b.claim('42:message:new:1', claim)).toBeUndefined();
        expect((await b.claimUpdate?.('42:message:new:1', claim))?.status ?? 'done').toBe('done');
      }),
    );

    it(
      'gives a released claim back, so a redelivery can claim it',
      withPeers(async ({ a, b }) => {
        const first = await a.claim('42:message:new:2', claim);
        await first!.release();
        const again = await b.claim('42:message:new:2', claim);
        expect(again).toBeDefined();
        await again!.release();
      }),
    );

    it(
      'grants the turns of a line one at a time, in the order they were asked for, with growing fences',
      withPeers(async ({ a, b }) => {
        const line = '42:conversation:7';
        const granted: string[] = [];
        const first = await a.lock(line, { leaseMs: 5000 });
        const second = b.lock(line, { leaseMs: 5000 }).then((lock) => {
          granted.push('second');
          return lock;
        });
        const third = a.lock(line, { leaseMs: 5000 }).then((lock) => {
          granted.push('third');
          return lock;
        });
        await new Promise((resolve) => setTimeout(resolve, 20));
        expect(granted).toEqual([]);
        await first.release();
        const two = await second;
        expect(granted).toEqual(['second']);
        expect(two.fence.token).toBeGreaterThan(first.fence.token);
        expect(two.fence.key).toBe(line);
        expect(two.stillHeld?.() ?? true).toBe(true);
        await two.release();
        const three = await third;
        expect(three.fence.token).toBeGreaterThan(two.fence.token);
        await three.release();
      }),
    );

    it(
      'lets a waiter stop waiting for its turn, and the line goes on without it',
      withPeers(async ({ a, b }) => {
        const line = '42:conversation:8';
        const held = await a.lock(line, { leaseMs: 5000 });
        const giveUp = new AbortController();
        const gaveUp = b.lock(line, { leaseMs: 5000, signal: giveUp.signal });
        const after = a.lock(line, { leaseMs: 5000 });
        giveUp.abort(new Error('not waiting'));
        await expect(gaveUp).rejects.toThrow('not waiting');
        await held.release();
        const next = await after;
        await next.release();
      }),
    );

    it(
      'keeps small values for their time to live, and deletes them',
      withPeers(async ({ a, b }) => {
        await a.setValue('menu:42:1', '{"x":1}', 60_000);
        expect(await b.getValue('menu:42:1')).toBe('{"x":1}');
        await b.deleteValue('menu:42:1');
        expect(await a.getValue('menu:42:1')).toBeUndefined();
        await a.setValue('menu:42:2', 'soon gone', 50);
        await eventually(
          async () => (await b.getValue('menu:42:2')) === undefined,
          'the value to expire',
        );
      }),
    );
  });
}
