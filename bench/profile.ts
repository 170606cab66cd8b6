/**
 * Profiles a server under the benchmark's load and says where its CPU goes:
 *   node --import tsx bench/profile.ts [intake|echo|steady|bare|minimal|koa|koa-bare|koa-parsed|redis]
 *     [seconds] [connections]
 *   node --import tsx bench/profile.ts dialog [from-step] [conversations]
 * `dialog` profiles the dialogs case's pactbot dialog (servers/dialog-pactbot.ts): conversations
 * are led to `from-step` (default 40) unprofiled, then profiled through ten more steps.
 * The server runs the built packages, as in the suite (`pnpm build` first; their frames show as
 * packages/<name>/dist/…). Its V8 profiler runs only while it is under load, after a warm-up (the
 * profile is kept in bench/results/profiles/). Each sample is charged to the innermost frame of
 * pactbot's own code on its stack, with whatever node or undici code it called; samples with no
 * pactbot frame are charged to what they were doing (node's http parser, undici's response
 * parsing, GC, …). Connections default to 64, the suite's headline concurrency.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { bodyMaker, messageBody } from './lib/bodies.js';
import { startServer, stopAll } from './lib/child.js';
import { load } from './lib/load.js';
import { RESULTS_DIR } from './lib/report.js';
import { TurnDriver } from './lib/turns.js';
import { START } from './servers/dialog-texts.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [what = 'echo', seconds = '5', connectionsArg = '64'] = process.argv.slice(2);
const connections = Number(connectionsArg);
const dir = path.join(RESULTS_DIR, 'profiles', `${what}-${Date.now()}`);
mkdirSync(dir, { recursive: true });

/** The repository path of pactbot's (or the benchmark's) own code; '' for anything else. */
function where(url: string): string {
  if (url.includes('node_modules')) return '';
  const at = Math.max(url.indexOf('/packages/'), url.indexOf('/bench/'));
  return at < 0 ? '' : url.slice(at + 1);
}

/** What a sample with no pactbot frame on its stack was doing. */
function category(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (!url) return `(${functionName || 'native'})`;
  if (url.includes('undici')) return 'undici, no pactbot frame (reading responses)';
  if (url.includes('p-queue')) return 'p-queue';
  if (url.includes('eventemitter3')) return 'eventemitter3';
  if (url.includes('/tsx/')) return 'tsx';
  if (url.startsWith('node:')) return 'node core, no pactbot frame (http parser, streams, net)';
  return url.replace(/.*node_modules\/(\.pnpm\/)?/, '');
}

function analyze(file: string, webhooks: number): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const charged = new Map<string, number>();
  const selfTime = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    const leaf = byId.get(id)!;
    if (leaf.callFrame.functionName === '(idle)') return;
    busy += dt;
    let owner: string | undefined;
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!.callFrame;
      const local = where(frame.url);
      if (local) {
        owner = `${local.replace(/^.*?(packages|bench)\//, '$1/')} ${frame.functionName || '(anonymous)'}`;
        break;
      }
    }
    // Stopping the profiler serializes the profile on the main thread: not the server's work.
    const key = owner?.startsWith('bench/lib/child-kit.ts')
      ? 'profiler (stopping)'
      : (owner ?? category(leaf.callFrame));
    charged.set(key, (charged.get(key) ?? 0) + dt);
    const self = `${leaf.callFrame.functionName || '(anonymous)'} ${where(leaf.callFrame.url) || leaf.callFrame.url.replace(/.*node_modules\/(\.pnpm\/)?/, '')}`;
    selfTime.set(self, (selfTime.get(self) ?? 0) + dt);
  });
  // timeDeltas are in µs: time per webhook is the share of busy time spread over the webhooks.
  const show = (map: Map<string, number>, count: number) => {
    for (const [key, time] of [...map].sort((a, b) => b[1] - a[1]).slice(0, count))
      console.log(
        `  ${((time / busy) * 100).toFixed(1).padStart(5)}%  ${(time / webhooks).toFixed(1).padStart(6)} µs  ${key}`,
      );
  };
  console.log(
    `\nbusy ${(busy / 1e6).toFixed(2)} s for ${webhooks} webhooks: ${(busy / webhooks).toFixed(1)} µs of CPU per webhook (with the profiler's own cost)`,
  );
  const byFile = new Map<string, number>();
  for (const [key, time] of charged) {
    const file = key.startsWith('packages/') || key.startsWith('bench/') ? key.split(' ')[0]! : key;
    byFile.set(file, (byFile.get(file) ?? 0) + time);
  }
  console.log(`\nbusy time by file of the innermost pactbot (or bench) frame on the stack:`);
  show(byFile, 30);
  console.log(`\nbusy time charged to the innermost pactbot (or bench) function on the stack:`);
  show(charged, 30);
  console.log(`\nself time (leaf functions):`);
  show(selfTime, 25);
}

/** Profiles ten steps of pactbot's dialog, from `fromStep` on, in `conversations` conversations. */
async function profileDialog(fromStep: number, conversations: number): Promise<void> {
  const pact = await startServer('pact stand-in', 'servers/pact-standin.ts', {}, { cpus: '1' });
  const server = await startServer(
    'profiled',
    'servers/dialog-pactbot.ts',
    { apiUrl: pact.url(''), questions: fromStep + 20 },
    { cpus: '0' },
  );
  const driver = new TurnDriver(server.url('/pact'), 16);
  const ids = Array.from({ length: conversations }, (_, i) => 9_000_000 + i);
  const step = async (k: number) => {
    const posted = await driver.post(
      ids.map((id) => messageBody('pact', id, k === 0 ? START : `answer ${k} of ${id}`)),
    );
    if (posted.failed) throw new Error(`webhooks failed: ${posted.reasons.join('; ')}`);
  };
  for (let k = 0; k < fromStep; k++) await step(k);
  await server.profileStart();
  const before = await server.stats();
  for (let k = fromStep; k < fromStep + 10; k++) await step(k);
  const after = await server.stats();
  const file = path.join(dir, `${what}.cpuprofile`);
  await server.profileStop(file);
  await driver.close();
  await stopAll();
  const turns = conversations * 10;
  console.log(
    `dialog, steps ${fromStep}–${fromStep + 9}: ${turns} turns, server CPU ${Math.round((after.cpuUs - before.cpuUs) / turns)} µs per turn (profiling slows it down)`,
  );
  console.log(`profile: ${path.relative(process.cwd(), file)} (open it in Chrome DevTools)`);
  analyze(file, turns);
}

async function main(): Promise<void> {
  if (what === 'dialog')
    return profileDialog(Number(process.argv[3] ?? 40), Number(process.argv[4] ?? 100));
  // Node flags for the profiled server, such as `--trace-gc`: PROFILE_NODE_FLAGS='--trace-gc …'.
  const flags = (process.env['PROFILE_NODE_FLAGS'] ?? '').split(' ').filter(Boolean);
  let body = bodyMaker('pact', 1000);
  let server;
  if (what === 'bare') {
    server = await startServer('profiled', 'servers/bare-http.ts', {}, { cpus: '0' }, flags);
  } else if (what === 'koa' || what === 'koa-bare' || what === 'koa-parsed') {
    const variant = { koa: 'adapter', 'koa-bare': 'bare', 'koa-parsed': 'adapter+bodyparser' }[
      what
    ];
    server = await startServer('profiled', 'servers/koa.ts', { variant }, { cpus: '0' }, flags);
  } else if (what === 'intake' || what === 'steady') {
    server = await startServer(
      'profiled',
      'servers/pactbot.ts',
      { mode: 'intake', prefillClaims: what === 'steady' ? 200_000 : 0 },
      { cpus: '0' },
      flags,
    );
  } else {
    const pact = await startServer('pact stand-in', 'servers/pact-standin.ts', {}, { cpus: '1' });
    // `redis`: the echo with a session counter, state and sessions in Redis (REDIS_URL).
    const onRedis =
      what === 'redis'
        ? {
            state: 'redis',
            session: 'redis',
            redisUrl: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
            prefix: `bench-profile-${Date.now()}`,
          }
        : {};
    server = await startServer(
      'profiled',
      what === 'minimal' ? 'servers/minimal-bot.ts' : 'servers/pactbot.ts',
      { mode: 'echo', apiUrl: pact.url(''), protocol: 'pact', ...onRedis },
      { cpus: '0' },
      flags,
    );
    body = bodyMaker('pact', 1000);
  }
  const url = server.url('/pact');
  await load({ url, connections, durationS: 2, body });
  await server.profileStart();
  const result = await load({
    url,
    connections,
    durationS: Number(seconds),
    body,
    watch: [server],
  });
  console.log(
    `${what}: ${result.rps} webhooks/s, p99 ${result.p99} ms, server CPU ${result.cpu['profiled']} (profiling slows it down)`,
  );
  const file = path.join(dir, `${what}.cpuprofile`);
  await server.profileStop(file);
  await stopAll();
  console.log(`profile: ${path.relative(process.cwd(), file)} (open it in Chrome DevTools)`);
  analyze(file, result.ok);
}

await main();
