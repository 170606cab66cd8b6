import type {} from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Address of a Redis server every test file may use (with its own key prefix). */
    redisUrl: string;
  }
}

const INSTALL_HINT =
  'No Redis server answers and `redis-server` is not installed. ' +
  'Install it (Debian/Ubuntu: `sudo apt-get install redis-server`, macOS: `brew install redis`) ' +
  'or point REDIS_URL at a running server.';

/** Sends PING and resolves true when a Redis server answers PONG within a second. */
function ping(url: URL): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: url.hostname, port: Number(url.port || 6379) });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (chunk) => done(chunk.toString().startsWith('+PONG')));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

let child: ChildProcess | undefined;

/** Finds a Redis server for the test run, starting a private one when none answers. */
export async function setup(project: TestProject): Promise<void> {
  const wanted = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  if (await ping(wanted)) {
    project.provide('redisUrl', wanted.toString());
    return;
  }
  const port = await freePort();
  child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  const failed = once(child, 'error').then(([err]) => {
    throw new Error(`${INSTALL_HINT} (${(err as Error).message})`);
  });
  const url = new URL(`redis://127.0.0.1:${port}`);
  const ready = (async () => {
    for (let i = 0; i < 100; i++) {
      if (await ping(url)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server was started on port ${port} but never answered PING`);
  })();
  await Promise.race([ready, failed]);
  project.provide('redisUrl', url.toString());
}

/** Stops the private Redis server, if this run started one. */
export function teardown(): void {
  child?.kill();
}
