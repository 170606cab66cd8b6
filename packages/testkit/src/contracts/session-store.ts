import { describe, expect, it } from 'vitest';
import type { BotState, SessionStore } from '@pactbot/core';

/** A session store under test, with the state whose locks fence its writes, if it checks fences. */
export interface SessionStoreUnderTest {
  store: SessionStore<{ n: number; tags?: string[] }>;
  /** The state whose conversation locks the store checks, when it refuses stale writers. */
  fencedBy?: BotState | undefined;
  /** Releases what the store holds. */
  close(): Promise<void>;
}

/**
 * The behaviour every `SessionStore` has, memory or Redis: what was set is got back as a copy,
 * deleted is gone; and a store that checks fences refuses a writer whose turn passed to another.
 */
export function sessionStoreContract(
  name: string,
  make: () => Promise<SessionStoreUnderTest>,
): void {
  const withStore = (test: (s: SessionStoreUnderTest) => Promise<void>) => async () => {
    const s = await make();
    try {
      await test(s);
    } finally {
      await s.close();
    }
  };

  describe(`${name}: the SessionStore contract`, () => {
    it(
      'gets back what was set, as a copy, and nothing once deleted',
      withStore(async ({ store }) => {
        const key = '42:conversation:1';
        expect(await store.get(key)).toBeUndefined();
        const value = { n: 1, tags: ['a'] };
        await store.set(key, value);
        value.tags.push('changed after set');
        const got = await store.get(key);
        expect(got).toEqual({ n: 1, tags: ['a'] });
        got!.tags!.push('changed after get');
        expect(await store.get(key)).toEqual({ n: 1, tags: ['a'] });
        await store.delete(key);
        expect(await store.get(key)).toBeUndefined();
      }),
    );

    it(
      'keeps conversations apart',
      withStore(async ({ store }) => {
        await store.set('42:conversation:2', { n: 2 });
        await store.set('42:conversation:3', { n: 3 });
        expect(await store.get('42:conversation:2')).toEqual({ n: 2 });
        expect(await store.get('42:conversation:3')).toEqual({ n: 3 });
      }),
    );

    it(
      'refuses, when it checks fences, a write whose turn passed to a newer holder',
      withStore(async ({ store, fencedBy }) => {
        const line = '42:conversation:4';
        if (fencedBy === undefined) {
          // A store that checks no fences writes what it is given: one process, one turn at a time.
          await store.set(line, { n: 1 }, { fence: { key: line, token: 1 } });
          expect(await store.get(line)).toEqual({ n: 1 });
          return;
        }
        const stale = await fencedBy.lock(line, { leaseMs: 5000 });
        const nextTurn = fencedBy.lock(line, { leaseMs: 5000 });
        await stale.release();
        const current = await nextTurn;
        await store.set(line, { n: 2 }, { fence: current.fence });
        await expect(store.set(line, { n: 1 }, { fence: stale.fence })).rejects.toMatchObject({
          name: 'SessionConflictError',
        });
        expect(await store.get(line)).toEqual({ n: 2 });
        await current.release();
      }),
    );
  });
}
