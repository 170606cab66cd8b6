import { writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Session } from 'node:inspector';

/**
 * The child side of a benchmark server: reads its configuration, reports that it listens, and
 * answers the orchestrator's requests for counters and CPU time over the IPC channel.
 */

/** Counters a server exposes to the orchestrator (handled webhooks, sends accepted, …). */
export const counters: Record<string, number> = {};

/** Adds `by` to a named counter. */
export function count(name: string, by = 1): void {
  counters[name] = (counters[name] ?? 0) + by;
}

/** The configuration the orchestrator passed in `BENCH_CONFIG`. */
export function config<T extends object>(): T {
  return JSON.parse(process.env['BENCH_CONFIG'] ?? '{}') as T;
}

/** What a child reports about itself. */
export interface ChildStats {
  /** CPU time used so far, user + system, in microseconds. */
  cpuUs: number;
  /** `performance.now()` of the child when the stats were taken, in ms. */
  at: number;
  counters: Record<string, number>;
  heapUsed: number;
  rss: number;
}

/** Answers to requests of the orchestrator beyond the built-in ones, by request type. */
const answers = new Map<string, (params: unknown) => unknown>();

/**
 * Answers the orchestrator's requests of `type` (`handle.request(type, params)`) with what `fn`
 * returns: figures a case reads from a server outside its measured runs, such as what its stores
 * hold. The work counts in the child's CPU time like any other: ask between measured windows.
 */
export function answer(type: string, fn: (params: unknown) => unknown): void {
  answers.set(type, fn);
}

type Request =
  | { type: 'stats'; id: number }
  | { type: 'stop'; id: number }
  | { type: 'profile-start'; id: number }
  | { type: 'profile-stop'; id: number; file: string };

let profiler: Session | undefined;

function post(method: string, params?: object): Promise<unknown> {
  return new Promise((resolve, reject) =>
    profiler!.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
  );
}

/** Starts or stops the V8 CPU profiler of this process (for bench/profile.ts). */
async function profile(message: Request): Promise<void> {
  if (message.type === 'profile-start') {
    profiler = new Session();
    profiler.connect();
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: 200 });
    await post('Profiler.start');
  } else if (message.type === 'profile-stop' && profiler) {
    const { profile } = (await post('Profiler.stop')) as { profile: object };
    writeFileSync(message.file, JSON.stringify(profile));
    profiler.disconnect();
    profiler = undefined;
  }
}

/** Tells the orchestrator the server listens on `port`, and serves its requests until told to stop. */
export function ready(port: number, close: () => Promise<unknown> = () => Promise.resolve()): void {
  if (!process.send) {
    console.log(`listening on 127.0.0.1:${port} (no orchestrator attached)`);
    return;
  }
  process.on('message', (message: Request) => {
    const own = answers.get(message.type);
    if (own !== undefined) {
      const { params } = message as { params?: unknown };
      Promise.resolve()
        .then(() => own(params))
        .then(
          (value) => process.send!({ type: 'answer', id: message.id, value }),
          (error: Error) => process.send!({ type: 'answer', id: message.id, error: error.message }),
        );
    } else if (message.type === 'stats') {
      const cpu = process.cpuUsage();
      const memory = process.memoryUsage();
      const stats: ChildStats = {
        cpuUs: cpu.user + cpu.system,
        at: performance.now(),
        counters: { ...counters },
        heapUsed: memory.heapUsed,
        rss: memory.rss,
      };
      process.send!({ type: 'stats', id: message.id, stats });
    } else if (message.type === 'profile-start' || message.type === 'profile-stop') {
      profile(message).then(
        () => process.send!({ type: 'profiled', id: message.id }),
        (error: Error) => process.send!({ type: 'profiled', id: message.id, error: error.message }),
      );
    } else if (message.type === 'stop') {
      const exit = () => {
        process.send?.({ type: 'stopped', id: message.id });
        setTimeout(() => process.exit(0), 10).unref();
      };
      // Never let a slow close hold the run up.
      setTimeout(exit, 3000).unref();
      close().then(exit, exit);
    }
  });
  // The orchestrator went away (crash, Ctrl-C): do not linger.
  process.on('disconnect', () => process.exit(0));
  process.send({ type: 'ready', port });
}

/**
 * Listens on a free port of 127.0.0.1 and reports it with {@link ready}; on stop, closes every
 * connection and the server, then runs `afterClose` (closing a bot, a pool, …).
 */
export function serve(
  server: Server,
  afterClose: () => Promise<unknown> | void = () => undefined,
): void {
  server.listen(0, '127.0.0.1', () => {
    ready((server.address() as AddressInfo).port, async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await afterClose();
    });
  });
}
