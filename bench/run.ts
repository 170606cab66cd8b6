/**
 * pactbot's benchmarks: `pnpm bench [case…] [--quick] [--repeats N] [--duration S] [--no-pin]`.
 *
 * Cases: intake, koa, cycle, peers, chat (pactbot against Vercel's Chat SDK, in memory and on
 * Redis), memory, redis, growth (cost against active conversations and handled history), dialogs
 * (CPU per turn and bytes stored as a long dialog goes on) — all by default. Each prints a table
 * and one JSON line, checks its targets against a baseline measured in the same run, and writes
 * its raw results to bench/results/<case>.json (and a dated copy). Servers under test run in child
 * processes pinned to CPU 0; the load generator (autocannon, in this process) and the API
 * stand-ins are pinned to CPU 1 — see docs/benchmarks.md.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { chat } from './cases/chat.js';
import { cycle } from './cases/cycle.js';
import { dialogs } from './cases/dialogs.js';
import { growth } from './cases/growth.js';
import { intake } from './cases/intake.js';
import { koa } from './cases/koa.js';
import { memory } from './cases/memory.js';
import { peers } from './cases/peers.js';
import { redis } from './cases/redis.js';
import type { BenchCase, RunSettings } from './lib/case.js';
import { stopAll } from './lib/child.js';
import { machineBusyMs } from './lib/load.js';
import {
  environment,
  printTable,
  printTargets,
  writeResult,
  type TargetCheck,
} from './lib/report.js';

const CASES: Record<string, BenchCase> = {
  intake,
  koa,
  cycle,
  peers,
  chat,
  memory,
  redis,
  growth,
  dialogs,
};
/** No case may run longer than this; a stuck one is reported and the run goes on. */
const CASE_TIMEOUT_MS = 240_000;

function parseArgs(argv: string[]): { names: string[]; settings: RunSettings } {
  const names: string[] = [];
  let quick = false;
  let pin = true;
  let repeats: number | undefined;
  let duration: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--quick') quick = true;
    else if (arg === '--no-pin') pin = false;
    else if (arg === '--repeats') repeats = Number(argv[++i]);
    else if (arg === '--duration') duration = Number(argv[++i]);
    else if (arg === '--help' || arg === '-h') {
      console.log(
        `usage: pnpm bench [${Object.keys(CASES).join('|')} …] [--quick] [--repeats N] [--duration S] [--no-pin]`,
      );
      process.exit(0);
    } else if (arg in CASES) names.push(arg);
    else if (arg !== '--') {
      console.error(
        `unknown case or option ${JSON.stringify(arg)}; cases: ${Object.keys(CASES).join(', ')}`,
      );
      process.exit(2);
    }
  }
  const canPin = pin && os.cpus().length >= 2 && hasTaskset();
  const settings: RunSettings = {
    durationS: duration ?? (quick ? 1 : 3),
    warmupS: quick ? 0.5 : 1.5,
    repeats: repeats ?? (quick ? 1 : 3),
    sweepS: quick ? 0.5 : 2,
    sweep: quick ? [1, 64] : [1, 4, 16, 64, 256],
    connections: 64,
    conversations: 1000,
    server: canPin ? { cpus: '0' } : {},
    aux: canPin ? { cpus: '1' } : {},
    redisUrl: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
    quick,
  };
  return { names: names.length ? names : Object.keys(CASES), settings };
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** CPU the machine spends on other work over one idle second, in cores (undefined off Linux). */
async function background(): Promise<number | undefined> {
  const before = machineBusyMs();
  const startedAt = performance.now();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const after = machineBusyMs();
  if (before === undefined || after === undefined) return undefined;
  return Math.round(((after - before) / (performance.now() - startedAt)) * 100) / 100;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
    }),
  ]);
}

async function main(): Promise<void> {
  const { names, settings } = parseArgs(process.argv.slice(2));
  if (settings.aux.cpus !== undefined) {
    // The load generator shares CPU 1 with the stand-ins; the server under test has CPU 0.
    execFileSync('taskset', ['-a', '-c', '-p', settings.aux.cpus, String(process.pid)], {
      stdio: 'ignore',
    });
  }
  const env = environment();
  const stamp = env.date.replace(/[:.]/g, '-');
  console.log(
    `pactbot benchmarks — ${env.date}, Node ${env.node}, ${env.cpus} × ${env.cpuModel}, load average ${env.loadavg.join(' ')}`,
  );
  console.log(
    settings.server.cpus === undefined
      ? 'placement: left to the OS (no taskset or --no-pin)'
      : `placement: server under test on CPU ${settings.server.cpus}; load generator and stand-ins on CPU ${settings.aux.cpus}`,
  );
  if (settings.quick) console.log('quick run: a smoke test, not figures to quote');

  const allTargets: TargetCheck[] = [];
  const failures: string[] = [];
  for (const name of names) {
    console.log(`\n=== ${name} ===`);
    const busy = await background();
    if (busy !== undefined) {
      console.log(
        `machine busy with other work before the case: ${busy} cores${busy > 0.3 ? ' — NOT QUIET, figures will be noisy' : ''}`,
      );
    }
    const startedAt = Date.now();
    const loadBefore = os.loadavg()[0];
    try {
      const result = await withTimeout(CASES[name]!(settings), CASE_TIMEOUT_MS, name);
      const seconds = Math.round((Date.now() - startedAt) / 1000);
      console.log(JSON.stringify(result.summary));
      const file = writeResult(
        name,
        {
          case: name,
          env: {
            ...env,
            loadavgBefore: loadBefore,
            loadavgAfter: os.loadavg()[0],
            backgroundCoresBefore: busy,
          },
          settings,
          seconds,
          summary: result.summary,
          targets: result.targets,
          ...result.raw,
        },
        stamp,
        settings.quick,
      );
      console.log(`(${seconds} s; raw results in ${file})`);
      allTargets.push(...result.targets);
    } catch (error) {
      failures.push(name);
      console.error(`case ${name} failed:`, error);
      // A case stopped by its timeout may still have servers running: they must not disturb the next.
      await stopAll();
    }
  }

  console.log('\n=== summary ===');
  printTable(
    'targets',
    allTargets.map((check) => ({
      target: check.name,
      measured: check.value,
      wanted: `${check.atLeast ? '≥' : '<'} ${check.target}`,
      met: check.met,
    })),
  );
  printTargets(allTargets);
  if (failures.length) console.log(`\ncases that failed to run: ${failures.join(', ')}`);
  // Whatever a failed case left open (a client, a timer) must not keep the run from ending.
  process.exit(failures.length ? 1 : 0);
}

await main();
