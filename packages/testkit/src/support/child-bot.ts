import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

/** One line a child bot wrote on stdout. */
export interface ChildEvent {
  event: string;
  [field: string]: unknown;
}

/** A bot in a child process that reports on stdout, one JSON line per event. */
export interface ChildBot {
  readonly process: ChildProcess;
  /** The webhook URL (the child reported `{ event: 'listening', port }`). */
  readonly url: string;
  /** Every event the child reported so far, in order. */
  readonly events: ChildEvent[];
  /** Events reported so far that match. */
  count(match: (event: ChildEvent) => boolean): number;
  /**
   * Resolves once `n` reported events match (the first of them, then the n-th); rejects after
   * `timeoutMs`, or when the child exits first, listing what it reported.
   */
  waitFor(match: (event: ChildEvent) => boolean, n?: number, timeoutMs?: number): Promise<void>;
  /** Sends a signal and, unless it was SIGSTOP/SIGCONT, waits for the process to be gone. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

/**
 * Starts a TypeScript child script (on the workspace sources, like the tests) with `env` added to
 * this process's environment, and resolves once it reported that it listens.
 */
export async function spawnChildBot(
  script: URL,
  env: Record<string, string>,
  timeoutMs = 20_000,
): Promise<ChildBot> {
  const child = spawn(
    process.execPath,
    ['--conditions=pactbot-source', '--import', 'tsx', script.pathname],
    { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const events: ChildEvent[] = [];
  const waiters = new Set<() => void>();
  let exited = false;
  const exit = once(child, 'exit').then(() => {
    exited = true;
    for (const wake of waiters) wake();
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    events.push(JSON.parse(line) as ChildEvent);
    for (const wake of waiters) wake();
  });
  const count = (match: (event: ChildEvent) => boolean) => events.filter(match).length;
  const waitFor = (match: (event: ChildEvent) => boolean, n = 1, waitMs = 20_000) =>
    new Promise<void>((resolve, reject) => {
      const done = (error?: Error) => {
        clearTimeout(timer);
        waiters.delete(check);
        if (error) reject(error);
        else resolve();
      };
      const fail = (why: string) =>
        done(
          new Error(
            `${why}: ${count(match)} of ${n} wanted events; it reported ${JSON.stringify(events)}`,
          ),
        );
      const check = () => {
        if (count(match) >= n) done();
        else if (exited) fail('the child exited');
      };
      const timer = setTimeout(() => fail(`${waitMs} ms went by`), waitMs);
      waiters.add(check);
      check();
    });
  await waitFor((e) => e.event === 'listening', 1, timeoutMs);
  const port = Number(events.find((e) => e.event === 'listening')!.port);
  return {
    process: child,
    url: `http://127.0.0.1:${port}/pact`,
    events,
    count,
    waitFor,
    async kill(signal) {
      if (exited) return;
      child.kill(signal);
      if (signal !== 'SIGSTOP' && signal !== 'SIGCONT') await exit;
    },
  };
}
