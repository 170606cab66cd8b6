import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createProject, packageNameOf } from 'create-pactbot';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
/** tsx's loader by its full path: the command runs in a scratch directory that has no node_modules. */
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const { version } = JSON.parse(
  await readFile(new URL('../package.json', import.meta.url), 'utf8'),
) as { version: string };

let scratch: string | undefined;
afterEach(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
  scratch = undefined;
});

async function tempDir(): Promise<string> {
  scratch = await mkdtemp(path.join(tmpdir(), 'create-pactbot-'));
  return scratch;
}

describe('createProject', () => {
  it('writes an ESM project with npm start and npm test, a strict tsconfig, the bot and its test', async () => {
    const root = await tempDir();
    const project = await createProject({ directory: path.join(root, 'Pizza Bot') });
    expect(project.name).toBe('pizza-bot');
    expect([...project.files].sort()).toEqual([
      '.gitignore',
      'README.md',
      'package.json',
      'src/bot.ts',
      'src/main.ts',
      'test/bot.test.ts',
      'tsconfig.build.json',
      'tsconfig.json',
    ]);
    const manifest = JSON.parse(
      await readFile(path.join(project.directory, 'package.json'), 'utf8'),
    ) as Record<string, unknown>;
    expect(manifest).toMatchObject({
      name: 'pizza-bot',
      private: true,
      type: 'module',
      scripts: {
        start: 'tsx src/main.ts',
        test: expect.stringContaining('--test test/bot.test.ts') as string,
      },
      dependencies: { '@pactbot/core': `^${version}` },
      devDependencies: { '@pactbot/sandbox': `^${version}` },
    });
    const tsconfig = JSON.parse(
      await readFile(path.join(project.directory, 'tsconfig.json'), 'utf8'),
    ) as {
      compilerOptions: Record<string, unknown>;
    };
    expect(tsconfig.compilerOptions).toMatchObject({ strict: true, module: 'NodeNext' });
    expect(await readFile(path.join(project.directory, '.gitignore'), 'utf8')).toContain(
      'node_modules/',
    );
    expect(await readFile(path.join(project.directory, 'README.md'), 'utf8')).toMatch(
      /^# pizza-bot\n/,
    );
  });

  it('refuses a directory that has files in it, and leaves them alone', async () => {
    const root = await tempDir();
    await writeFile(path.join(root, 'notes.txt'), 'mine');
    await expect(createProject({ directory: root })).rejects.toThrow(
      `${root} exists and is not empty; pick a new directory for the project`,
    );
    expect(await readFile(path.join(root, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('refuses a package name npm would refuse', async () => {
    const root = await tempDir();
    await expect(
      createProject({ directory: path.join(root, 'x'), name: 'Big Bot' }),
    ).rejects.toThrow(
      '"Big Bot" is not a valid npm package name: use lowercase letters, digits, "-", "." or "_"',
    );
  });

  it('makes a package name of any directory name', () => {
    expect(packageNameOf('/home/ann/My Shop Bot!')).toBe('my-shop-bot');
    expect(packageNameOf('/tmp/.hidden')).toBe('hidden');
    expect(packageNameOf('/tmp/ботик')).toBe('pactbot-app');
  });
});

describe('the create-pactbot command', () => {
  it('writes the project and prints what to run next', async () => {
    const root = await tempDir();
    const { stdout } = await run(process.execPath, ['--import', TSX, CLI, 'shop-bot'], {
      cwd: root,
    });
    expect(stdout).toContain('Created shop-bot in shop-bot. Next:');
    expect(stdout).toContain('npm start');
    expect(
      JSON.parse(await readFile(path.join(root, 'shop-bot', 'package.json'), 'utf8')),
    ).toMatchObject({
      name: 'shop-bot',
    });
  });

  it('says what was wrong and exits non-zero', async () => {
    const root = await tempDir();
    await expect(
      run(process.execPath, ['--import', TSX, CLI, '--yes'], { cwd: root }),
    ).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('create-pactbot: unknown option --yes') as string,
    });
  });
});
