import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { session, type BotOptions, type Context, type SessionFlavor } from '@pactbot/core';
import { RedisSessionStore, redisState, URL_CLIENT_OPTIONS } from '@pactbot/session-redis';
import { startBot } from '@pactbot/testkit/support/bot-fixture';
import { countHandled } from '@pactbot/testkit/support/handled';
import { messageNew } from '@pactbot/testkit/support/webhooks';
import { testPrefix, testRedis } from './redis.js';
import { startRelay, type RoundTrip } from './relay.js';

type CounterContext = Context & SessionFlavor<{ count: number }>;

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * What a command was for, by the keys it names: `admit`, `take`, `complete`, `hold` (the index
 * of held turns), `look` (a process with room looking for lines: not any update's), or the
 * command and its key.
 */
function purpose(command: string[]): string {
  const [name = '', ...rest] = command;
  if (!/^eval(sha)?$/i.test(name)) return `${name.toLowerCase()} ${rest[0] ?? ''}`;
  const keys = rest.slice(2, 2 + Number(rest[1]));
  const args = rest.slice(2 + keys.length);
  const first = keys[0] ?? '';
  if (first.endsWith('inbox-pending') || first.endsWith('inbox-held')) {
    // The sweeper's look at the indexes: one key, and the most lines to answer.
    if (args.length === 1) return 'look';
    return first.endsWith('inbox-held') ? 'hold' : 'index';
  }
  if (first.includes(':claim:')) return keys.length === 1 ? 'claim' : 'admit';
  if (first.endsWith(':line')) return keys.length === 6 ? 'turn' : 'leave';
  if (first.endsWith(':session')) return 'session write';
  if (first.endsWith(':owner') && keys.length === 5 && keys[2]!.includes(':claim:'))
    return 'complete';
  if (first.endsWith(':owner') && keys.length === 6) return 'take';
  return `script on ${first}`;
}

/** The round trips that carried an update's commands: all but the sweeper's looks. */
function updateTrips(trips: RoundTrip[]): string[][] {
  return trips
    .map((trip) => trip.map(purpose))
    .filter((trip) => trip.length > 0 && !trip.every((p) => p === 'look'))
    .map((trip) => trip.filter((p) => p !== 'look'));
}

/**
 * A bot on the durable inbox whose Redis client talks through a relay that records round trips;
 * the state and the session store share the client and prefix, as the README shows. It keeps a
 * counter in the session, replies to every text, shows a menu on `menu` and takes its press.
 */
async function relayedBot(
  options: Partial<BotOptions<CounterContext>> = {},
  stateOptions: { inbox?: boolean } = {},
) {
  const relay = await startRelay();
  cleanups.push(() => relay.close());
  const redis = new Redis(relay.url, URL_CLIENT_OPTIONS);
  redis.on('error', () => undefined);
  cleanups.push(() => redis.disconnect());
  const prefix = testPrefix();
  const state = redisState(redis, { prefix, rateLimit: false, ...stateOptions });
  const store = new RedisSessionStore<{ count: number }>(redis, { prefix });
  const fixture = await startBot<CounterContext>({ state, ...options }, (bot) => {
    bot.use(session({ initial: () => ({ count: 0 }), store }));
    bot.hears(/^menu$/, (ctx) => ctx.buttons('Hungry?', [{ title: 'Pizza', id: 'pizza' }, 'No']));
    bot.action('pizza', async (ctx) => {
      ctx.session.count++;
      await ctx.reply(`pizza, after ${ctx.session.count}`);
    });
    bot.on('message:text', async (ctx) => {
      ctx.session.count++;
      await ctx.reply(`you said ${ctx.text} (${ctx.session.count})`);
    });
  });
  const errors: unknown[] = [];
  fixture.bot.events.on('error', ({ error }) => errors.push(error));
  cleanups.push(() => fixture.close());
  const handled = countHandled(fixture.bot);
  const admin = testRedis();
  cleanups.push(() => admin.disconnect());
  /** Stops the bot and closes the state, which removes the holds that ended from the index. */
  const stop = async () => {
    await fixture.bot.stop();
    await state.close();
  };
  return { relay, prefix, fixture, handled, admin, errors, store, stop };
}

describe('round trips to Redis per update, on the durable inbox with a Redis session store', () => {
  it('a text with a session and a reply: admitted with its session and menu in one, completed with its session write in one, its hold removed later', async () => {
    const { relay, prefix, fixture, handled, admin, errors, store, stop } = await relayedBot();
    // The scripts are loaded and the session exists: the steady state.
    await fixture.post(messageNew({ conversationId: 7, text: 'first' }));
    await handled.reach(1);
    relay.reset();

    expect((await fixture.post(messageNew({ conversationId: 7, text: 'second' }))).status).toBe(
      200,
    );
    await handled.reach(2);
    const beforeStop = updateTrips(relay.roundTrips());
    await stop();
    const trips = updateTrips(relay.roundTrips());

    expect(beforeStop).toEqual([['admit', 'hold'], ['complete']]);
    // The hold of this turn leaves the index with the next command to it — here the close.
    expect(trips).toEqual([['admit', 'hold'], ['complete'], ['hold']]);
    // No command of its own for the session or the menu: both came with the turn (the relay sees
    // every command a client sends).
    expect(trips.length).toBeLessThanOrEqual(3);
    expect(fixture.sends().map((s) => s.body.message)).toEqual([
      'you said first (1)',
      'you said second (2)',
    ]);
    expect(await store.get('42:conversation:7')).toEqual({ count: 2 });
    expect(await admin.zcard(`${prefix}inbox-held`)).toBe(0);
    expect(await admin.zcard(`${prefix}inbox-pending`)).toBe(0);
    expect(await admin.exists(`${prefix}{42:conversation:7}:owner`)).toBe(0);
    expect(errors).toEqual([]);
  });

  it('updates one after another: two round trips each, the hold of one removed with the next', async () => {
    const { relay, fixture, handled, store, stop } = await relayedBot();
    await fixture.post(messageNew({ conversationId: 8, text: 'warm' }));
    await handled.reach(1);
    relay.reset();
    for (let i = 0; i < 5; i++) {
      await fixture.post(messageNew({ conversationId: 8 + (i % 2), text: `t${i}` }));
      await handled.reach(2 + i);
    }
    await stop();
    const trips = updateTrips(relay.roundTrips());
    expect(trips).toEqual([
      ...Array.from({ length: 5 }, () => [['admit', 'hold'], ['complete']]).flat(),
      ['hold'],
    ]);
    expect(await store.get('42:conversation:8')).toEqual({ count: 4 });
    expect(await store.get('42:conversation:9')).toEqual({ count: 2 });
  });

  it('a button press: its menu read in the take, used up in the completion', async () => {
    const { relay, prefix, fixture, handled, admin, errors, store, stop } = await relayedBot();
    await fixture.post(messageNew({ conversationId: 11, text: 'menu' }));
    await handled.reach(1);
    const menuKey = `${prefix}{42:conversation:11}:menu`;
    expect(await admin.get(menuKey)).toContain('Pizza');
    relay.reset();

    await fixture.post(messageNew({ conversationId: 11, text: 'pizza' }));
    await handled.reach(2);
    await stop();

    // No lookup of the menu, and no removal of its own: the completion used it up.
    expect(updateTrips(relay.roundTrips())).toEqual([['admit', 'hold'], ['complete'], ['hold']]);
    expect(fixture.sends().at(-1)?.body.message).toBe('pizza, after 1');
    // Used up: a second "pizza" is text again.
    expect(await admin.exists(menuKey)).toBe(0);
    expect(await store.get('42:conversation:11')).toEqual({ count: 1 });
    expect(errors).toEqual([]);
  });

  it('a redelivery of a handled update: answered in one round trip', async () => {
    const { relay, fixture, handled, admin, prefix, stop } = await relayedBot();
    const body = messageNew({ conversationId: 12, text: 'once' });
    await fixture.post(body);
    await handled.reach(1);
    relay.reset();

    expect(await fixture.post(body)).toMatchObject({ status: 200, body: { duplicate: true } });
    expect(updateTrips(relay.roundTrips())).toEqual([['admit', 'hold']]);
    await stop();
    // The hold recorded in case the turn was taken goes with the next command to the index.
    expect(updateTrips(relay.roundTrips())).toEqual([['admit', 'hold'], ['hold']]);
    expect(await admin.zcard(`${prefix}inbox-held`)).toBe(0);
    expect(handled.count).toBe(1);
    expect(fixture.sends()).toHaveLength(1);
  });
});

describe('round trips to Redis per update, without the inbox', () => {
  it('the grant of the turn reads the session and the menu: claim, turn, session write, then completion and release together', async () => {
    const { relay, fixture, handled, store, errors, stop } = await relayedBot({}, { inbox: false });
    await fixture.post(messageNew({ conversationId: 13, text: 'first' }));
    await handled.reach(1);
    relay.reset();

    expect((await fixture.post(messageNew({ conversationId: 13, text: 'second' }))).status).toBe(
      200,
    );
    await handled.reach(2);
    await stop();

    expect(updateTrips(relay.roundTrips())).toEqual([
      ['claim'],
      ['turn'],
      ['session write'],
      ['claim', 'leave'],
    ]);
    expect(fixture.sends().at(-1)?.body.message).toBe('you said second (2)');
    expect(await store.get('42:conversation:13')).toEqual({ count: 2 });
    expect(errors).toEqual([]);
  });
});
