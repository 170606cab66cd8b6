import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './child.js';

/** Where raw results go (git-ignored). */
export const RESULTS_DIR = path.join(ROOT, 'bench', 'results');

/** Prints rows as an aligned text table. */
export function printTable(title: string, rows: Array<Record<string, unknown>>): void {
  console.log(`\n${title}`);
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]!);
  const cells = rows.map((row) => columns.map((column) => format(row[column])));
  const widths = columns.map((column, i) =>
    Math.max(column.length, ...cells.map((line) => line[i]!.length)),
  );
  const line = (values: string[]) =>
    values.map((value, i) => (i === 0 ? value.padEnd(widths[i]!) : value.padStart(widths[i]!)));
  console.log('  ' + line(columns).join('  '));
  console.log('  ' + widths.map((w) => '-'.repeat(w)).join('  '));
  for (const values of cells) console.log('  ' + line(values).join('  '));
}

function format(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'NO';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A target a case checks, with what it measured. */
export interface TargetCheck {
  name: string;
  /** The measured ratio (or figure). */
  value: number;
  /** What it should reach: value ≥ target when `atLeast`, value < target otherwise. */
  target: number;
  atLeast: boolean;
  met: boolean;
}

/** Builds a target check. */
export function target(name: string, value: number, goal: number, atLeast = true): TargetCheck {
  return { name, value, target: goal, atLeast, met: atLeast ? value >= goal : value < goal };
}

/** Prints each target plainly, a miss as a miss with its size. */
export function printTargets(checks: TargetCheck[]): void {
  for (const check of checks) {
    const relation = check.atLeast ? '≥' : '<';
    if (check.met) {
      console.log(`  target met:    ${check.name} = ${check.value} (${relation} ${check.target})`);
    } else {
      const by = check.atLeast
        ? `${Math.round((1 - check.value / check.target) * 100)}% short`
        : `${Math.round((check.value / check.target - 1) * 100)}% over`;
      console.log(
        `  TARGET MISSED: ${check.name} = ${check.value}, wanted ${relation} ${check.target} (${by})`,
      );
    }
  }
}

/** The machine and its state. */
export interface Environment {
  date: string;
  node: string;
  platform: string;
  cpus: number;
  cpuModel: string | undefined;
  memoryGiB: number;
  loadavg: number[];
}

/** The machine and its state, stored with every result. */
export function environment(): Environment {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadavg: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

/**
 * Writes a case's raw result as a dated copy and as `bench/results/<case>.json`, the one the plots
 * are drawn from — except for quick runs, which leave that one alone.
 */
export function writeResult(name: string, result: object, stamp: string, quick: boolean): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const text = JSON.stringify(result, null, 2) + '\n';
  const dated = path.join(RESULTS_DIR, `${name}-${stamp}${quick ? '-quick' : ''}.json`);
  writeFileSync(dated, text);
  if (quick) return dated;
  const file = path.join(RESULTS_DIR, `${name}.json`);
  writeFileSync(file, text);
  return file;
}
