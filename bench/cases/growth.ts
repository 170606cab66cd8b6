/**
 * Growth: what pactbot costs as its work grows. The echo with a session counter (as in the full
 * cycle and the Redis case, replies accepted by the Pact stand-in), measured on fresh processes
 * at points along two curves, with memory state and sessions and with Redis state and sessions:
 * 1. active conversations — 1, 100, 10 000 and 100 000 — each with a stored session before the
 *    run (prefilled), the webhooks spread round-robin over them;
 * 2. handled-update history — 0, 10 %, 50 % and 100 % of the memory state's dedup bound (200 000
 *    updates remembered), prefilled before the run, the webhooks over 1 000 conversations.
 * Each point reports throughput and p99; the target is that no curve has a cliff: its lowest
 * throughput is at least half its highest. Redis keys carry a prefix unique to the run and to the
 * point, deleted after each point.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisSessionStore, URL_CLIENT_OPTIONS } from '@pactbot/session-redis';
import { conversationKey } from '@pactbot/core';
import { bodiesMade, bodyMaker } from '../lib/bodies.js';
import type { BenchCase, RunSettings } from '../lib/case.js';
import { startServer, stopAll, type Placement, type ServerHandle } from '../lib/child.js';
import { load, type LoadResult } from '../lib/load.js';
import { printTable, printTargets, target, type TargetCheck } from '../lib/report.js';
import { median, round } from '../lib/stats.js';
import type { PactbotServerConfig } from '../servers/pactbot.js';

/** Most handled updates `MemoryState` remembers by default (`maxClaims`, packages/core). */
const DEDUP_BOUND = 200_000;
/** The first conversation id of Pact bodies (`bench/lib/bodies.ts`: `1000 + id % conversations`). */
const FIRST_CONVERSATION = 1000;
/** Conversations of the history curve, as in the other cases. */
const HISTORY_CONVERSATIONS = 1000;
/** A point's lowest throughput over its highest must reach this: no cliff. */
const NO_CLIFF = 0.5;

type StateKind = 'memory' | 'redis';
type CurveKind = 'conversations' | 'history';

/** One point of a curve: what was prefilled, and what was measured. */
interface Point {
  state: StateKind;
  curve: CurveKind;
  /** Active conversations, or handled updates remembered before the run. */
  x: number;
  conversations: number;
  prefilledHistory: number;
  /** Updates remembered when the first measured run began, and when the last ended. */
  historyAtStart: number;
  historyAtEnd: number;
  /** Answered 2xx per second (median of the runs). */
  rps: number;
  /** Handlers run per second (with Redis, the answer does not wait for the handler). */
  handledPerS: number;
  /**
   * The curve's figure: the lesser of the two above — work answered for and done. With the Redis
   * inbox the answers may run ahead of the handlers, building a backlog that is not throughput.
   */
  throughput: number;
  p50: number;
  p99: number;
  botCpu: number;
  /** Sessions created during the runs: 0 when every update found its prefilled session. */
  newSessions: number;
  problems: string[];
  /** Wall time of the point: prefill, start, warm-up, runs, stop and clean-up. */
  seconds: number;
  runs: LoadResult[];
}

/** Deletes every key under `prefix`. */
async function flush(admin: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 5000);
    cursor = next;
    if (keys.length) await admin.unlink(...keys);
  } while (cursor !== '0');
}

/**
 * Writes `count` sessions of conversations `FIRST_CONVERSATION…` into Redis through
 * `RedisSessionStore`, as the bot's own store under `prefix` would have them.
 */
async function prefillRedisSessions(client: Redis, prefix: string, count: number): Promise<void> {
  const store = new RedisSessionStore<{ count: number }>(client, { prefix });
  for (let from = 0; from < count; from += 5000) {
    const batch: Array<Promise<void>> = [];
    for (let i = from; i < Math.min(count, from + 5000); i++)
      batch.push(store.set(conversationKey(42, FIRST_CONVERSATION + i), { count: 1 }));
    await Promise.all(batch);
  }
}

/**
 * The key under which the Redis inbox marks an update of a conversation handled (`inboxClaim` of
 * packages/session-redis/src/keys.ts; not public, so the case checks it against a real update).
 */
function inboxClaimKey(prefix: string, conversation: number, externalId: number): string {
  return `${prefix}{${conversationKey(42, conversation)}}:claim:message:new:${externalId}`;
}

/** External ids of prefilled history: far above any the bodies of a run reach. */
const PREFILL_ID_BASE = 1_000_000_000_000;

/** Marks `count` updates handled in Redis, spread over the history curve's conversations. */
async function prefillRedisHistory(admin: Redis, prefix: string, count: number): Promise<void> {
  const ttlMs = 60 * 60 * 1000;
  for (let from = 0; from < count; from += 10_000) {
    const pipeline = admin.pipeline();
    for (let i = from; i < Math.min(count, from + 10_000); i++) {
      const conversation = FIRST_CONVERSATION + (i % HISTORY_CONVERSATIONS);
      pipeline.set(inboxClaimKey(prefix, conversation, PREFILL_ID_BASE + i), 'done', 'PX', ttlMs);
    }
    await pipeline.exec();
  }
}

/** Waits (bounded) until the inbox has marked the update `externalId` handled. */
async function expectInboxMark(
  admin: Redis,
  prefix: string,
  conversation: number,
  externalId: number,
): Promise<void> {
  const key = inboxClaimKey(prefix, conversation, externalId);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await admin.get(key);
    if (value === 'done') return;
    if (Date.now() > deadline) {
      throw new Error(
        `the Redis inbox did not mark update ${externalId} handled under ${key} (found ${value}): ` +
          'its key names changed, and the history prefill of the growth case must follow them',
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface Plan {
  conversations: number[];
  history: number[];
  warmupS: number;
  /** Longest wait for the handlers to finish what a run left in flight, in ms. */
  drainMs: number;
  durationS: number;
  repeats: number;
}

/**
 * Points and timing. Sixteen fresh processes must fit the case's four minutes: at most two runs
 * per point, whatever `--repeats` says; a quick run measures the ends of each curve only.
 */
function plan(settings: RunSettings): Plan {
  return settings.quick
    ? {
        conversations: [1, 100_000],
        history: [0, DEDUP_BOUND],
        warmupS: 0.5,
        drainMs: 1000,
        durationS: settings.durationS,
        repeats: 1,
      }
    : {
        conversations: [1, 100, 10_000, 100_000],
        history: [0, DEDUP_BOUND / 10, DEDUP_BOUND / 2, DEDUP_BOUND],
        warmupS: 1,
        drainMs: 2000,
        durationS: settings.durationS,
        repeats: Math.min(settings.repeats, 2),
      };
}

export const growth: BenchCase = async (settings) => {
  const runId = randomUUID().slice(0, 8);
  const prefix = `pactbot-bench:${runId}:`;
  const admin = new Redis(settings.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  admin.on('error', () => undefined);
  // Auto-pipelined, so the sessions prefilled concurrently go out in few writes.
  const filler = new Redis(settings.redisUrl, { ...URL_CLIENT_OPTIONS, lazyConnect: true });
  filler.on('error', () => undefined);
  const { conversations, history, warmupS, drainMs, durationS, repeats } = plan(settings);
  const connections = settings.connections;
  // With Redis the bots, Redis and the load generator share both cores, as in the Redis case.
  const repin = (cpus: string) =>
    settings.aux.cpus !== undefined &&
    execFileSync('taskset', ['-a', '-c', '-p', cpus, String(process.pid)], { stdio: 'ignore' });
  let pointNumber = 0;

  const measurePoint = async (
    state: StateKind,
    curve: CurveKind,
    x: number,
    pact: ServerHandle,
    placement: Placement,
  ): Promise<Point> => {
    const count = curve === 'conversations' ? x : HISTORY_CONVERSATIONS;
    const prefilledHistory = curve === 'history' ? x : 0;
    const pointPrefix = `${prefix}${++pointNumber}:`;
    const config: PactbotServerConfig = {
      mode: 'echo',
      apiUrl: pact.url(''),
      state,
      session: state,
      ...(state === 'redis'
        ? { redisUrl: settings.redisUrl, prefix: pointPrefix }
        : {
            prefillClaims: prefilledHistory,
            prefillSessions: { first: FIRST_CONVERSATION, count },
          }),
    };
    if (state === 'redis') {
      await prefillRedisSessions(filler, pointPrefix, count);
      await prefillRedisHistory(admin, pointPrefix, prefilledHistory);
    }
    const name = `pactbot ${state}`;
    const server = await startServer(name, 'servers/pactbot.ts', config, placement);
    try {
      const body = bodyMaker('pact', count);
      const url = server.url('/pact');
      const watch = [server, pact];
      const firstId = bodiesMade() + 1;
      await load({ url, connections, durationS: warmupS, body, watch });
      if (state === 'redis') {
        const conversation = FIRST_CONVERSATION + (firstId % count);
        await expectInboxMark(admin, pointPrefix, conversation, firstId);
      }
      const handledSoFar = async () => (await server.stats()).counters['handled'] ?? 0;
      // A run must not begin behind the updates the last one left in flight — with one
      // conversation they are one line, and would hold its first answers back. Waits until every
      // update sent was handled, or none was for a moment (some never reached the server), or
      // the bound: a Redis backlog may take longer, and is the work of the next run.
      const drain = async () => {
        const deadline = performance.now() + drainMs;
        let last = -1;
        let stillSince = performance.now();
        for (;;) {
          const handled = await handledSoFar();
          if (handled >= bodiesMade() - firstId + 1) return;
          if (handled !== last) [last, stillSince] = [handled, performance.now()];
          if (performance.now() - stillSince > 250 || performance.now() > deadline) return;
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      };
      const remembered = (handled: number) =>
        state === 'memory'
          ? Math.min(DEDUP_BOUND, prefilledHistory + handled)
          : prefilledHistory + handled;
      await drain();
      const historyAtStart = remembered(await handledSoFar());
      const runs: LoadResult[] = [];
      for (let r = 0; r < repeats; r++) {
        if (r > 0) await drain();
        runs.push(await load({ url, connections, durationS, body, watch }));
      }
      const historyAtEnd = remembered(await handledSoFar());
      const counted = (run: LoadResult, counter: string) => run.counted[name]?.[counter] ?? 0;
      const problems = new Set<string>();
      for (const run of runs) {
        if (run.ok === 0) problems.add('no answers');
        if (run.non2xx) problems.add(`${run.non2xx} non-2xx`);
        if (run.errors) problems.add(`${run.errors} errors/timeouts`);
        if (counted(run, 'errors')) problems.add(`${counted(run, 'errors')} handler errors`);
        // The answers may run ahead of the handlers with Redis (the inbox answers once queued);
        // more than a few in flight at the end means the handlers fell behind.
        const behind = run.ok - counted(run, 'handled');
        if (behind > connections * 2) problems.add(`handlers ${behind} behind the answers`);
        // Every update should find its conversation's prefilled session.
        if (counted(run, 'new sessions'))
          problems.add(`${counted(run, 'new sessions')} sessions not prefilled`);
        const sends = run.counted[pact.name]?.['sends'] ?? 0;
        if (Math.abs(sends - counted(run, 'handled')) > connections * 2)
          problems.add(`${sends} sends for ${counted(run, 'handled')} handled`);
      }
      const rps = Math.round(median(runs.map((run) => run.rps)));
      const handledPerS = Math.round(
        median(runs.map((run) => counted(run, 'handled') / run.durationS)),
      );
      return {
        state,
        curve,
        x,
        conversations: count,
        prefilledHistory,
        historyAtStart,
        historyAtEnd,
        rps,
        handledPerS,
        throughput: Math.min(rps, handledPerS),
        p50: round(median(runs.map((run) => run.p50))),
        p99: round(median(runs.map((run) => run.p99))),
        botCpu: round(median(runs.map((run) => run.cpu[name] ?? 0)), 2),
        newSessions: runs.reduce((sum, run) => sum + counted(run, 'new sessions'), 0),
        problems: [...problems],
        seconds: 0,
        runs,
      };
    } finally {
      await server.stop();
      if (state === 'redis') await flush(admin, pointPrefix);
    }
  };

  const curves: Array<{ state: StateKind; curve: CurveKind; points: Point[] }> = [];
  try {
    await admin.connect();
    await filler.connect();
    for (const state of ['memory', 'redis'] as const) {
      if (state === 'redis') repin('0,1');
      // Memory: bot on CPU 0, stand-in and load generator on CPU 1, as in the full cycle.
      const placement = state === 'memory' ? settings.server : {};
      const pact = await startServer(
        `pact stand-in (${state})`,
        'servers/pact-standin.ts',
        {},
        state === 'memory' ? settings.aux : {},
      );
      try {
        for (const [curve, xs] of [
          ['conversations', conversations],
          ['history', history],
        ] as const) {
          const points: Point[] = [];
          for (const x of xs) {
            const startedAt = performance.now();
            const point = await measurePoint(state, curve, x, pact, placement);
            point.seconds = round((performance.now() - startedAt) / 1000, 2);
            points.push(point);
          }
          curves.push({ state, curve, points });
        }
      } finally {
        await pact.stop();
      }
    }
  } finally {
    await stopAll();
    repin(settings.aux.cpus ?? '0,1');
    try {
      await flush(admin, prefix);
    } finally {
      admin.disconnect();
      filler.disconnect();
    }
  }

  const targets: TargetCheck[] = [];
  const summary: Record<string, unknown> = { case: 'growth', connections };
  for (const { state, curve, points } of curves) {
    const label = state === 'redis' ? 'Redis' : state;
    // One conversation runs one update at a time by design (its order), so its point shows the
    // cost of ordering, not of growth: the no-cliff check starts at 100 conversations.
    const judged = curve === 'conversations' ? points.filter((p) => p.x >= 100) : points;
    const best = Math.max(...judged.map((p) => p.throughput));
    const worst = Math.min(...judged.map((p) => p.throughput));
    printTable(
      curve === 'conversations'
        ? `${label} state and sessions: echo against active conversations (each with a stored session), ${connections} connections, median of ${repeats}`
        : `${label} state and sessions: echo against handled-update history (dedup bound ${DEDUP_BOUND}), ${HISTORY_CONVERSATIONS} conversations, ${connections} connections, median of ${repeats}`,
      points.map((p) => ({
        ...(curve === 'conversations'
          ? { conversations: p.x }
          : {
              'history prefilled': p.x,
              'of the bound': `${Math.round((p.x / DEDUP_BOUND) * 100)}%`,
              'history in runs': `${p.historyAtStart}–${p.historyAtEnd}`,
            }),
        'throughput/s': p.throughput,
        'answered/s': p.rps,
        'handled/s': p.handledPerS,
        'p50 ms': p.p50,
        'p99 ms': p.p99,
        'bot cpu': p.botCpu,
        'new sessions': p.newSessions,
        'vs best': round(p.throughput / best, 3),
        'point s': p.seconds,
        problems: p.problems.join('; '),
      })),
    );
    const check = target(
      curve === 'conversations'
        ? `growth ${label}: lowest / highest across 100+ conversations`
        : `growth ${label}: lowest / highest across history`,
      round(worst / best, 3),
      NO_CLIFF,
    );
    targets.push(check);
    summary[`${state}_${curve}_throughput`] = points.map((p) => p.throughput);
    summary[`${state}_${curve}_p99_ms`] = points.map((p) => p.p99);
    summary[`${state}_${curve}_lowest_over_highest`] = check.value;
  }
  printTargets(targets);
  return {
    summary: { ...summary, x: { conversations, history }, met: targets.every((t) => t.met) },
    targets,
    raw: {
      prefix,
      plan: { conversations, history, warmupS, durationS, repeats, dedupBound: DEDUP_BOUND },
      curves: curves.map(({ state, curve, points }) => ({
        state,
        curve,
        points: points.map(({ runs, ...rest }) => ({ ...rest, runsRps: runs.map((r) => r.rps) })),
        runs: points.map((p) => p.runs),
      })),
    },
  };
};
