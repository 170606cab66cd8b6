import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { RESULTS_DIR } from './report.js';

/**
 * The dated results of whole runs of the suite in bench/results: every case of one run carries the
 * run's stamp (`intake-2026-11-21T18-00-17-021Z.json`), so the runs can be told apart and their
 * figures taken together (medians and ranges across runs, bench/summarize.ts and bench/plot.ts).
 */

/** The cases of a whole run of the suite. */
export const ALL_CASES = [
  'intake',
  'koa',
  'cycle',
  'peers',
  'chat',
  'memory',
  'redis',
  'growth',
  'dialogs',
] as const;

const DATED = /^([a-z]+)-(\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z)\.json$/;

/** Stamps of the runs that have a dated result of every case in `cases`, oldest first. */
export function completeRuns(cases: readonly string[] = ALL_CASES): string[] {
  if (!existsSync(RESULTS_DIR)) return [];
  const byStamp = new Map<string, Set<string>>();
  for (const file of readdirSync(RESULTS_DIR)) {
    const match = DATED.exec(file);
    if (!match) continue;
    const [, name, stamp] = match as unknown as [string, string, string];
    let names = byStamp.get(stamp);
    if (!names) byStamp.set(stamp, (names = new Set()));
    names.add(name);
  }
  return [...byStamp]
    .filter(([, names]) => cases.every((name) => names.has(name)))
    .map(([stamp]) => stamp)
    .sort();
}

/**
 * The stamps named on the command line, or the last `count` complete runs when none are named.
 * Fails when a named run lacks a case.
 */
export function chooseRuns(args: readonly string[], count = 3): string[] {
  const named = args.filter((arg) => !arg.startsWith('--'));
  if (named.length === 0) return completeRuns().slice(-count);
  for (const stamp of named) {
    for (const name of ALL_CASES) {
      if (!existsSync(datedFile(name, stamp)))
        throw new Error(`run ${stamp} has no ${name} result (${datedFile(name, stamp)})`);
    }
  }
  return named;
}

function datedFile(name: string, stamp: string): string {
  return path.join(RESULTS_DIR, `${name}-${stamp}.json`);
}

/** The result of case `name` in each of the runs `stamps`. */
export function readRuns<T>(name: string, stamps: readonly string[]): T[] {
  return stamps.map((stamp) => JSON.parse(readFileSync(datedFile(name, stamp), 'utf8')) as T);
}
