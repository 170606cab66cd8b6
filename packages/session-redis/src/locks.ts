import type { ConversationLock, LockOptions } from '@pactbot/core';
import type { RedisClient } from './connection.js';
import { guarded } from './errors.js';
import type { KeyNames } from './keys.js';
import { LuaScript, NOW_MS } from './lua-script.js';
import { readOnceValues } from './turn-values.js';

/**
 * Joins a conversation's line (once: a re-sent command finds its place) and takes the turn if it
 * has come. The line is a sorted set of members by ticket; each member has a deadline that its
 * process keeps pushing forward. Members past their deadline (a crashed holder, a vanished waiter)
 * are dropped from the head, so the line never stalls for longer than a lease. With the turn, it
 * reads the conversation's session and button menu, so the handler needs no round trip for them.
 * KEYS: line, deadlines, tickets, fence, session, menu. ARGV: member, lease ms, idle ttl ms,
 * channel, lock key. Answers { ticket, 1, session, menu } when the turn is the member's,
 * { ticket, 0 } otherwise.
 */
const ENTER = new LuaScript(`${NOW_MS}
local member, lease, idle = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local ticket = redis.call('ZSCORE', KEYS[1], member)
if ticket then
  ticket = tonumber(ticket)
else
  ticket = redis.call('INCR', KEYS[3])
  redis.call('ZADD', KEYS[1], ticket, member)
end
redis.call('HSET', KEYS[2], member, now + lease)
local dropped = false
while true do
  local head = redis.call('ZRANGE', KEYS[1], 0, 0)[1]
  if not head or head == member then break end
  if tonumber(redis.call('HGET', KEYS[2], head) or '0') > now then break end
  redis.call('ZREM', KEYS[1], head)
  redis.call('HDEL', KEYS[2], head)
  dropped = true
end
for i = 1, 4 do redis.call('PEXPIRE', KEYS[i], idle) end
if redis.call('ZRANGE', KEYS[1], 0, 0)[1] == member then
  if tonumber(redis.call('GET', KEYS[4]) or '0') < ticket then redis.call('SET', KEYS[4], ticket, 'PX', idle) end
  return { ticket, 1, redis.call('GET', KEYS[5]), redis.call('GET', KEYS[6]) }
end
if dropped then redis.call('PUBLISH', ARGV[4], ARGV[5]) end
return { ticket, 0 }`);

/** Pushes the holder's deadline forward, if it still holds the turn. KEYS: line, deadlines. ARGV: member, lease ms. */
const EXTEND = new LuaScript(`${NOW_MS}
if redis.call('ZRANGE', KEYS[1], 0, 0)[1] ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], now + tonumber(ARGV[2]))
return 1`);

/**
 * Leaves the line; if the member held the turn and someone is waiting, announces it. (Every
 * process of the bot hears every announcement: with nobody in line, the usual case, there is no
 * one to wake. A waiter joins the line before it sleeps, so it is counted here or finds the turn
 * free itself.) KEYS: line, deadlines. ARGV: member, channel, lock key.
 */
const LEAVE = new LuaScript(`
local head = redis.call('ZRANGE', KEYS[1], 0, 0)[1]
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
if head == ARGV[1] then
  if redis.call('ZCARD', KEYS[1]) > 0 then redis.call('PUBLISH', ARGV[2], ARGV[3]) end
  return 1
end
return 0`);

/** How long an idle conversation's line, tickets and fence are kept. */
const IDLE_TTL_MS = 24 * 60 * 60 * 1000;

/** How long the announcements' connection stays open after the last caller stopped waiting. */
const SUBSCRIBER_IDLE_MS = 2000;

interface Waiting {
  /** Bumped on every announcement for the key, so a waiter can tell it missed one. */
  generation: number;
  /** Waiters asleep until the next announcement or poll. */
  wake: Set<() => void>;
  /** Callers of `lock` for the key in this process, asleep or not. */
  callers: number;
}

/**
 * Per-conversation locks in Redis, granted one at a time in the order processes asked for them —
 * a fair line, so arrival order holds across every process of the bot. A holder's turn is
 * extended while it runs; a turn whose holder stopped extending it (crash, stall) lapses after its
 * lease and the next in line goes, and the stale holder learns it through `lost`. Tickets grow with
 * every turn and serve as fencing tokens (see `RedisSessionStore`). Releases are announced over
 * pub/sub so waiters move at once; a slower poll covers lost announcements and lapsed holders.
 *
 * The announcements need a connection of their own. It is opened only when a caller has to wait,
 * and closed once nobody has waited for a couple of seconds: a bot whose conversations never
 * contend never opens it, and a stopped bot does not keep its process alive through it.
 */
export class RedisLocks {
  readonly #redis: RedisClient;
  readonly #keys: KeyNames;
  readonly #owner: string;
  readonly #place: object;
  readonly #waiting = new Map<string, Waiting>();
  readonly #heartbeats = new Set<NodeJS.Timeout>();
  #subscriber: RedisClient | undefined;
  #subscribed: Promise<unknown> | undefined;
  #idleTimer: NodeJS.Timeout | undefined;
  #sequence = 0;

  constructor(redis: RedisClient, keys: KeyNames, owner: string, place: object) {
    this.#redis = redis;
    this.#keys = keys;
    this.#owner = owner;
    this.#place = place;
  }

  #listen(): Promise<unknown> {
    clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
    if (this.#subscribed) return this.#subscribed;
    const subscriber = this.#redis.duplicate();
    // Connection trouble shows in the lock operations themselves; keep ioredis from logging it too.
    subscriber.on('error', () => undefined);
    subscriber.on('message', (_channel: string, key: string) => {
      const waiting = this.#waiting.get(key);
      if (!waiting) return;
      waiting.generation++;
      for (const wake of waiting.wake) wake();
    });
    this.#subscriber = subscriber;
    this.#subscribed = subscriber.subscribe(this.#keys.releases).catch(() => undefined);
    return this.#subscribed;
  }

  /** Closes the announcements' connection a while after the last caller of `lock` is done. */
  #closeWhenIdle(): void {
    if (!this.#subscriber || this.#waiting.size > 0 || this.#idleTimer) return;
    this.#idleTimer = setTimeout(() => {
      this.#idleTimer = undefined;
      if (this.#waiting.size === 0) void this.#closeSubscriber();
    }, SUBSCRIBER_IDLE_MS);
    this.#idleTimer.unref();
  }

  async #closeSubscriber(): Promise<void> {
    const subscriber = this.#subscriber;
    this.#subscriber = undefined;
    this.#subscribed = undefined;
    if (subscriber) await subscriber.quit().catch(() => subscriber.disconnect());
  }

  /** Joins the line of `key` and resolves at this caller's turn. */
  async lock(key: string, options: LockOptions): Promise<ConversationLock> {
    const { leaseMs, signal } = options;
    const keys = this.#keys.lock(key);
    const member = `${this.#owner}:${++this.#sequence}`;
    const pollMs = Math.min(1000, Math.max(20, Math.floor(leaseMs / 3)));
    let waiting = this.#waiting.get(key);
    if (!waiting)
      this.#waiting.set(key, (waiting = { generation: 0, wake: new Set(), callers: 0 }));
    waiting.callers++;
    const leave = () =>
      LEAVE.run(
        this.#redis,
        [keys.queue, keys.deadlines],
        [member, this.#keys.releases, key],
      ).catch(() => undefined);
    try {
      for (;;) {
        signal?.throwIfAborted();
        const seen = waiting.generation;
        const values = this.#keys.lineValues(key);
        const [ticket, granted, session, menu] = (await guarded('lock', () =>
          ENTER.run(
            this.#redis,
            [keys.queue, keys.deadlines, keys.tickets, keys.fence, values.session, values.menu],
            [member, leaseMs, IDLE_TTL_MS, this.#keys.releases, key],
          ),
        )) as [number, number, (string | null)?, (string | null)?];
        if (granted === 1) {
          const read = new Map([
            [values.session, session ?? null],
            [values.menu, menu ?? null],
          ]);
          return this.#held(key, member, ticket, leaseMs, read);
        }
        if (!this.#subscribed) {
          // Listen, then look again: a release announced before the subscription took hold
          // would otherwise go unheard until the next poll.
          await this.#listen();
          continue;
        }
        if (waiting.generation === seen) await this.#nextChance(waiting, pollMs, signal);
      }
    } catch (error) {
      // Do not leave a place in the line behind: those after it would wait for its lease to lapse.
      void leave();
      throw error;
    } finally {
      if (--waiting.callers === 0) this.#waiting.delete(key);
      this.#closeWhenIdle();
    }
  }

  /** Resolves on an announcement for the key, after `pollMs`, or when `signal` aborts. */
  #nextChance(waiting: Waiting, pollMs: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        waiting.wake.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, pollMs);
      waiting.wake.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  #held(
    key: string,
    member: string,
    ticket: number,
    leaseMs: number,
    read: ReadonlyMap<string, string | null>,
  ): ConversationLock {
    const keys = this.#keys.lock(key);
    const lost = new AbortController();
    // When the last extension that succeeded was sent: the lease runs from when Redis got it.
    let extendedAt = Date.now();
    const heartbeat = setInterval(
      () => {
        const sentAt = Date.now();
        EXTEND.run(this.#redis, [keys.queue, keys.deadlines], [member, leaseMs]).then(
          (still) => {
            if (still === 1) extendedAt = sentAt;
            else lost.abort(new Error(`the lock of ${key} lapsed and passed to the next in line`));
          },
          () => {
            // Redis is away; once a whole lease went by without an extension, the turn is surely gone.
            if (Date.now() - extendedAt > leaseMs)
              lost.abort(new Error(`the lock of ${key} could not be extended for a whole lease`));
          },
        );
      },
      Math.max(20, Math.floor(leaseMs / 3)),
    );
    heartbeat.unref();
    this.#heartbeats.add(heartbeat);
    let released = false;
    return {
      fence: { key, token: Number(ticket) },
      values: readOnceValues(this.#place, read),
      lost: lost.signal,
      stillHeld: () => {
        if (!lost.signal.aborted && Date.now() - extendedAt > leaseMs) {
          lost.abort(new Error(`the lock of ${key} was not extended for a whole lease`));
        }
        return !lost.signal.aborted;
      },
      release: async () => {
        if (released) return;
        released = true;
        clearInterval(heartbeat);
        this.#heartbeats.delete(heartbeat);
        await guarded('lock release', () =>
          LEAVE.run(this.#redis, [keys.queue, keys.deadlines], [member, this.#keys.releases, key]),
        );
      },
    };
  }

  /** Stops extending held locks and listening for announcements. */
  async close(): Promise<void> {
    for (const heartbeat of this.#heartbeats) clearInterval(heartbeat);
    this.#heartbeats.clear();
    clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
    await this.#closeSubscriber();
  }
}
