/**
 * Builds of @pactbot/core against each other, head to head in one session:
 *   node --import tsx bench/ab.ts intake|echo [--connections N] [--repeats N] name=dir …
 *   node --import tsx bench/ab.ts promises name=dir …
 * Each `dir` is a built @pactbot/core package (its `dist/index.js`, with its dependencies
 * resolvable from there): `packages/core` for the working tree, or another commit built apart —
 * see "Before and after" in docs/benchmarks.md. A `.ts` file instead (a `src/index.ts`) runs that
 * source through tsx, as the suite did before it ran the builds. The contestants run in turns on CPU 0, as in the
 * suite, and each ratio is to the first one named. Old and new measured minutes apart on this
 * machine differ by more than most changes do; measured in turns they share the noise.
 *
 * `promises` runs the echo in one process per build, without HTTP: `bot.handleWebhook` with an
 * undici dispatcher that answers every send at once, 64 updates in flight. It counts the promises
 * created per update (async_hooks) — a figure the machine's noise does not move — and the
 * process's CPU per update, pactbot's own work without node's HTTP.
 */
import { createHook } from 'node:async_hooks';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as Core from '@pactbot/core';
import type * as Undici from 'undici';
import { bodyMaker } from './lib/bodies.js';
import { startServer, stopAll } from './lib/child.js';
import { compare, PACTBOT_FRESH_FOR, row, type Contestant } from './lib/compare.js';
import { printTable } from './lib/report.js';

/** One build's echo in this process (the child of `promises`): prints its counts as JSON. */
async function inProcess(coreDir: string): Promise<void> {
  const { Bot, PactClient } = (await import(
    pathToFileURL(path.join(coreDir, 'dist', 'index.js')).href
  )) as typeof Core;
  // The build's own undici, so the dispatcher is of the class its transport checks against.
  const { Dispatcher } = createRequire(path.join(coreDir, 'package.json'))(
    'undici',
  ) as typeof Undici;
  const job = Buffer.from('{"status":"ok","data":{"id":1}}');
  class Instant extends Dispatcher {
    override dispatch(
      _options: Undici.Dispatcher.DispatchOptions,
      handler: Undici.Dispatcher.DispatchHandler,
    ): boolean {
      queueMicrotask(() => {
        handler.onConnect?.(() => undefined);
        handler.onHeaders?.(
          200,
          [Buffer.from('content-type'), Buffer.from('application/json')],
          () => undefined,
          'OK',
        );
        handler.onData?.(job);
        handler.onComplete?.([]);
      });
      return true;
    }
  }
  const client = new PactClient({
    token: 't',
    companyId: 42,
    dispatcher: new Instant(),
    rateLimit: false,
  });
  const bot = new Bot({ companyId: 42, client, rateLimit: false });
  let failed = 0;
  bot.catch(() => void failed++);
  bot.on('message:text', (ctx) => ctx.reply(`You said: ${ctx.text}`));
  const body = bodyMaker('pact', 1000);
  const batch = async (count: number): Promise<void> => {
    let next = 0;
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next++ < count) {
          const result = await bot.handleWebhook(body(), { contentType: 'application/json' });
          if (result.status !== 200) failed++;
        }
      }),
    );
  };
  await batch(5000);
  let promises = 0;
  const hook = createHook({
    init(_id, type) {
      if (type === 'PROMISE') promises++;
    },
  });
  hook.enable();
  await batch(1000);
  hook.disable();
  const perUpdate: number[] = [];
  for (let round = 0; round < 5; round++) {
    const before = process.cpuUsage();
    await batch(10_000);
    const used = process.cpuUsage(before);
    perUpdate.push(Math.round((used.user + used.system) / 1000) / 10);
  }
  console.log(JSON.stringify({ promises: promises / 1000, perUpdate, failed }));
  process.exit(0);
}

if (process.argv[2] === '--in-process') await inProcess(process.argv[3]!);

const args = process.argv.slice(2);
let mode: 'intake' | 'echo' | 'promises' = 'intake';
let connections = 64;
let repeats = 5;
const builds: Array<{ name: string; dir: string }> = [];
for (let i = 0; i < args.length; i++) {
  const arg = args[i]!;
  if (arg === 'intake' || arg === 'echo' || arg === 'promises') mode = arg;
  else if (arg === '--connections') connections = Number(args[++i]);
  else if (arg === '--repeats') repeats = Number(args[++i]);
  else if (arg.includes('=')) {
    const [name, dir] = arg.split('=', 2) as [string, string];
    builds.push({ name, dir: path.resolve(dir) });
  } else {
    console.error(
      `usage: bench/ab.ts intake|echo|promises [--connections N] [--repeats N] name=dir …`,
    );
    process.exit(2);
  }
}
if (builds.length < 2) {
  console.error('name at least two builds: name=dir name=dir');
  process.exit(2);
}

if (mode === 'promises') {
  const rows = builds.map(({ name, dir }) => {
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(import.meta.url), '--in-process', dir],
      { encoding: 'utf8' },
    );
    const { promises, perUpdate, failed } = JSON.parse(out.trim().split('\n').pop()!) as {
      promises: number;
      perUpdate: number[];
      failed: number;
    };
    const sorted = [...perUpdate].sort((a, b) => a - b);
    return {
      build: name,
      'promises per update': promises,
      'µs of CPU per update (median of 5)': sorted[2],
      'µs, all rounds': perUpdate.join(' '),
      failed,
    };
  });
  printTable('echo through bot.handleWebhook in one process, no HTTP (64 in flight)', rows);
  process.exit(0);
}

// As in bench/run.ts: the server under test on CPU 0, the load generator and stand-in on CPU 1.
execFileSync('taskset', ['-a', '-c', '-p', '1', String(process.pid)], { stdio: 'ignore' });
const pact =
  mode === 'echo'
    ? await startServer('pact stand-in', 'servers/pact-standin.ts', {}, { cpus: '1' })
    : undefined;
const body = bodyMaker('pact', 1000);
const contestants: Contestant[] = [];
for (const { name, dir } of builds) {
  const start = () =>
    startServer(
      name,
      'servers/pactbot-build.ts',
      { coreDir: dir, mode, apiUrl: pact?.url('') },
      { cpus: '0' },
    );
  contestants.push({
    name,
    server: await start(),
    restart: start,
    freshFor: PACTBOT_FRESH_FOR,
    path: '/pact',
    body,
    also: pact ? [pact] : undefined,
    expect: pact ? { on: 'stand-in', counter: 'sends' } : { on: 'server', counter: 'handled' },
  });
}
try {
  const summaries = await compare(contestants, {
    connections,
    durationS: 3,
    warmupS: 1.5,
    repeats,
  });
  printTable(
    `${mode} at ${connections} connections, median of ${repeats} rounds; ratios to ${builds[0]!.name}`,
    summaries.map((summary) => row(summary, summaries[0])),
  );
  for (const summary of summaries)
    console.log(`  ${summary.name}: ${summary.runs.map((run) => run.rps).join(' ')} webhooks/s`);
  // µs of the server's CPU per webhook, run by run: steadier than throughput on a busy machine.
  for (const summary of summaries) {
    const name = summary.runs[0] ? Object.keys(summary.runs[0].cpu)[0] : undefined;
    const perWebhook = summary.runs.map((run) =>
      name === undefined ? NaN : Math.round(((run.cpu[name] ?? 0) * 1e6) / run.rps),
    );
    const sorted = [...perWebhook].sort((a, b) => a - b);
    console.log(
      `  ${summary.name}: µs of CPU per webhook ${perWebhook.join(' ')} (median ${sorted[Math.floor(sorted.length / 2)]})`,
    );
  }
} finally {
  await stopAll();
}
process.exit(0);
