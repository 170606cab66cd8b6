import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import type { ServerHandle } from './child.js';
import type { ChildStats } from './child-kit.js';
import { quantile, round } from './stats.js';

/** One load run: where, how hard, for how long, and what to send. */
export interface LoadOptions {
  /** Target URL, `http://127.0.0.1:<port>/<path>?<query>`. */
  url: string;
  /** Connections kept busy at once (autocannon's `connections`: requests in flight). */
  connections: number;
  /** How long to run, in seconds. */
  durationS: number;
  /** Makes the next request body; every call must return a distinct update. */
  body: () => string;
  /** Processes whose CPU time is measured over the run (the server under test, stand-ins). */
  watch?: ServerHandle[] | undefined;
}

/** What a load run measured. */
export interface LoadResult {
  connections: number;
  /** Answered 2xx per second. */
  rps: number;
  /** Latency percentiles of 2xx answers, in ms (measured per response, not autocannon's 1 ms histogram). */
  p50: number;
  p99: number;
  /** 2xx answers in all. */
  ok: number;
  /** Other answers, connection errors and timeouts: anything here makes the run suspect. */
  non2xx: number;
  errors: number;
  durationS: number;
  /** CPU used over the run, in cores (1 = one core busy the whole time): the load generator itself. */
  loadCpu: number;
  /** CPU used by each watched process, in cores, by name. */
  cpu: Record<string, number>;
  /** Counter increments of each watched process over the run, by name. */
  counted: Record<string, Record<string, number>>;
  /**
   * CPU used on the machine by everything else (other people's processes, Redis, the kernel's own
   * threads), in cores, from /proc/stat: the noise indicator of the run. Undefined off Linux.
   */
  otherCpu: number | undefined;
}

/** Busy CPU time of the whole machine so far, in ms, from /proc/stat; undefined off Linux. */
export function machineBusyMs(): number | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    // USER_HZ is 100 on every Linux this runs on: a jiffy is 10 ms.
    return (user + nice + system + irq + softirq + steal) * 10;
  } catch {
    return undefined;
  }
}

const MAX_SAMPLES = 4_000_000;

function diffCounters(
  before: Record<string, number>,
  after: Record<string, number>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(after)) out[key] = value - (before[key] ?? 0);
  return out;
}

/**
 * Runs autocannon against `url` with unique bodies (its `requests` with `setupRequest`), and
 * measures the CPU time of the load generator and of the watched processes over the run.
 */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const { url, connections, durationS, body, watch = [] } = options;
  const target = new URL(url);
  const latencies = new Float64Array(MAX_SAMPLES);
  let samples = 0;
  const before = await Promise.all(watch.map((server) => server.stats()));
  const cpuBefore = process.cpuUsage();
  const busyBefore = machineBusyMs();
  const startedAt = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: target.origin,
        connections,
        duration: durationS,
        // Bounded in time; the per-request timeout keeps a stuck server from hanging the run.
        timeout: 10,
        requests: [
          {
            method: 'POST',
            path: target.pathname + target.search,
            headers: { 'content-type': 'application/json' },
            setupRequest: (request) => {
              request.body = body();
              return request;
            },
          },
        ],
      },
      (error: unknown, done: autocannon.Result) =>
        error
          ? reject(error instanceof Error ? error : new Error(JSON.stringify(error)))
          : resolve(done),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300 && samples < MAX_SAMPLES)
        latencies[samples++] = responseTime;
    });
  });
  const wallMs = performance.now() - startedAt;
  const cpuUsed = process.cpuUsage(cpuBefore);
  const busyAfter = machineBusyMs();
  const after = await Promise.all(watch.map((server) => server.stats()));
  const sorted = latencies.subarray(0, samples).sort();
  const cpu: Record<string, number> = {};
  const counted: Record<string, Record<string, number>> = {};
  watch.forEach((server, i) => {
    const a = before[i] as ChildStats;
    const b = after[i] as ChildStats;
    cpu[server.name] = round((b.cpuUs - a.cpuUs) / 1000 / (b.at - a.at), 2);
    counted[server.name] = diffCounters(a.counters, b.counters);
  });
  const ok = result['2xx'];
  const loadCpu = (cpuUsed.user + cpuUsed.system) / 1000 / wallMs;
  const ours = loadCpu + Object.values(cpu).reduce((sum, cores) => sum + cores, 0);
  const otherCpu =
    busyBefore === undefined || busyAfter === undefined
      ? undefined
      : round(Math.max(0, (busyAfter - busyBefore) / wallMs - ours), 2);
  return {
    connections,
    rps: Math.round(ok / result.duration),
    p50: round(quantile(sorted, 0.5), 3),
    p99: round(quantile(sorted, 0.99), 3),
    ok,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    durationS: result.duration,
    loadCpu: round(loadCpu, 2),
    cpu,
    counted,
    otherCpu,
  };
}
