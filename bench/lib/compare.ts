import type { ServerHandle } from './child.js';
import { load, type LoadResult } from './load.js';
import { median, round, spread } from './stats.js';

/** One contestant of a comparison: a server and how to feed it. */
export interface Contestant {
  name: string;
  /** The server under test; replaced when it is restarted (see `restart`). */
  server: ServerHandle;
  /**
   * Starts a fresh server process. With it, a run never starts on a process that has answered
   * more than `freshFor` webhooks: it gets a new process and a warm-up first. (pactbot remembers
   * 200 000 handled updates by default; past that bound its dedup map costs more per update, which
   * the steady-state rows measure on purpose and the other rows keep out.)
   */
  restart?: (() => Promise<ServerHandle>) | undefined;
  freshFor?: number | undefined;
  /** Path (and query) of its webhook. */
  path: string;
  body: () => string;
  /** Other processes whose CPU is measured with it (stand-ins). */
  also?: ServerHandle[] | undefined;
  /**
   * A counter that must grow by one per 2xx answer, checked after each run: of the server under
   * test, or of the first of `also` (a stand-in's sends).
   */
  expect?: { on: 'server' | 'stand-in'; counter: string } | undefined;
}

/**
 * Webhooks a pactbot process may have answered before a run and still count as fresh: a run of a
 * few seconds then stays well below the 200 000 updates its dedup map remembers by default.
 */
export const PACTBOT_FRESH_FOR = 100_000;

/** Timing of a comparison. */
export interface Timing {
  connections: number;
  durationS: number;
  warmupS: number;
  repeats: number;
}

/** The runs of one contestant, and their medians. */
export interface Summary {
  name: string;
  connections: number;
  runs: LoadResult[];
  rps: number;
  p50: number;
  p99: number;
  /** CPU of the server under test, in cores (median over the runs). */
  serverCpu: number;
  /** Webhooks per second of the server's CPU time: throughput as if the server had one whole core. */
  perCore: number;
  /** CPU of the load generator, in cores. */
  loadCpu: number;
  /** CPU of the other watched processes (stand-ins), in cores. */
  auxCpu: Record<string, number>;
  /** CPU used by everything else on the machine during the runs, in cores (the noise). */
  otherCpu: number | undefined;
  /** (max − min) / median of the runs' throughput. */
  spread: number;
  /** Problems seen: non-2xx answers, errors, missing work. */
  problems: string[];
}

function checkRun(contestant: Contestant, run: LoadResult): string[] {
  const problems: string[] = [];
  if (run.non2xx > 0) problems.push(`${run.non2xx} non-2xx answers`);
  if (run.errors > 0) problems.push(`${run.errors} errors/timeouts`);
  if (contestant.expect) {
    const { on, counter } = contestant.expect;
    const server = on === 'server' ? contestant.server : contestant.also![0]!;
    const done = run.counted[server.name]?.[counter] ?? 0;
    // A few webhooks may be in flight across the edges of the run; more than that is a fault.
    if (Math.abs(done - run.ok) > run.connections * 2)
      problems.push(`${server.name} counted ${done} ${counter} for ${run.ok} answers`);
  }
  return problems;
}

function summarize(contestant: Contestant, connections: number, runs: LoadResult[]): Summary {
  const { name } = contestant.server;
  const auxCpu: Record<string, number> = {};
  for (const other of contestant.also ?? [])
    auxCpu[other.name] = median(runs.map((run) => run.cpu[other.name] ?? 0));
  return {
    name: contestant.name,
    connections,
    runs,
    rps: Math.round(median(runs.map((run) => run.rps))),
    p50: round(median(runs.map((run) => run.p50))),
    p99: round(median(runs.map((run) => run.p99))),
    serverCpu: round(median(runs.map((run) => run.cpu[name] ?? 0)), 2),
    perCore: Math.round(median(runs.map((run) => run.rps / (run.cpu[name] || NaN)))),
    loadCpu: round(median(runs.map((run) => run.loadCpu)), 2),
    auxCpu,
    otherCpu:
      runs[0]?.otherCpu === undefined
        ? undefined
        : round(median(runs.map((run) => run.otherCpu ?? 0)), 2),
    spread: round(spread(runs.map((run) => run.rps)), 2),
    problems: [...new Set(runs.flatMap((run) => checkRun(contestant, run)))],
  };
}

/** Webhooks each server process has answered so far, by pid. */
const answered = new Map<number, number>();

/** Gives the contestant a fresh process when the next run could take it past `freshFor`. */
async function ensureFresh(
  contestant: Contestant,
  connections: number,
  warmupS: number,
): Promise<void> {
  const { restart, freshFor } = contestant;
  if (!restart || freshFor === undefined) return;
  if ((answered.get(contestant.server.pid) ?? 0) < freshFor) return;
  await contestant.server.stop();
  contestant.server = await restart();
  await runOnce(contestant, connections, warmupS, false);
}

/**
 * Runs one load run against a contestant (after giving it a fresh process if it needs one, with
 * a warm-up of `warmupS`).
 */
export async function runOnce(
  contestant: Contestant,
  connections: number,
  durationS: number,
  checkFresh: number | false = 1,
): Promise<LoadResult> {
  if (checkFresh !== false) await ensureFresh(contestant, connections, checkFresh);
  const result = await load({
    url: contestant.server.url(contestant.path),
    connections,
    durationS,
    body: contestant.body,
    watch: [contestant.server, ...(contestant.also ?? [])],
  });
  const { pid } = contestant.server;
  answered.set(pid, (answered.get(pid) ?? 0) + result.ok);
  return result;
}

/**
 * Measures contestants in turns — a warm-up each, then `repeats` rounds of A, B, C… — so that
 * noise from the rest of the machine falls on all of them alike. Resolves with each one's medians.
 */
export async function compare(contestants: Contestant[], timing: Timing): Promise<Summary[]> {
  const { connections, durationS, warmupS, repeats } = timing;
  for (const contestant of contestants) await runOnce(contestant, connections, warmupS, warmupS);
  const runs = contestants.map((): LoadResult[] => []);
  for (let round = 0; round < repeats; round++) {
    for (const [i, contestant] of contestants.entries()) {
      runs[i]!.push(await runOnce(contestant, connections, durationS, warmupS));
    }
  }
  return contestants.map((contestant, i) => summarize(contestant, connections, runs[i]!));
}

/** Throughput of each contestant at each concurrency (one run per point, after a warm-up). */
export async function sweep(
  contestants: Contestant[],
  concurrencies: number[],
  durationS: number,
  warmupS: number,
): Promise<Array<{ name: string; points: LoadResult[] }>> {
  const out = contestants.map((contestant) => ({
    name: contestant.name,
    points: [] as LoadResult[],
  }));
  for (const connections of concurrencies) {
    for (const [i, contestant] of contestants.entries()) {
      out[i]!.points.push(await runOnce(contestant, connections, durationS, warmupS));
    }
  }
  return out;
}

/**
 * The table of a two-contestant sweep: each point's throughput, their ratio and p99s, the first
 * contestant's named `pactbot`, the second's `baseline`.
 */
export function sweepRows(
  concurrencies: number[],
  [mine, base]: Array<{ points: LoadResult[] }>,
  baseline: string,
): Array<Record<string, unknown>> {
  return concurrencies.map((connections, i) => ({
    connections,
    pactbot: mine!.points[i]!.rps,
    [baseline]: base!.points[i]!.rps,
    ratio: round(mine!.points[i]!.rps / base!.points[i]!.rps, 3),
    'pactbot p99 ms': mine!.points[i]!.p99,
    [`${baseline} p99 ms`]: base!.points[i]!.p99,
  }));
}

/** A table row of a summary, with its ratio to a baseline's throughput. */
export function row(summary: Summary, baseline?: Summary): Record<string, unknown> {
  return {
    variant: summary.name,
    conns: summary.connections,
    'webhooks/s': summary.rps,
    'p50 ms': summary.p50,
    'p99 ms': summary.p99,
    'server cpu': summary.serverCpu,
    'per core': summary.perCore,
    'loadgen cpu': summary.loadCpu,
    ...(Object.keys(summary.auxCpu).length
      ? { 'stand-in cpu': Object.values(summary.auxCpu).join('/') }
      : {}),
    'other cpu': summary.otherCpu,
    spread: `${Math.round(summary.spread * 100)}%`,
    ratio: baseline ? round(summary.rps / baseline.rps, 3) : '',
    'per-core ratio': baseline ? round(summary.perCore / baseline.perCore, 3) : '',
    problems: summary.problems.join('; '),
  };
}

/** The compact, JSON-friendly form of a summary (without every run). */
export function brief(summary: Summary): Omit<Summary, 'runs'> & { runsRps: number[] } {
  const { runs, ...rest } = summary;
  return { ...rest, runsRps: runs.map((run) => run.rps) };
}
