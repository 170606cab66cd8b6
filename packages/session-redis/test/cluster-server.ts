import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

const INSTALL_HINT =
  '`redis-server` is needed to start a Redis Cluster node for the cluster tests; install it ' +
  '(Debian/Ubuntu: `sudo apt-get install redis-server`, macOS: `brew install redis`).';

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

/** A one-node Redis Cluster on a free port, holding every slot: cluster rules (CROSSSLOT) apply for real. */
export async function startClusterNode(): Promise<{ port: number; stop: () => Promise<void> }> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'pactbot-cluster-'));
  const child: ChildProcess = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--cluster-enabled',
      'yes',
      '--cluster-announce-ip',
      '127.0.0.1',
      '--cluster-config-file',
      join(dir, 'nodes.conf'),
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
    ],
    { stdio: 'ignore' },
  );
  const failed = new Promise<never>((_, reject) =>
    child.once('error', (error) => reject(new Error(`${INSTALL_HINT} (${error.message})`))),
  );
  // Commands wait (and reconnection repeats) until the server accepts connections.
  const admin = new Redis({
    port,
    host: '127.0.0.1',
    retryStrategy: () => 50,
    maxRetriesPerRequest: null,
  });
  admin.on('error', () => undefined);
  const ready = (async () => {
    await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
    for (;;) {
      const info = String(await admin.call('CLUSTER', 'INFO'));
      if (info.includes('cluster_state:ok')) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  await Promise.race([ready, failed]);
  admin.disconnect();
  return {
    port,
    stop: async () => {
      child.kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
