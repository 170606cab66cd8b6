/**
 * Memory: heap per idle session in `MemorySessionStore` for 10k, 100k and 1M conversations, beyond
 * the JSON text of the value it keeps; that the store holds no more than `maxEntries` when more are
 * written; and the same for `MemoryState`'s dedup marks. Each measurement runs in a fresh child
 * with `--expose-gc` (bench/memory/heap.ts).
 */
import type { BenchCase } from '../lib/case.js';
import { runScript } from '../lib/child.js';
import { printTable, printTargets, target, type TargetCheck } from '../lib/report.js';
import { round } from '../lib/stats.js';

/** One line of bench/memory/heap.ts. */
export interface HeapResult {
  kind: 'sessions' | 'marks';
  written: number;
  bound: number;
  kept: number;
  heapBeforeMiB: number;
  heapAfterMiB: number;
  bytesPerEntry: number;
  valueCharsPerEntry: number;
  valueBytesPerEntry: number;
  keyCharsPerEntry: number;
  overheadPerEntry: number;
  usPerWriteFilling: number;
  usPerWritePastBound?: number;
  seconds: number;
}

async function measure(kind: string, n: number, bound?: number): Promise<HeapResult> {
  const args = [kind, String(n), ...(bound === undefined ? [] : [String(bound)])];
  const out = await runScript('memory/heap.ts', args, ['--expose-gc', '--max-old-space-size=4096']);
  return JSON.parse(out.trim().split('\n').pop()!) as HeapResult;
}

export const memory: BenchCase = async (settings) => {
  const sizes = settings.quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000];
  const sessions: HeapResult[] = [];
  for (const n of sizes) sessions.push(await measure('sessions', n));
  // Bounded, at the default bounds: more written than kept; the store must keep its bound, no
  // more heap per entry, and (not a target of the brief, but checked) no dearer writes.
  const boundedSessions = await measure('sessions', 250_000, 100_000);
  const marks: HeapResult[] = [];
  for (const n of sizes) marks.push(await measure('marks', n));
  const boundedMarks = await measure('marks', 300_000, 200_000);

  const line = (label: string, r: HeapResult) => ({
    what: label,
    written: r.written,
    kept: r.kept,
    'heap MiB': Math.round((r.heapAfterMiB - r.heapBeforeMiB) * 10) / 10,
    'bytes/entry': r.bytesPerEntry,
    'value JSON chars': r.valueCharsPerEntry || '',
    'value heap bytes': r.valueBytesPerEntry || '',
    'key chars': r.keyCharsPerEntry,
    'beyond value': r.overheadPerEntry,
    'µs/write filling': r.usPerWriteFilling,
    'µs/write past bound': r.usPerWritePastBound ?? '',
  });
  printTable('MemorySessionStore: heap per idle session', [
    ...sessions.map((r) => line('sessions', r)),
    line('maxEntries 100k (default)', boundedSessions),
  ]);
  printTable('MemoryState: heap per dedup mark (a handled update remembered for an hour)', [
    ...marks.map((r) => line('marks', r)),
    line('maxClaims 200k (default)', boundedMarks),
  ]);

  const worst = Math.max(...sessions.map((r) => r.overheadPerEntry));
  const targets: TargetCheck[] = [
    target('memory bytes per idle session beyond its value (worst size)', worst, 300, false),
  ];
  const boundHeld = boundedSessions.kept === 100_000 && boundedMarks.kept === 200_000;
  const boundedPer = boundedSessions.overheadPerEntry;
  const unbounded100k = sessions.find((r) => r.written === 100_000)!.overheadPerEntry;
  // Writing past the bound must not cost more per kept entry than filling it once (±25%).
  const boundedHeapOk = boundedPer < unbounded100k * 1.25;
  console.log(
    `  bound held: ${boundHeld ? 'yes' : 'NO'} (sessions kept ${boundedSessions.kept} of ${boundedSessions.written} written with maxEntries 100k; marks kept ${boundedMarks.kept} of ${boundedMarks.written} with maxClaims 200k)`,
  );
  console.log(
    `  heap per kept session after ${boundedSessions.written} writes into a 100k store: ${boundedPer} B beyond the value vs ${unbounded100k} filling it once — ${boundedHeapOk ? 'no growth' : 'GROWS'}`,
  );
  const slowdown = (r: HeapResult) => round((r.usPerWritePastBound ?? 0) / r.usPerWriteFilling, 1);
  for (const [what, r] of [
    ['MemorySessionStore.set', boundedSessions],
    ['MemoryState claim + complete', boundedMarks],
  ] as const) {
    const times = slowdown(r);
    console.log(
      `  ${times > 3 ? 'PROBLEM:' : 'ok:'} ${what} costs ${r.usPerWritePastBound} µs per write past its bound vs ${r.usPerWriteFilling} µs while filling (${times}×)`,
    );
  }
  printTargets(targets);
  return {
    summary: {
      case: 'memory',
      bytes_beyond_value_per_session: Object.fromEntries(
        sessions.map((r) => [r.written, r.overheadPerEntry]),
      ),
      value_heap_bytes_per_session: sessions[0]!.valueBytesPerEntry,
      bytes_per_dedup_mark: Object.fromEntries(marks.map((r) => [r.written, r.bytesPerEntry])),
      max_entries_held: boundHeld,
      bounded_heap_stable: boundedHeapOk,
      us_per_session_write_filling_vs_past_bound: [
        boundedSessions.usPerWriteFilling,
        boundedSessions.usPerWritePastBound,
      ],
      us_per_mark_filling_vs_past_bound: [
        boundedMarks.usPerWriteFilling,
        boundedMarks.usPerWritePastBound,
      ],
      target_bytes: 300,
      met: targets[0]!.met && boundHeld && boundedHeapOk,
    },
    targets,
    raw: { sessions, boundedSessions, marks, boundedMarks },
  };
};
