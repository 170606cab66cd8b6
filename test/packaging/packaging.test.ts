/**
 * The packages as a user gets them: packed (`pnpm pack`), installed with plain npm into a fresh
 * project outside the workspace, type-checked there (strict; nodenext and bundler resolution) and
 * run — every TypeScript block of every README, against the sandbox — and the starter that
 * `npm create pactbot` writes, installed and tested the same way.
 *
 * The README convention is in ./readme-blocks.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PactClient } from '@pactbot/core';
import { Sandbox } from '@pactbot/sandbox';
import {
  buildPackages,
  cleanEnv,
  npmInstall,
  packPackages,
  publishedPackages,
  ROOT,
  run,
  writeJson,
} from './project.js';
import { checkFragments, readmeBlocks, type ReadmeBlock } from './readme-blocks.js';

const READMES = listReadmes();
const BLOCKS = READMES.flatMap((readme) => readmeBlocks(ROOT, readme));
const PROGRAMS = BLOCKS.filter((block) => !block.fragmentOf);
const SECRET = 'readme-webhook-secret';

/** Every README of the repository, tracked or new, outside node_modules. */
function listReadmes(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    // Synchronous on purpose: the list of programs is needed when the tests are collected.
    for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.'))
        continue;
      const relative = dir === '' ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(relative);
      else if (entry.name === 'README.md') found.push(relative);
    }
  };
  walk('');
  return found.sort();
}

/** A program's file name: its name, made safe. */
function fileOf(block: ReadmeBlock): string {
  return block.name.replace(/[^a-zA-Z0-9-]+/g, '-');
}

/** The third-party packages a user of the READMEs installs next to pactbot's. */
const THIRD_PARTY = {
  ioredis: '^6.0.0',
  ioredis5: 'npm:ioredis@^5.9.0',
  koa: '^3.0.0',
  '@koa/router': '^15.0.0',
  express: '^5.1.0',
  '@types/express': '^5.0.0',
  fastify: '^5.0.0',
  hono: '^4.0.0',
  '@hono/node-server': '^2.0.0',
  typescript: '~5.9.3',
  '@types/node': '^20.19.0',
};

const STRICT = {
  target: 'ES2022',
  lib: ['ES2023'],
  strict: true,
  noUncheckedIndexedAccess: true,
  verbatimModuleSyntax: true,
  isolatedModules: true,
  esModuleInterop: true,
  // What most projects do; the declarations alone are compiled without it (checks/declarations.ts).
  skipLibCheck: true,
  types: ['node'],
};

let scratch = '';
let app = '';
let tarballs = new Map<string, string>();
let compiled: { nodenext: string; bundler: string; declarations: string } | undefined;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), 'pactbot-packaging-'));
  await buildPackages();
  tarballs = await packPackages(path.join(scratch, 'packs'));

  app = path.join(scratch, 'app');
  await mkdir(path.join(app, 'snippets'), { recursive: true });
  await writeJson(path.join(app, 'package.json'), {
    name: 'readme-programs',
    private: true,
    type: 'module',
    dependencies: {
      ...Object.fromEntries([...tarballs].map(([name, file]) => [name, `file:${file}`])),
      ...THIRD_PARTY,
    },
  });
  await cp(path.join(ROOT, 'test/packaging/project'), app, { recursive: true });
  for (const block of PROGRAMS)
    await writeFile(path.join(app, 'snippets', `${fileOf(block)}.ts`), block.code);
  await writeJson(path.join(app, 'tsconfig.nodenext.json'), {
    compilerOptions: { ...STRICT, module: 'NodeNext', moduleResolution: 'NodeNext', outDir: 'out' },
    include: ['snippets', 'checks'],
    exclude: ['checks/declarations.ts'],
  });
  await writeJson(path.join(app, 'tsconfig.bundler.json'), {
    compilerOptions: { ...STRICT, module: 'Preserve', moduleResolution: 'Bundler', noEmit: true },
    include: ['snippets', 'checks'],
    exclude: ['checks/declarations.ts'],
  });
  await writeJson(path.join(app, 'tsconfig.declarations.json'), {
    compilerOptions: {
      ...STRICT,
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      skipLibCheck: false,
      noEmit: true,
    },
    files: ['checks/declarations.ts'],
  });
  await writeFile(path.join(app, 'invoice.pdf'), '%PDF-1.4\n% an invoice for the README\n');
  await npmInstall(app);

  const tsc = async (config: string) => {
    try {
      await run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', config], { cwd: app });
      return '';
    } catch (error) {
      return (error as Error).message;
    }
  };
  const [nodenext, bundler, declarations] = await Promise.all([
    tsc('tsconfig.nodenext.json'),
    tsc('tsconfig.bundler.json'),
    tsc('tsconfig.declarations.json'),
  ]);
  compiled = { nodenext, bundler, declarations };
}, 600_000);

afterAll(async () => {
  if (scratch && !process.env.KEEP_PACKAGING_DIR)
    await rm(scratch, { recursive: true, force: true });
});

describe('the READMEs', () => {
  it('hold only programs, and fragments whose lines are all in the programs they name', () => {
    expect(READMES).toContain('README.md');
    expect(PROGRAMS.length).toBeGreaterThan(5);
    const problems = checkFragments(BLOCKS, (file) => {
      const full = path.join(ROOT, file);
      return existsSync(full) ? readFileSync(full, 'utf8') : undefined;
    });
    expect(problems).toEqual([]);
  });
});

describe('the packed packages, installed with npm outside the workspace', () => {
  it('each hold a LICENSE, a README that links nothing outside the package, and where they come from', async () => {
    for (const pkg of publishedPackages()) {
      const dir = path.join(app, 'node_modules', pkg.name);
      expect(readFileSync(path.join(dir, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
      const readme = readFileSync(path.join(dir, 'README.md'), 'utf8');
      // On npm a README stands alone: a relative link leads nowhere.
      expect(
        readme.match(/\]\((?!https?:|#|mailto:)[^)]*\)/g) ?? [],
        `${pkg.name}'s README`,
      ).toEqual([]);
      const manifest = JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      expect(manifest, pkg.name).toMatchObject({
        license: 'MIT',
        repository: { type: 'git', directory: pkg.dir },
        homepage: expect.stringMatching(/^https:\/\//) as string,
        bugs: { url: expect.stringMatching(/^https:\/\//) as string },
        keywords: expect.arrayContaining(['pact']) as string[],
      });
      expect(JSON.stringify(manifest), pkg.name).not.toContain('workspace:');
    }
  });

  it('have source maps and declaration maps whose sources are in the package', async () => {
    let maps = 0;
    for (const pkg of publishedPackages()) {
      const dir = path.join(app, 'node_modules', pkg.name);
      for (const file of await readdir(path.join(dir, 'dist'), { recursive: true })) {
        if (!file.endsWith('.map')) continue;
        maps++;
        const map = JSON.parse(await readFile(path.join(dir, 'dist', file), 'utf8')) as {
          sources: string[];
        };
        for (const source of map.sources) {
          const resolved = path.resolve(path.dirname(path.join(dir, 'dist', file)), source);
          expect(existsSync(resolved), `${pkg.name}/dist/${file} → ${source}`).toBe(true);
        }
      }
    }
    expect(maps).toBeGreaterThan(100);
  });

  it('bring the types their users need: @types/koa with the Koa adapter, ioredis from the app alone', () => {
    expect(existsSync(path.join(app, 'node_modules/@types/koa/package.json'))).toBe(true);
    // One ioredis, the app's: session-redis brings none of its own.
    expect(
      existsSync(path.join(app, 'node_modules/@pactbot/session-redis/node_modules/ioredis')),
    ).toBe(false);
  });

  it('type-check every README program and the type checks, strict, with nodenext resolution', () => {
    expect(compiled?.nodenext).toBe('');
  });

  it('type-check the same with bundler resolution', () => {
    expect(compiled?.bundler).toBe('');
  });

  it('have declarations that compile with skipLibCheck off', () => {
    expect(compiled?.declarations).toBe('');
  });
});

/** The first event of several, or a failure after `ms`. */
function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Whether a program serves until it is stopped: it listens, or starts a sandbox of its own. */
function keepsRunning(code: string): boolean {
  return /\.listen\(|\bserve\(|Sandbox\.start\(/.test(code);
}

/** Runs one README program against its own sandbox, as ./readme-blocks.ts describes. */
async function runProgram(block: ReadmeBlock): Promise<void> {
  const sandbox = await Sandbox.start({ companyId: 42 });
  let child: ChildProcess | undefined;
  let output = '';
  try {
    child = spawn(process.execPath, ['runner.mjs', `out/snippets/${fileOf(block)}.js`], {
      cwd: app,
      env: cleanEnv({
        PACT_TOKEN: sandbox.token,
        PACT_COMPANY_ID: String(sandbox.companyId),
        PACT_API_URL: sandbox.apiUrl,
        WEBHOOK_SECRET: SECRET,
        REDIS_URL: inject('redisUrl'),
        PORT: '0',
      }),
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const ports: number[] = [];
    let portHeard: () => void = () => undefined;
    const ran = new Promise<'ran'>((resolve) => {
      child!.on('message', (message: { ran?: true; listening?: number }) => {
        if (message.ran) resolve('ran');
        if (message.listening !== undefined) {
          ports.push(message.listening);
          portHeard();
        }
      });
    });
    const exited = new Promise<Exit>((resolve) =>
      child!.once('exit', (code, signal) => resolve({ code, signal })),
    );
    const first = await within(
      30_000,
      `${block.where} running its top level`,
      Promise.race([ran, exited]),
    );
    if (first !== 'ran')
      throw new Error(`exited with ${first.code ?? first.signal} before its top level finished`);

    const serves = block.webhook !== undefined || keepsRunning(block.code);
    if (block.webhook !== undefined) {
      if (ports.length === 0)
        await within(10_000, 'listening', new Promise<void>((resolve) => (portHeard = resolve)));
      expect(ports, 'a program taking webhooks opens one server').toHaveLength(1);
      const pact = new PactClient({
        token: sandbox.token,
        companyId: sandbox.companyId,
        apiUrl: sandbox.apiUrl,
      });
      await pact.companies.update({
        webhook_url: `http://127.0.0.1:${ports[0]}${block.webhook}?secret=${SECRET}`,
      });
      await pact.close();
      if (block.chat) {
        const customer = sandbox.newCustomer();
        const outcome = await customer.write(block.chat.send);
        expect(outcome.delivered, `webhooks of "${block.chat.send}" answered 200`).toBe(true);
        const replies = customer
          .messages()
          .filter((m) => m.from === 'bot')
          .map((m) => m.text);
        expect(replies.join('\n')).toContain(block.chat.expect);
      }
    }
    if (serves) {
      child.kill('SIGTERM');
      const exit = await within(10_000, 'stopping on SIGTERM', exited);
      expect(exit.code === 0 || exit.signal === 'SIGTERM', `exit ${exit.code ?? exit.signal}`).toBe(
        true,
      );
    } else {
      const exit = await within(30_000, 'ending by itself', exited);
      expect(exit.code, 'exit code').toBe(0);
    }
  } catch (error) {
    throw new Error(
      `${block.where} (${block.name}): ${(error as Error).message}\n--- its output:\n${output}`,
      {
        cause: error,
      },
    );
  } finally {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await sandbox.close();
  }
}

describe('every README program, run against the sandbox from the installed packages', () => {
  it.concurrent.each(PROGRAMS.map((block) => [`${block.where} (${block.name})`, block] as const))(
    '%s',
    async (_name, block) => {
      // tsc writes the JavaScript even where it found type errors; those fail the type-check test.
      expect(existsSync(path.join(app, 'out/snippets', `${fileOf(block)}.js`))).toBe(true);
      await runProgram(block);
    },
    90_000,
  );
});

/** The version of a workspace package, as packed. */
function tarballVersion(name: string): string {
  return publishedPackages().find((pkg) => pkg.name === name)!.version;
}

describe('npm create pactbot, from the packed create-pactbot', () => {
  let project = '';

  beforeAll(async () => {
    // What `npm create pactbot my-bot` runs: the package's bin.
    const { stdout } = await run(path.join(app, 'node_modules/.bin/create-pactbot'), ['my-bot'], {
      cwd: scratch,
      env: cleanEnv(),
    });
    expect(stdout).toContain('npm start');
    project = path.join(scratch, 'my-bot');
    // The project asks the registry for this release; the packed tarballs stand in for it, each in
    // the section the starter put it in (core a dependency, the sandbox a dev dependency).
    const file = path.join(project, 'package.json');
    const manifest = JSON.parse(await readFile(file, 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    expect(manifest.dependencies['@pactbot/core']).toBe(`^${tarballVersion('@pactbot/core')}`);
    expect(manifest.devDependencies['@pactbot/sandbox']).toBe(
      `^${tarballVersion('@pactbot/sandbox')}`,
    );
    manifest.dependencies['@pactbot/core'] = `file:${tarballs.get('@pactbot/core')!}`;
    manifest.devDependencies['@pactbot/sandbox'] = `file:${tarballs.get('@pactbot/sandbox')!}`;
    await writeJson(file, manifest);
    await npmInstall(project);
  }, 300_000);

  it('writes a project whose npm test type-checks and passes its tests on the sandbox', async () => {
    const manifest = JSON.parse(await readFile(path.join(project, 'package.json'), 'utf8')) as {
      type: string;
    };
    expect(manifest.type).toBe('module');
    const { stdout } = await run('npm', ['test'], {
      cwd: project,
      env: cleanEnv(),
      timeoutMs: 120_000,
    });
    expect(stdout).toMatch(/# pass 2\b/);
    expect(stdout).toMatch(/# fail 0\b/);
  }, 150_000);

  it("has npm start run the bot on the sandbox and print its chat page's address", async () => {
    const child = spawn('npm', ['start'], {
      cwd: project,
      env: cleanEnv({ PORT: '0' }),
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: npm, its shell and the bot are stopped together.
      detached: true,
    });
    const exited = new Promise<Exit>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    let output = '';
    try {
      const chatUrl = await within(
        60_000,
        'npm start printing the chat page',
        new Promise<string>((resolve, reject) => {
          child.stdout.on('data', (chunk: Buffer) => {
            output += chunk.toString();
            const found = /Chat with your bot: (http:\/\/\S+)/.exec(output);
            if (found) resolve(found[1]!);
          });
          child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
          void exited.then(() => reject(new Error(`npm start ended:\n${output}`)));
        }),
      );
      const page = await fetch(chatUrl);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      process.kill(-child.pid!, 'SIGTERM');
      await within(10_000, 'npm start stopping on SIGTERM', exited);
    } finally {
      if (child.exitCode === null && child.signalCode === null)
        process.kill(-child.pid!, 'SIGKILL');
    }
  }, 90_000);
});
