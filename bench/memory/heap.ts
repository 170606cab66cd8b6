/**
 * Heap cost of idle conversations, run alone in a child with `--expose-gc`:
 *   heap.ts sessions <n> [maxEntries]   n sessions written to a MemorySessionStore
 *   heap.ts marks <n> [maxClaims]       n handled updates remembered by MemoryState (dedup marks)
 * Prints one JSON line. The heap is measured with `heapUsed` after full collections, before and
 * after the writes; keys are made the way the bot makes them, so they count as overhead.
 */
import { MemorySessionStore, MemoryState } from '@pactbot/core';

const [kind, nText, boundText] = process.argv.slice(2);
const n = Number(nText);
const bound = boundText === undefined ? n : Number(boundText);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

function heapUsed(): number {
  for (let i = 0; i < 3; i++) gc!();
  return process.memoryUsage().heapUsed;
}

/** Bytes a flat one-byte string of `length` characters takes on V8's heap (64-bit). */
function stringBytes(length: number): number {
  return Math.ceil((16 + length) / 8) * 8;
}

/** A session of a survey-like bot: a step, a name and a short answer. */
function sessionValue(i: number): { step: number; name: string; answers: string[] } {
  return { step: i % 7, name: 'Ann', answers: i % 2 ? ['yes'] : [] };
}

const startedAt = performance.now();
let kept: number;
let valueBytes = 0;
let valueChars = 0;
let keyChars = 0;
let before: number;
let after: number;
/** Time per write while the store fills, and past its bound (where it evicts the oldest), in µs. */
let usPerWriteFilling = 0;
let usPerWritePastBound: number | undefined;

/** Runs `write(i)` for i < n, timing the writes up to the bound and those past it. */
async function writeAll(write: (i: number) => unknown): Promise<void> {
  const start = performance.now();
  let boundAt = start;
  for (let i = 0; i < n; i++) {
    if (i === bound) boundAt = performance.now();
    await write(i);
  }
  const end = performance.now();
  if (n <= bound) usPerWriteFilling = ((end - start) * 1000) / n;
  else {
    usPerWriteFilling = ((boundAt - start) * 1000) / bound;
    usPerWritePastBound = ((end - boundAt) * 1000) / (n - bound);
  }
}

if (kind === 'sessions') {
  const store = new MemorySessionStore<ReturnType<typeof sessionValue>>({
    maxEntries: bound,
    ttlMs: 24 * 60 * 60 * 1000,
  });
  before = heapUsed();
  await writeAll((i) => store.set(`42:conversation:${100_000 + i}`, sessionValue(i)));
  after = heapUsed();
  kept = store.size;
  // The JSON text each kept session holds: the last `kept` written.
  for (let i = n - kept; i < n; i++) {
    const json = JSON.stringify(sessionValue(i));
    valueChars += json.length;
    valueBytes += stringBytes(json.length);
    keyChars += `42:conversation:${100_000 + i}`.length;
  }
  // Keep the store alive until after the measurement.
  if (store.size < 0) console.log(store);
} else if (kind === 'marks') {
  const state = new MemoryState({ maxClaims: bound });
  before = heapUsed();
  await writeAll(async (i) => {
    // The runner's key: `<company>:<update identity>`.
    const claim = await state.claim(`42:message:new:${10_000_000 + i}`, {
      leaseMs: 30_000,
      ttlMs: 60 * 60 * 1000,
    });
    await claim!.complete();
  });
  after = heapUsed();
  // How many are still remembered, counted rather than assumed: from the newest back, a claim of a
  // remembered update is refused (and changes nothing); the first one granted was forgotten.
  kept = 0;
  for (let i = n - 1; i >= 0; i--) {
    const again = await state.claim(`42:message:new:${10_000_000 + i}`, {
      leaseMs: 30_000,
      ttlMs: 1000,
    });
    if (again !== undefined) break;
    kept++;
  }
  if (kept === 0) throw new Error('the newest mark was forgotten');
  for (let i = n - kept; i < n; i++) keyChars += `42:message:new:${10_000_000 + i}`.length;
} else {
  throw new Error(`unknown kind ${kind}`);
}

const perEntry = (after - before) / kept;
console.log(
  JSON.stringify({
    kind,
    written: n,
    bound,
    kept,
    heapBeforeMiB: Math.round((before / 2 ** 20) * 10) / 10,
    heapAfterMiB: Math.round((after / 2 ** 20) * 10) / 10,
    bytesPerEntry: Math.round(perEntry),
    valueCharsPerEntry: Math.round(valueChars / kept),
    valueBytesPerEntry: Math.round(valueBytes / kept),
    keyCharsPerEntry: Math.round(keyChars / kept),
    overheadPerEntry: Math.round(perEntry - valueBytes / kept),
    usPerWriteFilling: Math.round(usPerWriteFilling * 100) / 100,
    usPerWritePastBound:
      usPerWritePastBound === undefined ? undefined : Math.round(usPerWritePastBound * 100) / 100,
    seconds: Math.round(performance.now() - startedAt) / 1000,
  }),
);
