import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemorySessionStore, MemoryState } from '@pactbot/core';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('MemorySessionStore', () => {
  it('hands out copies, so a handler cannot change a stored session behind the store', () => {
    const store = new MemorySessionStore<{ items: string[] }>();
    store.set('k', { items: ['a'] });
    store.get('k')!.items.push('b');
    expect(store.get('k')).toEqual({ items: ['a'] });
  });

  it('keeps at most maxEntries sessions, dropping the least recently used', () => {
    const store = new MemorySessionStore<number>({ maxEntries: 3 });
    store.set('a', 1);
    store.set('b', 2);
    store.set('c', 3);
    expect(store.get('a')).toBe(1); // a is now the most recently used
    store.set('d', 4);
    expect(store.size).toBe(3);
    expect(store.get('b')).toBeUndefined();
    expect([store.get('a'), store.get('c'), store.get('d')]).toEqual([1, 3, 4]);
  });

  it('forgets a session unused for ttlMs, and a read keeps it alive', () => {
    const store = new MemorySessionStore<number>({ ttlMs: 1000 });
    store.set('idle', 1);
    store.set('busy', 2);
    vi.advanceTimersByTime(600);
    expect(store.get('busy')).toBe(2);
    vi.advanceTimersByTime(600);
    expect(store.get('idle')).toBeUndefined();
    expect(store.get('busy')).toBe(2);
  });
});

describe('MemoryState', () => {
  it('remembers handled updates for the dedup window, then forgets them', async () => {
    const state = new MemoryState();
    const claim = await state.claim('u1', { leaseMs: 1000, ttlMs: 5000 });
    expect(await state.claim('u1', { leaseMs: 1000, ttlMs: 5000 })).toBeUndefined();
    await claim!.complete();
    vi.advanceTimersByTime(4000);
    expect(await state.claim('u1', { leaseMs: 1000, ttlMs: 5000 })).toBeUndefined();
    vi.advanceTimersByTime(1001);
    expect(await state.claim('u1', { leaseMs: 1000, ttlMs: 5000 })).toBeDefined();
  });

  it('keeps at most maxClaims marks', async () => {
    const state = new MemoryState({ maxClaims: 2 });
    for (const id of ['a', 'b', 'c'])
      await (await state.claim(id, { leaseMs: 1000, ttlMs: 60_000 }))!.complete();
    expect(await state.claim('a', { leaseMs: 1000, ttlMs: 60_000 })).toBeDefined();
    expect(await state.claim('c', { leaseMs: 1000, ttlMs: 60_000 })).toBeUndefined();
  });

  it('gives turns in a line in the order asked for', async () => {
    const state = new MemoryState();
    const order: number[] = [];
    const first = await state.lock('k', { leaseMs: 1000 });
    const waiting = [1, 2, 3].map((n) =>
      state.lock('k', { leaseMs: 1000 }).then(async (lock) => {
        order.push(n);
        await lock.release();
      }),
    );
    await first.release();
    await Promise.all(waiting);
    expect(order).toEqual([1, 2, 3]);
  });
});
