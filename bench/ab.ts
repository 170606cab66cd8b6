/**
 * Builds of @pactbot/core against each other, head to head in one session:
 *   node --import tsx bench/ab.ts intake|echo [--connections N] [--repeats N] name=dir …
 * Each `dir` is a built @pactbot/core package (its `dist/index.js`, with its dependencies
 * resolvable from there): `packages/core` for the working tree, or another commit built apart —
 * see "Before and after" in docs/benchmarks.md. A `.ts` file instead (a `src/index.ts`) runs that
 * source through tsx, as the suite did before it ran the builds. The contestants run in turns on CPU 0, as in the
 * suite, and each ratio is to the first one named. Old and new measured minutes apart on this
 * machine differ by more than most changes do; measured in turns they share the noise.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { bodyMaker } from './lib/bodies.js';
import { startServer, stopAll } from './lib/child.js';
import { compare, PACTBOT_FRESH_FOR, row, type Contestant } from './lib/compare.js';
import { printTable } from './lib/report.js';

const args = process.argv.slice(2);
let mode: 'intake' | 'echo' = 'intake';
let connections = 64;
let repeats = 5;
const builds: Array<{ name: string; dir: string }> = [];
for (let i = 0; i < args.length; i++) {
  const arg = args[i]!;
  if (arg === 'intake' || arg === 'echo') mode = arg;
  else if (arg === '--connections') connections = Number(args[++i]);
  else if (arg === '--repeats') repeats = Number(args[++i]);
  else if (arg.includes('=')) {
    const [name, dir] = arg.split('=', 2) as [string, string];
    builds.push({ name, dir: path.resolve(dir) });
  } else {
    console.error(`usage: bench/ab.ts intake|echo [--connections N] [--repeats N] name=dir …`);
    process.exit(2);
  }
}
if (builds.length < 2) {
  console.error('name at least two builds: name=dir name=dir');
  process.exit(2);
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
