/**
 * Takes several whole runs of the suite together: every figure's median across the runs and its
 * range (min–max), and each target judged by the median.
 *   node --import tsx bench/summarize.ts [stamp…] [--json]
 * Stamps are those of the dated results (`intake-<stamp>.json`); without any, the last three runs
 * that have every case. One run on this kind of machine is not enough: the same code has measured
 * ratios tens of per cent apart from one run to the next.
 */
import { printTable } from './lib/report.js';
import { ALL_CASES, chooseRuns, readRuns } from './lib/runs.js';
import { median, round } from './lib/stats.js';

interface HeadlineEntry {
  name: string;
  rps: number;
  perCore: number;
  serverCpu: number;
  p99: number;
}

interface CaseFile {
  env: {
    date: string;
    node: string;
    cpus: number;
    cpuModel?: string;
    backgroundCoresBefore?: number;
  };
  summary: Record<string, unknown>;
  targets: Array<{ name: string; value: number; target: number; atLeast: boolean }>;
  headline?: HeadlineEntry[];
  throughput?: Array<Record<string, unknown>>;
}

/** One figure of a case, as measured in each run. */
type Figures = Map<string, number[]>;

function add(figures: Figures, name: string, run: number, value: unknown): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) return;
  let values = figures.get(name);
  if (!values) figures.set(name, (values = []));
  values[run] = value;
}

/** Numbers of a summary, nested objects flattened (`round_trips_per_update.first message…`). */
function flatten(prefix: string, value: unknown, out: Array<[string, unknown]>): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value))
      flatten(prefix ? `${prefix}.${key}` : key, inner, out);
  } else if (Array.isArray(value)) {
    value.forEach((inner, i) => flatten(`${prefix}[${i}]`, inner, out));
  } else out.push([prefix, value]);
}

function collect(name: string, runs: CaseFile[]): Figures {
  const figures: Figures = new Map();
  runs.forEach((result, run) => {
    add(figures, 'machine busy before the case (cores)', run, result.env.backgroundCoresBefore);
    const flat: Array<[string, unknown]> = [];
    flatten('', result.summary, flat);
    for (const [key, value] of flat) {
      // Settings, not measurements.
      if (key === 'connections' || key.startsWith('target')) continue;
      add(figures, key, run, value);
    }
    for (const entry of result.headline ?? []) {
      // CPU time per webhook of the server under test: 1 / (webhooks per second of one core).
      add(figures, `µs of CPU per webhook: ${entry.name}`, run, round(1e6 / entry.perCore, 3));
      add(figures, `server cpu: ${entry.name}`, run, entry.serverCpu);
      add(figures, `webhooks/s: ${entry.name}`, run, entry.rps);
      add(figures, `p99 ms: ${entry.name}`, run, entry.p99);
    }
    if (name === 'peers' && result.headline) {
      const find = (start: string) =>
        result.headline!.find((entry) => entry.name.startsWith(start));
      const [bot, grammy, telegraf, minimal] = [
        find('pactbot'),
        find('grammY'),
        find('Telegraf'),
        find('minimal bot, Pact'),
      ];
      if (bot && minimal)
        add(figures, 'pactbot / minimal bot (Pact)', run, round(bot.rps / minimal.rps, 3));
      if (bot && grammy)
        add(figures, 'per-core pactbot / grammY', run, round(bot.perCore / grammy.perCore, 3));
      if (bot && telegraf)
        add(figures, 'per-core pactbot / Telegraf', run, round(bot.perCore / telegraf.perCore, 3));
    }
    for (const row of result.throughput ?? []) {
      // The redis case counts echoes handled ('echoes/s'); its results before that, webhooks answered.
      const rps = row['echoes/s'] ?? row['webhooks/s'];
      const cpu = row['bot cpu'];
      if (typeof rps === 'number' && typeof cpu === 'number')
        add(
          figures,
          `µs of bot CPU per update: ${String(row['variant'])}`,
          run,
          round((cpu / rps) * 1e6, 3),
        );
      add(figures, `redis cpu: ${String(row['variant'])}`, run, row['redis cpu']);
      add(
        figures,
        `redis commands per update: ${String(row['variant'])}`,
        run,
        row['redis cmds/update'],
      );
    }
  });
  return figures;
}

function main(): void {
  const args = process.argv.slice(2);
  const stamps = chooseRuns(args);
  if (stamps.length === 0) throw new Error('no complete run in bench/results');
  const all: Record<
    string,
    Record<string, { median: number; min: number; max: number; runs: number[] }>
  > = {};
  const targets: Array<Record<string, unknown>> = [];
  const first = readRuns<CaseFile>('intake', stamps);
  if (!args.includes('--json'))
    console.log(
      `${stamps.length} runs: ${first.map((r) => r.env.date).join(', ')}; Node ${first[0]!.env.node}, ${first[0]!.env.cpus} × ${first[0]!.env.cpuModel ?? '?'}`,
    );
  for (const name of ALL_CASES) {
    const runs = readRuns<CaseFile>(name, stamps);
    const figures = collect(name, runs);
    const rows = [...figures].map(([figure, values]) => {
      const present = values.filter((v) => v !== undefined);
      return {
        figure,
        median: present.every(Number.isInteger)
          ? Math.round(median(present))
          : round(median(present), 3),
        min: Math.min(...present),
        max: Math.max(...present),
        runs: values.map((v) => (v === undefined ? '–' : String(v))).join(' / '),
      };
    });
    all[name] = Object.fromEntries(
      rows.map((row) => [
        row.figure,
        { median: row.median, min: row.min, max: row.max, runs: figures.get(row.figure)! },
      ]),
    );
    if (!args.includes('--json'))
      printTable(`${name} (median of ${stamps.length} runs, min, max, each run)`, rows);
    const names = [...new Set(runs.flatMap((r) => r.targets.map((t) => t.name)))];
    for (const target of names) {
      const checks = runs
        .map((r) => r.targets.find((t) => t.name === target))
        .filter((t) => t !== undefined);
      const values = checks.map((check) => check.value);
      const { atLeast, target: goal } = checks[0]!;
      const middle = round(median(values), 3);
      const met = atLeast ? middle >= goal : middle < goal;
      targets.push({
        target,
        median: middle,
        range: `${Math.min(...values)}–${Math.max(...values)}`,
        wanted: `${atLeast ? '≥' : '<'} ${goal}`,
        met,
        'runs meeting it': `${values.filter((v) => (atLeast ? v >= goal : v < goal)).length} of ${values.length}`,
        short: met
          ? ''
          : atLeast
            ? `${Math.round((1 - middle / goal) * 100)}%`
            : `${Math.round((middle / goal - 1) * 100)}% over`,
      });
    }
  }
  if (args.includes('--json')) {
    console.log(JSON.stringify({ stamps, cases: all, targets }, null, 2));
    return;
  }
  printTable('targets, judged by the median across runs', targets);
}

main();
