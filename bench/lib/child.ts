import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildStats } from './child-kit.js';

/** The repository's root: children run from there so `--import tsx` resolves. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Where each process of a measurement runs. `undefined`: wherever the OS puts it. */
export interface Placement {
  /** CPU list for `taskset -c` (such as `0`), or undefined to leave placement to the OS. */
  cpus?: string | undefined;
}

/** A server (or stand-in) running in its own process. */
export interface ServerHandle {
  readonly name: string;
  readonly port: number;
  readonly pid: number;
  /** `http://127.0.0.1:<port><path>` */
  url(pathname?: string): string;
  stats(): Promise<ChildStats>;
  /** Asks the child something it answers with `answer(type, fn)` of child-kit. */
  request<T>(type: string, params?: unknown): Promise<T>;
  /** Starts the child's CPU profiler; `profileStop` writes the profile to `file`. */
  profileStart(): Promise<void>;
  profileStop(file: string): Promise<void>;
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
const handles = new Set<ServerHandle>();

/** Stops every server started with `startServer` and not stopped yet. */
export async function stopAll(): Promise<void> {
  await Promise.all([...handles].map((handle) => handle.stop()));
}
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Children are ours alone; end exactly them, by pid, if the orchestrator stops early.
  const killAll = () => {
    for (const child of live) child.kill('SIGKILL');
  };
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}

/**
 * Node flags every child gets. The servers' own files go through tsx, but the packages under test
 * are loaded from their builds (`pnpm build`, which `pnpm bench` runs first), as users run them:
 * from source, tsx's transform would add its own cost to every function.
 */
const NODE_FLAGS = ['--import', 'tsx'];

/**
 * Starts `bench/<script>` in a child process (pinned with `taskset` when `placement.cpus` is set)
 * with `config` in its environment, and resolves once it reports the port it listens on.
 */
export async function startServer(
  name: string,
  script: string,
  config: object,
  placement: Placement = {},
  nodeFlags: string[] = [],
): Promise<ServerHandle> {
  installExitHook();
  const nodeArgs = [...nodeFlags, ...NODE_FLAGS, path.join(ROOT, 'bench', script)];
  const [command, args] =
    placement.cpus === undefined
      ? [process.execPath, nodeArgs]
      : ['taskset', ['-c', placement.cpus, process.execPath, ...nodeArgs]];
  const child = spawn(command, args, {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, NODE_ENV: 'production', BENCH_CONFIG: JSON.stringify(config) },
  });
  live.add(child);
  child.once('exit', () => live.delete(child));

  let nextId = 1;
  const pending = new Map<number, (message: unknown) => void>();
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 20 s`)), 20_000);
    child.on('message', (message: { type: string; id?: number; port?: number }) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve(message.port!);
      } else if (message.id !== undefined) {
        pending.get(message.id)?.(message);
        pending.delete(message.id);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with code ${code} before it was ready`));
    });
  });
  const ask = <T>(type: string, extra: object = {}): Promise<T> =>
    new Promise((resolve, reject) => {
      if (!child.connected) return reject(new Error(`${name} is gone`));
      const id = nextId++;
      pending.set(id, resolve as (message: unknown) => void);
      child.send({ type, id, ...extra });
    });
  const handle: ServerHandle = {
    name,
    port,
    pid: child.pid!,
    url: (pathname = '/') => `http://127.0.0.1:${port}${pathname}`,
    async stats() {
      const message = await ask<{ stats: ChildStats }>('stats');
      return message.stats;
    },
    async request<T>(type: string, params?: unknown) {
      const message = await ask<{ value?: T; error?: string }>(type, { params });
      if (message.error !== undefined) throw new Error(`${name}: ${type}: ${message.error}`);
      return message.value as T;
    },
    async profileStart() {
      await ask('profile-start');
    },
    async profileStop(file: string) {
      await ask('profile-stop', { file });
    },
    async stop() {
      handles.delete(handle);
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await Promise.race([ask('stop').catch(() => undefined), exited]);
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
  handles.add(handle);
  return handle;
}

/** Runs a script to completion in a child and resolves with its stdout. */
export function runScript(
  script: string,
  args: string[],
  nodeFlags: string[] = [],
  timeoutMs = 120_000,
): Promise<string> {
  installExitHook();
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...nodeFlags, ...NODE_FLAGS, path.join(ROOT, 'bench', script), ...args],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env } },
    );
    live.add(child);
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      live.delete(child);
      if (code === 0) resolve(out);
      else reject(new Error(`${script} ${args.join(' ')} failed: ${signal ?? `code ${code}`}`));
    });
  });
}
