import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { session, type Context, type SessionFlavor } from '@pactbot/core';
import { RedisSessionStore, redisState } from '@pactbot/session-redis';
import { acceptSends, startBot } from '@pactbot/testkit/support/bot-fixture';
import { spawnChildBot, type ChildEvent } from '@pactbot/testkit/support/child-bot';
import { deliverLikePact } from '@pactbot/testkit/support/deliver';
import { countHandled } from '@pactbot/testkit/support/handled';
import { startPactStub } from '@pactbot/testkit/support/pact-stub';
import { messageNew } from '@pactbot/testkit/support/webhooks';

/**
 * A bot process on the durable inbox is killed (SIGKILL) at each phase of one update; a second
 * process on the same Redis takes its lines over once the lease lapses. Every update must be
 * handled, each once — but the one killed after its reply reached Pact and before its completion
 * was recorded, which runs again (no process can tell whether Pact got the reply).
 */

type CounterContext = Context & SessionFlavor<{ count: number }>;

const CONVERSATIONS = [301, 302, 303, 304];
const PER_CONVERSATION = 5;
const LEASE_MS = 500;
/** The conversation whose update is caught by the kill, and the position of the blocked one. */
const VICTIM = 302;
const BLOCKED_AT = 2;
const text = (conversation: number, i: number) => `c${conversation}-u${i}`;

interface Phase {
  name: string;
  /** Where the blocked update's handler holds in the child (see `inbox-child.ts`). */
  blockAt: 'start' | 'replied';
  /** The update the kill catches: the blocked one, or the one waiting behind it. */
  caught: string;
  /** Whether the caught update's reply was already at Pact when the process died. */
  repliedBeforeKill: boolean;
}

const PHASES: Phase[] = [
  {
    name: 'waiting in line behind a blocked update',
    blockAt: 'start',
    caught: text(VICTIM, BLOCKED_AT + 1),
    repliedBeforeKill: false,
  },
  {
    name: 'running, before any reply',
    blockAt: 'start',
    caught: text(VICTIM, BLOCKED_AT),
    repliedBeforeKill: false,
  },
  {
    name: 'replied, its completion not recorded',
    blockAt: 'replied',
    caught: text(VICTIM, BLOCKED_AT),
    repliedBeforeKill: true,
  },
];

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('a bot process killed with SIGKILL', () => {
  it.each(PHASES)(
    'while an update is $name: the next process handles every update, each once but a reply already at Pact',
    async (phase) => {
      const stub = await startPactStub();
      acceptSends(stub);
      cleanups.push(() => stub.close());
      const prefix = `pactbot-test:${randomUUID()}:`;
      const redisUrl = inject('redisUrl');
      const blockedText = text(VICTIM, BLOCKED_AT);
      const child = await spawnChildBot(new URL('./inbox-child.ts', import.meta.url), {
        PACT_URL: stub.url,
        REDIS_URL: redisUrl,
        PREFIX: prefix,
        LEASE_MS: String(LEASE_MS),
        BLOCK_TEXT: blockedText,
        BLOCK_AT: phase.blockAt,
      });
      cleanups.push(() => child.kill('SIGKILL'));

      // Pact delivers the updates one after another, in turns across the conversations.
      const all: string[] = [];
      const statuses: number[][] = [];
      for (let i = 0; i < PER_CONVERSATION; i++) {
        for (const conversation of CONVERSATIONS) {
          all.push(text(conversation, i));
          statuses.push(
            await deliverLikePact(
              child.url,
              messageNew({ conversationId: conversation, text: text(conversation, i) }),
              {
                attempts: 3,
              },
            ),
          );
        }
      }
      // Every update was queued durably and answered 200 at once.
      expect(statuses.every((s) => s.length === 1 && s[0] === 200)).toBe(true);

      // Everything but the victim's line from the blocked update on is handled; then the kill.
      const stuck = PER_CONVERSATION - BLOCKED_AT;
      const isHandled = (e: ChildEvent) => e.event === 'handled';
      await child.waitFor((e) => e.event === 'blocked' && e.text === blockedText);
      await child.waitFor(isHandled, all.length - stuck);
      await child.kill('SIGKILL');
      const handledByChild = child.events.filter(isHandled).map((e) => String(e.text));
      expect(handledByChild).not.toContain(phase.caught);
      const startedByChild = child.events.filter((e) => e.event === 'started').map((e) => e.text);
      // Waiting: the caught update never started in the dead process; otherwise it was running there.
      expect(startedByChild.includes(phase.caught)).toBe(phase.caught === blockedText);

      const redis = new Redis(redisUrl);
      cleanups.push(() => redis.disconnect());
      const state = redisState(redis, { prefix, rateLimit: false });
      cleanups.push(() => state.close());
      const handledBySecond: string[] = [];
      const second = await startBot<CounterContext>(
        { state, leaseMs: LEASE_MS },
        (bot) => {
          bot.use(
            session({
              initial: () => ({ count: 0 }),
              store: new RedisSessionStore(redis, { prefix }),
            }),
          );
          bot.on('message:text', async (ctx) => {
            handledBySecond.push(ctx.text);
            ctx.session.count++;
            await ctx.reply(ctx.text);
          });
        },
        { stub },
      );
      cleanups.push(() => second.close());
      // The dead holder's lease lapses; the second process's sweeper takes the line over.
      await countHandled(second.bot).reach(stuck);
      const queued = await Promise.all(
        CONVERSATIONS.map((c) => redis.llen(`${prefix}{42:conversation:${c}}:inbox`)),
      );
      expect(queued).toEqual(CONVERSATIONS.map(() => 0));

      const replies = second.sends().map((s) => ({
        conversation: s.conversationId,
        text: s.body.message!,
      }));
      const repliesOf = (t: string) => replies.filter((r) => r.text === t).length;
      const lost = all.filter((t) => repliesOf(t) === 0);
      const duplicated = all.filter((t) => repliesOf(t) > 1);
      const handledOverall = new Set([...handledByChild, ...handledBySecond]);
      console.log(
        `kill while ${phase.name}: ${all.length} updates, ${handledByChild.length} handled before the kill, ` +
          `${handledBySecond.length} after the take-over; lost ${lost.length}, duplicated ${duplicated.length}` +
          (duplicated.length ? ` (${duplicated.join(', ')})` : ''),
      );
      expect(lost).toEqual([]);
      expect([...handledOverall].sort()).toEqual([...all].sort());
      expect(duplicated).toEqual(phase.repliedBeforeKill ? [phase.caught] : []);
      if (phase.repliedBeforeKill) expect(repliesOf(phase.caught)).toBe(2);
      // The second process ran only what the dead one had not completed, in line order.
      expect(handledBySecond).toEqual(
        Array.from({ length: stuck }, (_, i) => text(VICTIM, BLOCKED_AT + i)),
      );
      for (const conversation of CONVERSATIONS) {
        const texts = replies.filter((r) => r.conversation === conversation).map((r) => r.text);
        // A reply repeated by the re-run follows its first copy directly: the order holds.
        const order = texts.filter((t, i) => t !== texts[i - 1]);
        expect(order).toEqual(
          Array.from({ length: PER_CONVERSATION }, (_, i) => text(conversation, i)),
        );
        // The killed run never saved its session: each conversation counts its updates once.
        const stored = await redis.get(`${prefix}{42:conversation:${conversation}}:session`);
        expect(JSON.parse(stored!)).toEqual({ count: PER_CONVERSATION });
      }
    },
  );
});
