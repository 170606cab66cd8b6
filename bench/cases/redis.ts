/**
 * Redis: what `redisState` and `RedisSessionStore` cost.
 * 1. Round trips per update, counted by a TCP relay between the bot and Redis (commands that leave
 *    in one write wait together: one round trip), and the commands they carry, counted with MONITOR
 *    (only this run's key prefix): a first message of a conversation, a later message, and a
 *    redelivery, sent one at a time.
 * 2. Throughput of the echo workload with a session counter, on one process with memory state,
 *    one process on Redis, and two processes sharing one Redis (the load split between them).
 * The Redis server is REDIS_URL (default 127.0.0.1:6379); every key carries a prefix unique to the
 * run and is deleted afterwards.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { request } from 'undici';
import { bodyMaker } from '../lib/bodies.js';
import type { BenchCase, RunSettings } from '../lib/case.js';
import { startServer, stopAll } from '../lib/child.js';
import { PACTBOT_FRESH_FOR, runOnce, type Contestant } from '../lib/compare.js';
import { load, type LoadResult } from '../lib/load.js';
import { printTable, printTargets, target } from '../lib/report.js';
import { startRoundTripRelay } from '@pactbot/testkit/support/round-trip-relay';
import { median, round, spread } from '../lib/stats.js';

/** One process on Redis state and sessions against the same process on memory state. */
const REDIS_TARGET = 0.7;

/** What a command seen by MONITOR was for. */
function purpose(args: string[]): string {
  const [name = '', ...rest] = args.map(String);
  const command = name.toLowerCase();
  if (command === 'evalsha' || command === 'eval') {
    const keyCount = Number(rest[1]);
    const keys = rest.slice(2, 2 + keyCount);
    const argv = rest.slice(2 + keyCount);
    const first = keys[0] ?? '';
    // The durable inbox's scripts (packages/session-redis/src/inbox-scripts.ts), by their keys.
    if (keyCount === 8 && first.includes('}:claim:'))
      return 'inbox: admit (dedup, queue, take the turn, read session and menu)';
    if (keyCount === 5 && first.endsWith(':owner'))
      return 'inbox: complete (mark handled, save session, next or let go)';
    if (keyCount === 6 && first.endsWith(':owner')) return 'inbox: take a line';
    if (keyCount === 4 && first.endsWith(':owner')) return 'inbox: finish an empty turn';
    if (first.endsWith('inbox-held')) return 'inbox: record the hold (and drop ended ones)';
    if (first.endsWith('inbox-pending')) return 'inbox: pending index';
    if (first.endsWith(':owner')) return 'inbox: extend or release the turn';
    if (first.includes(':claim:')) {
      if (argv.length === 1) return 'dedup: release claim';
      return argv[1] === '30000' ? 'dedup: claim (or extend)' : 'dedup: mark handled';
    }
    if (keyCount === 4 && first.endsWith(':line')) return 'lock: enter line / take turn';
    if (keyCount === 2 && first.endsWith(':line'))
      return argv.length === 3 ? 'lock: leave (release)' : 'lock: extend';
    if (first.endsWith(':session')) return 'session: save (fenced)';
    if (first.includes('{rate:')) return 'rate budget';
    return `${command} (other script)`;
  }
  const key = rest[0] ?? '';
  if (command === 'get' && key.includes('value:menu:')) return 'button menu lookup';
  if (command === 'get' && key.endsWith(':session')) return 'session: load';
  if ((command === 'set' || command === 'del') && key.endsWith(':session')) return 'session: save';
  if (command === 'subscribe') return 'lock announcements (once per process)';
  return command;
}

interface Tally {
  commands: Map<string, number>;
  insideScripts: number;
}

/** Sends bodies one after another and waits for each answer. */
async function sendEach(url: string, bodies: string[]): Promise<void> {
  for (const body of bodies) {
    const response = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    await response.body.text();
    if (response.statusCode !== 200) throw new Error(`webhook answered ${response.statusCode}`);
  }
}

async function countRoundTrips(
  settings: RunSettings,
  prefix: string,
  apiUrl: string,
): Promise<Array<Record<string, unknown>>> {
  // MONITOR shows every command, but commands written together (ioredis auto-pipelines those
  // issued in one tick) wait for their answers together: the relay counts the round trips.
  const relay = await startRoundTripRelay(settings.redisUrl);
  const bot = await startServer(
    'pactbot redis (count)',
    'servers/pactbot.ts',
    { mode: 'echo', apiUrl, state: 'redis', session: 'redis', redisUrl: relay.url, prefix },
    settings.server,
  );
  const monitorClient = new Redis(settings.redisUrl, { lazyConnect: true });
  monitorClient.on('error', () => undefined);
  const monitor = await monitorClient.monitor();
  monitor.on('error', () => undefined);
  let tally: Tally = { commands: new Map(), insideScripts: 0 };
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (!args.some((arg) => String(arg).includes(prefix))) return;
    if (source === 'lua') {
      tally.insideScripts++;
      return;
    }
    const what = purpose(args);
    tally.commands.set(what, (tally.commands.get(what) ?? 0) + 1);
  });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 300));
  const n = settings.quick ? 20 : 100;
  // Message ids and conversations of their own, so the three rounds can be told apart.
  const base = 900_000_000 + Math.floor(Math.random() * 1_000_000) * 100;
  const body = (id: number, conversation: number) =>
    JSON.stringify({
      type: 'message',
      event: 'new',
      data: {
        external_id: id,
        channel_id: 1,
        channel_type: 'whatsapp',
        channel: { id: 1, type: 'whatsapp' },
        conversation_id: conversation,
        message: 'hi',
        income: true,
        created_at_timestamp: 1603118584,
        attachments: [],
        location: {},
        job_id: null,
      },
    });
  const first = Array.from({ length: n }, (_, i) => body(base + i, base + i));
  const later = Array.from({ length: n }, (_, i) => body(base + n + i, base + i));
  const rounds: Array<[string, string[]]> = [
    ['first message of a conversation', first],
    ['later message (session exists)', later],
    ['redelivery of a handled update', later],
  ];
  const rows: Array<Record<string, unknown>> = [];
  try {
    // Warm the connection and the script cache, so the counts are of the steady state.
    await sendEach(bot.url('/pact'), [body(base - 1, base - 1)]);
    await settle();
    for (const [label, bodies] of rounds) {
      tally = { commands: new Map(), insideScripts: 0 };
      relay.reset();
      await sendEach(bot.url('/pact'), bodies);
      await settle();
      const { roundTrips } = relay.counts();
      const total = [...tally.commands.values()].reduce((sum, c) => sum + c, 0);
      const perUpdate = Object.fromEntries(
        [...tally.commands].sort((a, b) => b[1] - a[1]).map(([k, c]) => [k, round(c / n, 2)]),
      );
      rows.push({
        update: label,
        'round trips': round(roundTrips / n, 2),
        'commands sent': round(total / n, 2),
        'commands run inside scripts': round(tally.insideScripts / n, 1),
        breakdown: Object.entries(perUpdate)
          .map(([k, v]) => `${k} ${v}`)
          .join(', '),
        perUpdate,
      });
    }
  } finally {
    monitor.disconnect();
    monitorClient.disconnect();
    await bot.stop();
    await relay.close();
  }
  return rows;
}

/**
 * Waits until the bots' `handled` counters have stood still for half a second (every update they
 * answered for was handled), at most 30 s.
 */
async function drained(contestants: Contestant[]): Promise<void> {
  const handled = async () => {
    let sum = 0;
    for (const c of contestants) sum += (await c.server.stats()).counters['handled'] ?? 0;
    return sum;
  };
  const until = performance.now() + 30_000;
  let last = await handled();
  let stillSince = performance.now();
  while (performance.now() < until && performance.now() - stillSince < 500) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = await handled();
    if (now !== last) [last, stillSince] = [now, performance.now()];
  }
}

async function redisCpuMs(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const read = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return (read('used_cpu_sys') + read('used_cpu_user')) * 1000;
}

async function commandsProcessed(redis: Redis): Promise<number> {
  const info = await redis.info('stats');
  return Number(/total_commands_processed:(\d+)/.exec(info)?.[1] ?? 0);
}

interface VariantRun {
  /** Echoes per second: the lower of webhooks answered and updates handled (see `measure`). */
  rps: number;
  /** Webhooks answered per second. */
  answeredRps: number;
  /** Updates handled per second, by the bots' own counters. */
  handledRps: number;
  p99: number;
  ok: number;
  problems: string[];
  botCpu: number;
  redisCpu: number;
  redisCommandsPerUpdate: number;
}

export const redis: BenchCase = async (settings) => {
  const prefix = `pactbot-bench:${randomUUID().slice(0, 8)}:`;
  const admin = new Redis(settings.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  admin.on('error', () => undefined);
  await admin.connect();
  // The bots, Redis and the load generator share both cores here: leave placement to the OS.
  const repin = (cpus: string) =>
    settings.aux.cpus !== undefined &&
    execFileSync('taskset', ['-a', '-c', '-p', cpus, String(process.pid)], { stdio: 'ignore' });
  try {
    const pact = await startServer('pact stand-in', 'servers/pact-standin.ts', {}, {});
    const apiUrl = pact.url('');
    const roundTrips = await countRoundTrips(settings, prefix, apiUrl);
    printTable(
      'Redis round trips per update (a relay counts round trips, MONITOR the commands of this run’s keys; updates sent one at a time)',
      roundTrips.map(({ perUpdate: _, ...row }) => row),
    );

    repin('0,1');
    const redisConfig = {
      mode: 'echo',
      apiUrl,
      state: 'redis',
      session: 'redis',
      redisUrl: settings.redisUrl,
      prefix,
    };
    const start = (name: string, config: object) => () =>
      startServer(name, 'servers/pactbot.ts', config, {});
    // Only the memory state keeps dedup marks in the process (and gets slower past its bound).
    const make = async (name: string, config: object, fresh = false): Promise<Contestant> => ({
      name,
      server: await start(name, config)(),
      ...(fresh ? { restart: start(name, config), freshFor: PACTBOT_FRESH_FOR } : {}),
      path: '/pact',
      body: bodyMaker('pact', settings.conversations),
      also: [pact],
      expect: { on: 'stand-in', counter: 'sends' },
    });
    const memory = await make(
      'pactbot memory',
      {
        mode: 'echo',
        apiUrl,
        state: 'memory',
        session: 'memory',
      },
      true,
    );
    const one = await make('pactbot redis', redisConfig);
    const twoA = await make('pactbot redis A', redisConfig);
    const twoB = await make('pactbot redis B', redisConfig);

    const measure = async (contestants: Contestant[], durationS: number): Promise<VariantRun> => {
      const connections = Math.max(1, Math.round(settings.connections / contestants.length));
      const cpuBefore = await redisCpuMs(admin);
      const commandsBefore = await commandsProcessed(admin);
      const startedAt = performance.now();
      const results: LoadResult[] =
        contestants.length === 1
          ? [await runOnce(contestants[0]!, connections, durationS, settings.warmupS)]
          : await Promise.all(
              contestants.map((c) =>
                load({
                  url: c.server.url(c.path),
                  connections,
                  durationS,
                  body: c.body,
                  watch: [c.server],
                }),
              ),
            );
      const wallMs = performance.now() - startedAt;
      // On the durable inbox a webhook is answered once its update is queued, so answers can run
      // ahead of the work: what counts is what the handlers did. The next run starts once the
      // updates of this one were handled, so it does not inherit their backlog.
      const handled = results.reduce(
        (sum, r, i) => sum + (r.counted[contestants[i]!.server.name]?.['handled'] ?? 0),
        0,
      );
      const ranS = results[0]!.durationS;
      await drained(contestants);
      const redisCpu = ((await redisCpuMs(admin)) - cpuBefore) / wallMs;
      const commands = (await commandsProcessed(admin)) - commandsBefore;
      const ok = results.reduce((sum, r) => sum + r.ok, 0);
      const problems = results.flatMap((r) => [
        ...(r.non2xx ? [`${r.non2xx} non-2xx`] : []),
        ...(r.errors ? [`${r.errors} errors`] : []),
      ]);
      const answeredRps = results.reduce((sum, r) => sum + r.rps, 0);
      const handledRps = handled / ranS;
      if (handled < ok - settings.connections * 2)
        problems.push(`${handled} handled for ${ok} answers during the run`);
      return {
        rps: Math.min(answeredRps, handledRps),
        answeredRps,
        handledRps,
        p99: Math.max(...results.map((r) => r.p99)),
        ok,
        problems,
        botCpu: round(
          results.reduce((sum, r, i) => sum + (r.cpu[contestants[i]!.server.name] ?? 0), 0),
          2,
        ),
        redisCpu: round(redisCpu, 2),
        redisCommandsPerUpdate: round(commands / ok, 2),
      };
    };

    const variants: Array<[string, Contestant[]]> = [
      ['1 process, memory state and sessions', [memory]],
      ['1 process, Redis state and sessions', [one]],
      ['2 processes sharing one Redis', [twoA, twoB]],
    ];
    // Warm-up, then rounds in turn.
    for (const [, contestants] of variants) await measure(contestants, settings.warmupS);
    const runs = variants.map((): VariantRun[] => []);
    for (let r = 0; r < settings.repeats; r++) {
      for (const [i, [, contestants]] of variants.entries()) {
        runs[i]!.push(await measure(contestants, settings.durationS));
      }
    }
    const rows = variants.map(([name], i) => {
      const list = runs[i]!;
      return {
        variant: name,
        conns: settings.connections,
        'echoes/s': Math.round(median(list.map((r) => r.rps))),
        'answered/s': Math.round(median(list.map((r) => r.answeredRps))),
        'handled/s': Math.round(median(list.map((r) => r.handledRps))),
        'p99 ms': round(median(list.map((r) => r.p99))),
        'bot cpu': round(median(list.map((r) => r.botCpu)), 2),
        'redis cpu': round(median(list.map((r) => r.redisCpu)), 2),
        'redis cmds/update': round(median(list.map((r) => r.redisCommandsPerUpdate)), 2),
        spread: `${Math.round(spread(list.map((r) => r.rps)) * 100)}%`,
        problems: [...new Set(list.flatMap((r) => r.problems))].join('; '),
      };
    });
    const rps = rows.map((row) => row['echoes/s']);
    const table = rows.map((row, i) => ({
      ...row,
      'vs memory': round(rps[i]! / rps[0]!, 3),
    }));
    printTable(
      `echo with a session counter at ${settings.connections} connections in all (median of ${settings.repeats}; bots, Redis and load generator share both cores)`,
      table,
    );
    const targets = [
      target(
        'redis state and sessions, 1 process / memory state',
        round(rps[1]! / rps[0]!, 3),
        REDIS_TARGET,
      ),
    ];
    printTargets(targets);
    return {
      summary: {
        case: 'redis',
        round_trips_per_update: Object.fromEntries(
          roundTrips.map((row) => [row['update'], row['round trips']]),
        ),
        commands_per_update: Object.fromEntries(
          roundTrips.map((row) => [row['update'], row['commands sent']]),
        ),
        memory_rps: rps[0],
        redis_one_process_rps: rps[1],
        redis_two_processes_rps: rps[2],
        two_over_one: round(rps[2]! / rps[1]!, 3),
        redis_over_memory: round(rps[1]! / rps[0]!, 3),
        target: REDIS_TARGET,
        met: targets[0]!.met,
      },
      targets,
      raw: { prefix, roundTrips, throughput: table, runs },
    };
  } finally {
    await stopAll();
    repin(settings.aux.cpus ?? '0,1');
    try {
      // Leave nothing behind in Redis.
      let cursor = '0';
      do {
        const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await admin.unlink(...keys);
      } while (cursor !== '0');
    } finally {
      admin.disconnect();
    }
  }
};
