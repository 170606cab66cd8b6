/**
 * Helpers of the packaging test: build and pack the workspace's packages, and make a fresh npm
 * project outside the workspace that installs the tarballs as a user would.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** The repository's root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A published package of the workspace. */
export interface WorkspacePackage {
  name: string;
  version: string;
  /** Its directory, relative to the root. */
  dir: string;
}

/** The workspace's packages that are published (not private). */
export function publishedPackages(): WorkspacePackage[] {
  return readdirSync(path.join(ROOT, 'packages'))
    .map((dir) => path.join('packages', dir))
    .map((dir) => ({
      dir,
      manifest: JSON.parse(readFileSync(path.join(ROOT, dir, 'package.json'), 'utf8')) as {
        name: string;
        version: string;
        private?: boolean;
      },
    }))
    .filter(({ manifest }) => manifest.private !== true)
    .map(({ dir, manifest }) => ({ name: manifest.name, version: manifest.version, dir }));
}

/** Runs a command; on failure, the error's message carries its output. */
export async function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<{ stdout: string; stderr: string }> {
  try {
    return await exec(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      timeout: options.timeoutMs ?? 120_000,
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(
      `${command} ${args.join(' ')} failed in ${options.cwd}:\n${stdout ?? ''}\n${stderr ?? ''}`,
      { cause: error },
    );
  }
}

/** The environment for npm and pnpm run from a test: none of the settings npm passed down to us. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env))
    if (!/^npm_/i.test(key) && key !== 'NODE_OPTIONS' && !key.startsWith('VITEST'))
      env[key] = value;
  return { ...env, ...extra };
}

/** Builds every package (`tsc -b`), so the tarballs hold the current code. */
export async function buildPackages(): Promise<void> {
  await run(
    process.execPath,
    [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', 'tsconfig.build.json'],
    {
      cwd: ROOT,
      timeoutMs: 300_000,
    },
  );
}

async function pnpm(args: string[], cwd: string): Promise<void> {
  try {
    await run('pnpm', args, { cwd, env: cleanEnv() });
  } catch (error) {
    // A machine with only node and npm (as scripts/bootstrap.sh allows): pnpm through npx.
    if ((error as { cause?: { code?: unknown } }).cause?.code !== 'ENOENT') throw error;
    await run('npx', ['--yes', 'pnpm@10', ...args], { cwd, env: cleanEnv() });
  }
}

/**
 * Packs every published package with `pnpm pack` (which turns `workspace:` ranges into versions)
 * into `destination`; resolves with the tarballs by package name.
 */
export async function packPackages(destination: string): Promise<Map<string, string>> {
  await mkdir(destination, { recursive: true });
  const packages = publishedPackages();
  await Promise.all(
    packages.map((pkg) =>
      pnpm(['pack', '--pack-destination', destination], path.join(ROOT, pkg.dir)),
    ),
  );
  const files = await readdir(destination);
  const tarballs = new Map<string, string>();
  for (const pkg of packages) {
    const file = `${pkg.name.replace(/^@/, '').replace('/', '-')}-${pkg.version}.tgz`;
    if (!files.includes(file)) throw new Error(`pnpm pack left no ${file} in ${destination}`);
    tarballs.set(pkg.name, path.join(destination, file));
  }
  return tarballs;
}

/** Writes a JSON file, formatted. */
export function writeJson(file: string, value: unknown): Promise<void> {
  return writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** Installs a project's dependencies with plain npm, as a user outside the workspace would. */
export async function npmInstall(cwd: string, args: string[] = []): Promise<void> {
  await run(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...args],
    { cwd, env: cleanEnv(), timeoutMs: 300_000 },
  );
}
