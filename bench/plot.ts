/**
 * Draws the figures of docs/benchmarks.md: `node --import tsx bench/plot.ts [stamp…]` writes
 * docs/img/*.svg. Without stamps, from the last run (bench/results/<case>.json); with the stamps of
 * several whole runs (`intake-<stamp>.json`), from all of them: each point the median across the
 * runs, each ratio with its range. Hand-written SVG, no plotting library.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './lib/child.js';
import type { LoadResult } from './lib/load.js';
import { RESULTS_DIR } from './lib/report.js';
import { chooseRuns, readRuns } from './lib/runs.js';
import { median } from './lib/stats.js';

const OUT = path.join(ROOT, 'docs', 'img');
const COLORS = ['#1f6feb', '#d1495b', '#2a9d8f', '#e9a23b', '#6f42c1'];
const FONT = 'font-family="Helvetica, Arial, sans-serif"';

interface Series {
  name: string;
  values: number[];
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A round upper bound for an axis and its step. */
function niceScale(max: number, ticks = 5): { top: number; step: number } {
  const raw = max / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw || 1));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!;
  return { top: Math.ceil(max / step) * step, step };
}

function formatNumber(value: number): string {
  if (value >= 1000) return `${Math.round(value / 100) / 10}k`.replace('.0k', 'k');
  return String(Math.round(value * 100) / 100);
}

interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

function frame(width = 720, height = 400): Frame {
  return { width, height, left: 70, right: 20, top: 50, bottom: 60 };
}

function open(f: Frame, title: string, subtitle?: string): string[] {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${f.width}" height="${f.height}" viewBox="0 0 ${f.width} ${f.height}" ${FONT}>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${f.left}" y="22" font-size="16" font-weight="bold" fill="#222">${escape(title)}</text>`,
    ...(subtitle
      ? [`<text x="${f.left}" y="40" font-size="12" fill="#555">${escape(subtitle)}</text>`]
      : []),
  ];
}

/** Y axis with gridlines; returns the value → y mapping. */
function yAxis(parts: string[], f: Frame, max: number, label: string): (v: number) => number {
  const { top, step } = niceScale(max);
  const plotHeight = f.height - f.top - f.bottom;
  const y = (v: number) => f.top + plotHeight - (v / top) * plotHeight;
  for (let v = 0; v <= top + step / 2; v += step) {
    parts.push(
      `<line x1="${f.left}" x2="${f.width - f.right}" y1="${y(v)}" y2="${y(v)}" stroke="#e5e5e5"/>`,
      `<text x="${f.left - 8}" y="${y(v) + 4}" font-size="11" text-anchor="end" fill="#444">${formatNumber(v)}</text>`,
    );
  }
  const middle = f.top + plotHeight / 2;
  parts.push(
    `<text x="16" y="${middle}" font-size="12" fill="#333" text-anchor="middle" transform="rotate(-90 16 ${middle})">${escape(label)}</text>`,
    `<line x1="${f.left}" x2="${f.left}" y1="${f.top}" y2="${f.height - f.bottom}" stroke="#888"/>`,
    `<line x1="${f.left}" x2="${f.width - f.right}" y1="${f.height - f.bottom}" y2="${f.height - f.bottom}" stroke="#888"/>`,
  );
  return y;
}

function legend(parts: string[], f: Frame, names: string[]): void {
  let x = f.left + 10;
  const y = f.top + 12;
  names.forEach((name, i) => {
    parts.push(
      `<rect x="${x}" y="${y - 9}" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/>`,
      `<text x="${x + 17}" y="${y + 1}" font-size="12" fill="#222">${escape(name)}</text>`,
    );
    x += 30 + name.length * 6.5;
  });
}

/** Lines over categorical x positions (such as concurrencies on a log scale). */
function lineChart(options: {
  title: string;
  subtitle?: string;
  xLabel: string;
  yLabel: string;
  xs: string[];
  series: Series[];
}): string {
  const f = frame();
  const parts = open(f, options.title, options.subtitle);
  const max = Math.max(...options.series.flatMap((s) => s.values)) * 1.15;
  const y = yAxis(parts, f, max, options.yLabel);
  const plotWidth = f.width - f.left - f.right;
  const x = (i: number) =>
    f.left + 30 + (i * (plotWidth - 60)) / Math.max(1, options.xs.length - 1);
  options.xs.forEach((label, i) => {
    parts.push(
      `<text x="${x(i)}" y="${f.height - f.bottom + 18}" font-size="11" text-anchor="middle" fill="#444">${escape(label)}</text>`,
    );
  });
  parts.push(
    `<text x="${f.left + plotWidth / 2}" y="${f.height - 14}" font-size="12" text-anchor="middle" fill="#333">${escape(options.xLabel)}</text>`,
  );
  options.series.forEach((series, s) => {
    const color = COLORS[s % COLORS.length]!;
    const points = series.values.map((v, i) => `${x(i)},${y(v)}`).join(' ');
    parts.push(`<polyline points="${points}" fill="none" stroke="${color}" stroke-width="2.5"/>`);
    series.values.forEach((v, i) => {
      parts.push(
        `<circle cx="${x(i)}" cy="${y(v)}" r="4" fill="${color}"/>`,
        `<text x="${x(i)}" y="${y(v) - 9}" font-size="10" text-anchor="middle" fill="${color}">${formatNumber(v)}</text>`,
      );
    });
  });
  legend(
    parts,
    f,
    options.series.map((s) => s.name),
  );
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

/** Grouped (or stacked) bars with an optional target line per group. */
function barChart(options: {
  title: string;
  subtitle?: string;
  yLabel: string;
  groups: string[];
  series: Series[];
  stacked?: boolean;
  targets?: Array<number | undefined>;
  /** Min and max of the first series' value in each group, drawn as a whisker. */
  ranges?: Array<[number, number] | undefined>;
  width?: number;
}): string {
  const f = frame(options.width ?? 720, 420);
  f.bottom = 80;
  const parts = open(f, options.title, options.subtitle);
  const totals = options.groups.map((_, g) =>
    options.stacked
      ? options.series.reduce((sum, s) => sum + (s.values[g] ?? 0), 0)
      : Math.max(...options.series.map((s) => s.values[g] ?? 0)),
  );
  const max =
    Math.max(
      ...totals,
      ...(options.targets ?? []).map((t) => t ?? 0),
      ...(options.ranges ?? []).map((r) => r?.[1] ?? 0),
    ) * 1.15;
  const y = yAxis(parts, f, max, options.yLabel);
  const plotWidth = f.width - f.left - f.right;
  const groupWidth = plotWidth / options.groups.length;
  const bars = options.stacked ? 1 : options.series.length;
  const barWidth = Math.min(60, (groupWidth * 0.7) / bars);
  options.groups.forEach((label, g) => {
    const x0 = f.left + g * groupWidth + (groupWidth - barWidth * bars) / 2;
    let base = 0;
    options.series.forEach((series, s) => {
      const value = series.values[g] ?? 0;
      const x = options.stacked ? x0 : x0 + s * barWidth;
      const from = options.stacked ? base : 0;
      const top = y(from + value);
      const height = y(from) - top;
      parts.push(
        `<rect x="${x}" y="${top}" width="${barWidth - 2}" height="${Math.max(0, height)}" fill="${COLORS[s % COLORS.length]}"/>`,
      );
      if (options.stacked && value > 0 && height > 16) {
        parts.push(
          `<text x="${x + barWidth / 2 - 1}" y="${top + height / 2 + 4}" font-size="10" text-anchor="middle" fill="#fff">${formatNumber(value)}</text>`,
        );
      }
      const range = s === 0 ? options.ranges?.[g] : undefined;
      if (range) {
        const middle = x + barWidth / 2 - 1;
        parts.push(
          `<line x1="${middle}" x2="${middle}" y1="${y(range[0])}" y2="${y(range[1])}" stroke="#111" stroke-width="1.5"/>`,
          `<line x1="${middle - 6}" x2="${middle + 6}" y1="${y(range[0])}" y2="${y(range[0])}" stroke="#111" stroke-width="1.5"/>`,
          `<line x1="${middle - 6}" x2="${middle + 6}" y1="${y(range[1])}" y2="${y(range[1])}" stroke="#111" stroke-width="1.5"/>`,
        );
      }
      if (!options.stacked || s === options.series.length - 1) {
        const shown = options.stacked ? from + value : value;
        // Above the bar, or above its whisker when it has one.
        const labelY = range ? Math.min(top, y(range[1])) : top;
        parts.push(
          `<text x="${x + barWidth / 2 - 1 + (range ? 10 : 0)}" y="${labelY - 4}" font-size="10" text-anchor="${range ? 'start' : 'middle'}" fill="#222">${formatNumber(shown)}</text>`,
        );
      }
      base += value;
    });
    const goal = options.targets?.[g];
    if (goal !== undefined) {
      const left = f.left + g * groupWidth + 6;
      parts.push(
        `<line x1="${left}" x2="${left + groupWidth - 12}" y1="${y(goal)}" y2="${y(goal)}" stroke="#111" stroke-width="2" stroke-dasharray="6 4"/>`,
        `<text x="${left}" y="${y(goal) - 4}" font-size="10" text-anchor="start" fill="#111">target ${goal}</text>`,
      );
    }
    const words = label.split(' ');
    const lines: string[] = [];
    for (const word of words) {
      const last = lines[lines.length - 1];
      if (last !== undefined && (last + ' ' + word).length <= groupWidth / 6.5)
        lines[lines.length - 1] = `${last} ${word}`;
      else lines.push(word);
    }
    lines.forEach((text, i) => {
      parts.push(
        `<text x="${f.left + g * groupWidth + groupWidth / 2}" y="${f.height - f.bottom + 16 + i * 13}" font-size="11" text-anchor="middle" fill="#333">${escape(text)}</text>`,
      );
    });
  });
  if (options.series.length > 1)
    legend(
      parts,
      f,
      options.series.map((s) => s.name),
    );
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

/** The runs drawn: the stamps given on the command line, or none for the last run alone. */
const STAMPS = process.argv.slice(2).length ? chooseRuns(process.argv.slice(2)) : undefined;

/** A case's results: one per chosen run, or the last run's alone. */
function read<T>(name: string): T[] {
  if (STAMPS) return readRuns<T>(name, STAMPS);
  const file = path.join(RESULTS_DIR, `${name}.json`);
  return existsSync(file) ? [JSON.parse(readFileSync(file, 'utf8')) as T] : [];
}

/** The median across runs of what `pick` reads from each. */
function across<T>(runs: T[], pick: (run: T) => number): number {
  return median(runs.map(pick));
}

/** How the figures were taken, for the subtitles. */
function provenance(runs: Array<{ env: { date: string; node: string } }>): string {
  const dates = [...new Set(runs.map((run) => run.env.date.slice(0, 10)))].join(', ');
  const how = runs.length > 1 ? `median of ${runs.length} runs` : 'one run';
  return `${how}; ${dates}, Node ${runs[0]!.env.node}`;
}

interface SweepResult {
  env: { date: string; node: string };
  settings: { sweep: number[] };
  sweep: Array<{ name: string; points: LoadResult[] }>;
}

/** The points of the growth case, as bench/cases/growth.ts writes them. */
interface GrowthResult {
  env: { date: string; node: string };
  curves: Array<{
    state: string;
    curve: 'conversations' | 'history';
    points: Array<{ x: number; throughput: number; p99: number }>;
  }>;
}

/** A case's results from the chosen runs that have one (the growth case is newer than some). */
function readIfThere<T>(name: string): T[] {
  if (!STAMPS) return read<T>(name);
  const present = STAMPS.filter((stamp) =>
    existsSync(path.join(RESULTS_DIR, `${name}-${stamp}.json`)),
  );
  return readRuns<T>(name, present);
}

/** Charts side by side (and rows of them), each drawn on its own, in one SVG. */
function grid(charts: string[][], width = 720, height = 400): string {
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width * charts[0]!.length}" height="${height * charts.length}" viewBox="0 0 ${width * charts[0]!.length} ${height * charts.length}">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
  ];
  charts.forEach((row, r) =>
    row.forEach((chart, c) =>
      parts.push(chart.replace('<svg ', `<svg x="${c * width}" y="${r * height}" `).trimEnd()),
    ),
  );
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}

/**
 * The growth curves: throughput (top) and p99 (bottom) against active conversations (left) and
 * handled-update history (right), a line per state.
 */
function growthChart(runs: GrowthResult[]): string | undefined {
  const [first] = runs;
  if (!first) return undefined;
  const label = (n: number) =>
    n >= 1000 ? `${Math.round(n / 100) / 10}k`.replace('.0k', 'k') : String(n);
  const panel = (curve: 'conversations' | 'history', metric: 'throughput' | 'p99') => {
    const curves = first.curves.filter((c) => c.curve === curve);
    const xs = curves[0]?.points.map((p) => label(p.x)) ?? [];
    return lineChart({
      title:
        metric === 'throughput'
          ? `Echo throughput against ${curve === 'conversations' ? 'active conversations' : 'handled-update history'}`
          : `p99 against ${curve === 'conversations' ? 'active conversations' : 'handled-update history'}`,
      subtitle: `${provenance(runs)}; ${
        metric === 'p99'
          ? 'of the answers (Redis answers once an update is queued)'
          : curve === 'conversations'
            ? 'each conversation has a stored session'
            : '1 000 conversations; the memory dedup bound is 200k'
      }`,
      xLabel:
        curve === 'conversations'
          ? 'active conversations (not to scale)'
          : 'handled updates remembered before the run (not to scale)',
      yLabel: metric === 'throughput' ? 'updates per second' : 'p99 latency, ms',
      xs,
      series: curves.map((c) => ({
        name: `${c.state === 'redis' ? 'Redis' : c.state} state and sessions`,
        values: c.points.map((_, i) => {
          const value = across(runs, (run) => {
            const same = run.curves.find((o) => o.state === c.state && o.curve === curve);
            return same?.points[i]?.[metric] ?? NaN;
          });
          return metric === 'throughput' ? Math.round(value) : Math.round(value * 10) / 10;
        }),
      })),
    });
  };
  return grid([
    [panel('conversations', 'throughput'), panel('history', 'throughput')],
    [panel('conversations', 'p99'), panel('history', 'p99')],
  ]);
}

function write(name: string, svg: string): void {
  const file = path.join(OUT, name);
  writeFileSync(file, svg);
  console.log(`wrote ${path.relative(ROOT, file)}`);
}

function main(): void {
  mkdirSync(OUT, { recursive: true });
  for (const [name, title, label, short] of [
    [
      'intake',
      'Intake: webhooks/s against concurrency',
      'webhooks per second',
      ['pactbot bot.listen', 'bare node:http'],
    ],
    [
      'cycle',
      'Full cycle: round trips/s against concurrency',
      'round trips per second',
      ['pactbot echo', 'minimal bot (node:http + undici)'],
    ],
  ] as const) {
    const runs = read<SweepResult>(name).filter((run) => run.sweep);
    if (runs.length === 0) continue;
    const [result] = runs as [SweepResult];
    write(
      `${name}-concurrency.svg`,
      lineChart({
        title,
        subtitle: `one measurement per point and run, ${provenance(runs)}; server on one core`,
        xLabel: 'connections (requests in flight)',
        yLabel: label,
        xs: result.settings.sweep.map(String),
        series: result.sweep.map((s, i) => ({
          name: short[i] ?? s.name,
          values: s.points.map((_, point) =>
            Math.round(across(runs, (run) => run.sweep[i]!.points[point]!.rps)),
          ),
        })),
      }),
    );
  }

  const memoryRuns = read<{
    env: { date: string };
    sessions: Array<{
      written: number;
      valueBytesPerEntry: number;
      overheadPerEntry: number;
      heapBeforeMiB: number;
      heapAfterMiB: number;
    }>;
    marks: Array<{
      written: number;
      bytesPerEntry: number;
      heapBeforeMiB: number;
      heapAfterMiB: number;
    }>;
  }>('memory');
  // The heap figures hardly move between runs; the median of each is drawn.
  const memory = memoryRuns[0] && {
    sessions: memoryRuns[0].sessions.map((r, i) => ({
      written: r.written,
      valueBytesPerEntry: across(memoryRuns, (run) => run.sessions[i]!.valueBytesPerEntry),
      overheadPerEntry: across(memoryRuns, (run) => run.sessions[i]!.overheadPerEntry),
      heapMiB: across(
        memoryRuns,
        (run) => run.sessions[i]!.heapAfterMiB - run.sessions[i]!.heapBeforeMiB,
      ),
    })),
    marks: memoryRuns[0].marks.map((r, i) => ({
      written: r.written,
      bytesPerEntry: across(memoryRuns, (run) => run.marks[i]!.bytesPerEntry),
      heapMiB: across(
        memoryRuns,
        (run) => run.marks[i]!.heapAfterMiB - run.marks[i]!.heapBeforeMiB,
      ),
    })),
  };
  if (memory) {
    const label = (n: number) => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`);
    write(
      'memory-heap.svg',
      lineChart({
        title: 'Heap held against conversations',
        subtitle: `heapUsed after full GCs, minus the empty store; sessions of ~39 characters of JSON${
          memoryRuns.length > 1 ? `; median of ${memoryRuns.length} runs` : ''
        }`,
        xLabel: 'conversations (entries written, none evicted)',
        yLabel: 'MiB of heap',
        xs: memory.sessions.map((r) => label(r.written)),
        series: [
          {
            name: 'MemorySessionStore sessions',
            values: memory.sessions.map((r) => Math.round(r.heapMiB * 10) / 10),
          },
          {
            name: 'MemoryState dedup marks',
            values: memory.marks.map((r) => Math.round(r.heapMiB * 10) / 10),
          },
        ],
      }),
    );
    write(
      'memory-per-conversation.svg',
      barChart({
        title: 'Heap per idle conversation',
        subtitle:
          'MemorySessionStore: the JSON text kept + the rest (target: < 300 B beyond the value); MemoryState: one mark',
        yLabel: 'bytes of heap per entry',
        groups: [
          ...memory.sessions.map((r) => `${label(r.written)} sessions`),
          ...memory.marks.map((r) => `${label(r.written)} dedup marks`),
        ],
        series: [
          {
            name: 'value (its JSON string)',
            values: [
              ...memory.sessions.map((r) => r.valueBytesPerEntry),
              ...memory.marks.map(() => 0),
            ],
          },
          {
            name: 'beyond the value (key, entry, map slot)',
            values: [
              ...memory.sessions.map((r) => r.overheadPerEntry),
              ...memory.marks.map((r) => r.bytesPerEntry),
            ],
          },
        ],
        stacked: true,
      }),
    );
  }

  const growth = growthChart(readIfThere<GrowthResult>('growth').filter((run) => run.curves));
  if (growth) write('growth.svg', growth);

  // Every throughput target in one picture: the measured ratio against its target.
  const ratios: Array<{ label: string; values: number[]; target: number }> = [];
  let runsDrawn = 0;
  for (const name of ['intake', 'koa', 'cycle', 'peers']) {
    const runs = read<{
      targets: Array<{ name: string; value: number; target: number; atLeast: boolean }>;
    }>(name);
    runsDrawn = Math.max(runsDrawn, runs.length);
    for (const check of runs[0]?.targets ?? []) {
      if (!check.atLeast) continue;
      const values = runs.map((run) => run.targets.find((t) => t.name === check.name)!.value);
      ratios.push({ label: check.name, values, target: check.target });
    }
  }
  if (ratios.length) {
    write(
      'targets.svg',
      barChart({
        title: 'Throughput ratios against their targets',
        subtitle:
          runsDrawn > 1
            ? `bars: median of ${runsDrawn} runs (each the median of its own rounds); whiskers: min–max of the runs; dashed: target`
            : 'bars: measured (median of the rounds of one run); dashed: target',
        yLabel: 'ratio',
        groups: ratios.map((r) => r.label),
        series: [{ name: 'measured', values: ratios.map((r) => median(r.values)) }],
        targets: ratios.map((r) => r.target),
        ranges: ratios.map((r) =>
          r.values.length > 1 ? [Math.min(...r.values), Math.max(...r.values)] : undefined,
        ),
        width: Math.max(720, ratios.length * 110),
      }),
    );
  }
}

main();
