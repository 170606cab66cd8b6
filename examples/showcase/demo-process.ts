import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const running: ChildProcess[] = [];

/** The demo as a test runs it: its output so far, and ways to wait on it and stop it. */
export interface DemoProcess {
  readonly stdout: string;
  readonly stderr: string;
  /** Settles with the exit code once the demo exited. */
  readonly exited: Promise<number | null>;
  /** Resolves with the first match of `pattern` in the output, as soon as it is printed; rejects when the demo exits without printing it. */
  printed(pattern: RegExp): Promise<RegExpExecArray>;
  /** Asks the demo to stop (SIGTERM); resolves with its exit code. */
  stop(): Promise<number | null>;
}

/**
 * Runs the demo as `npm start` does (after the install), with `env` over an environment without
 * the demo's own settings (Pact's, Redis's, the webhook's, the port and host).
 */
export function startDemo(env: Record<string, string>): DemoProcess {
  const base = { ...process.env };
  for (const name of Object.keys(base)) {
    if (/^(PACT_|PUBLIC_WEBHOOK_URL$|WEBHOOK_SECRET$|REDIS_|PORT$|HOST$)/.test(name)) {
      delete base[name];
    }
  }
  const child = spawn(
    process.execPath,
    ['--conditions=pactbot-source', '--import', 'tsx', 'examples/showcase/main.ts'],
    { cwd: root, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.push(child);
  let stdout = '';
  let stderr = '';
  const waiters: Array<() => void> = [];
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const waiter of waiters.splice(0)) waiter();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return {
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    exited,
    async printed(pattern) {
      for (;;) {
        const match = pattern.exec(stdout);
        if (match) return match;
        const more = new Promise<void>((resolve) => waiters.push(resolve));
        const ended = await Promise.race([more.then(() => false), exited.then(() => true)]);
        if (ended && !pattern.test(stdout)) {
          throw new Error(
            `the demo exited without printing ${String(pattern)}:\n${stdout}\n${stderr}`,
          );
        }
      }
    },
    stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Kills the demos a test left running (for `afterEach`). */
export async function killDemos(): Promise<void> {
  for (const child of running.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  }
}

/** A port nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}
