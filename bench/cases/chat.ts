/**
 * Chat: pactbot against Vercel's Chat SDK (`chat` with `@chat-adapter/telegram`), the echo
 * workload of the peers case (webhook in, one reply out through an API stand-in, webhook answered
 * once the reply was accepted), in two pairs:
 * - in memory: pactbot's default memory state against `@chat-adapter/state-memory`;
 * - on Redis: pactbot with `redisState` against `@chat-adapter/state-ioredis`, each on one ioredis
 *   client with the same options, their keys under a prefix unique to the run, deleted afterwards.
 *   pactbot runs without the durable inbox (`inbox: false`): with it, a webhook is answered as
 *   soon as its update is queued in Redis and the reply goes out later, so answers per second
 *   would count admissions, not echoes — the webhook must be answered after the reply, as Chat SDK
 *   is made to answer here, for the two to do the same work per answer.
 * pactbot speaks to the Pact stand-in, Chat SDK to the Telegram one, with the private-chat updates
 * grammY and Telegraf get.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { bodyMaker } from '../lib/bodies.js';
import type { BenchCase } from '../lib/case.js';
import { startServer, stopAll, type ServerHandle } from '../lib/child.js';
import {
  brief,
  compare,
  PACTBOT_FRESH_FOR,
  row,
  type Contestant,
  type Summary,
} from '../lib/compare.js';
import { printTable, printTargets, target } from '../lib/report.js';
import { round } from '../lib/stats.js';

/** pactbot ≥ this many times Chat SDK's throughput, in memory and on Redis. */
const TARGET = 2;

/** Calls the stand-in answered per webhook answered: replies, and typing actions. */
function apiCalls(summary: Summary, standin: string): Record<string, number> {
  let ok = 0;
  let sends = 0;
  let actions = 0;
  for (const run of summary.runs) {
    ok += run.ok;
    sends += run.counted[standin]?.['sends'] ?? 0;
    actions += run.counted[standin]?.['chatActions'] ?? 0;
  }
  return {
    'sends/webhook': round(sends / ok, 2),
    'typing actions/webhook': round(actions / ok, 2),
  };
}

/** Deletes every key under `prefix`. */
async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== '0');
}

export const chat: BenchCase = async (settings) => {
  const prefix = `pactbot-bench:${randomUUID().slice(0, 8)}:`;
  const admin = new Redis(settings.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  admin.on('error', () => undefined);
  await admin.connect();
  const start = (name: string, script: string, config: object, aux = false) =>
    startServer(name, script, config, aux ? settings.aux : settings.server);
  try {
    // Chat SDK keeps the messages it sent per chat: the stand-in answers each in its own chat.
    const telegram = await start(
      'telegram stand-in',
      'servers/telegram-standin.ts',
      { echoChat: true },
      true,
    );
    const pact = await start('pact stand-in', 'servers/pact-standin.ts', {}, true);
    const tgUrl = telegram.url('');
    const pactUrl = pact.url('');
    const { redisUrl } = settings;
    const tgBody = bodyMaker('telegram', settings.conversations);
    const pactBody = bodyMaker('pact', settings.conversations);

    /**
     * A contestant; `fresh` ones get a new process before a run could take them past
     * PACTBOT_FRESH_FOR webhooks. Both memory states remember every update they handled (pactbot
     * up to its bound, Chat SDK for 24 hours), so both get the same treatment; the Redis ones keep
     * nothing in the process that grows.
     */
    const make = async (
      name: string,
      script: string,
      config: object,
      standin: ServerHandle,
      body: () => string,
      path: string,
      fresh: boolean,
    ): Promise<Contestant> => {
      const restart = () => start(name, script, config);
      return {
        name,
        server: await restart(),
        ...(fresh ? { restart, freshFor: PACTBOT_FRESH_FOR } : {}),
        path,
        body,
        also: [standin],
        expect: { on: 'stand-in', counter: 'sends' },
      };
    };
    const contestants = [
      await make(
        'Chat SDK 4.41, state-memory',
        'servers/chat.ts',
        { apiUrl: tgUrl, state: 'memory' },
        telegram,
        tgBody,
        '/tg',
        true,
      ),
      await make(
        'pactbot bot.listen, memory state',
        'servers/pactbot.ts',
        { mode: 'echo', apiUrl: pactUrl },
        pact,
        pactBody,
        '/pact',
        true,
      ),
      await make(
        'Chat SDK 4.41, state-ioredis',
        'servers/chat.ts',
        { apiUrl: tgUrl, state: 'ioredis', redisUrl, prefix: `${prefix}chat` },
        telegram,
        tgBody,
        '/tg',
        false,
      ),
      await make(
        'pactbot bot.listen, redisState',
        'servers/pactbot.ts',
        {
          mode: 'echo',
          apiUrl: pactUrl,
          state: 'redis',
          inbox: false,
          redisUrl,
          prefix: `${prefix}pactbot:`,
        },
        pact,
        pactBody,
        '/pact',
        false,
      ),
    ];
    const [cm, pm, cr, pr] = await compare(contestants, {
      connections: settings.connections,
      durationS: settings.durationS,
      warmupS: settings.warmupS,
      repeats: settings.repeats,
    });
    const withCalls = (summary: Summary, standin: ServerHandle, baseline?: Summary) => ({
      ...row(summary, baseline),
      ...apiCalls(summary, standin.name),
    });
    printTable(
      `echo bots at ${settings.connections} connections (median of ${settings.repeats}; ratio: pactbot to Chat SDK on the same kind of state)`,
      [
        withCalls(cm!, telegram),
        withCalls(pm!, pact, cm),
        withCalls(cr!, telegram),
        withCalls(pr!, pact, cr),
      ],
    );
    const memoryRatio = round(pm!.rps / cm!.rps, 3);
    const redisRatio = round(pr!.rps / cr!.rps, 3);
    const targets = [
      target('peers pactbot / vercel chat (memory)', memoryRatio, TARGET),
      target('peers pactbot redisState / vercel chat (ioredis)', redisRatio, TARGET),
    ];
    printTargets(targets);
    return {
      summary: {
        case: 'chat',
        connections: settings.connections,
        pactbot_memory_rps: pm!.rps,
        chat_memory_rps: cm!.rps,
        pactbot_redis_rps: pr!.rps,
        chat_ioredis_rps: cr!.rps,
        pactbot_over_chat_memory: memoryRatio,
        pactbot_over_chat_ioredis: redisRatio,
        per_core_memory: round(pm!.perCore / cm!.perCore, 3),
        per_core_redis: round(pr!.perCore / cr!.perCore, 3),
        target: TARGET,
        met: targets.every((check) => check.met),
      },
      targets,
      raw: { prefix, headline: [cm, pm, cr, pr].map((summary) => brief(summary!)) },
    };
  } finally {
    await stopAll();
    try {
      // Leave nothing behind in Redis.
      await deleteKeys(admin, prefix);
    } finally {
      admin.disconnect();
    }
  }
};
