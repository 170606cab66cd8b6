import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Options of {@link createProject}. */
export interface CreateProjectOptions {
  /** Where the project goes: a new or empty directory. */
  directory: string;
  /** The package name. Default: made from the directory's name. */
  name?: string | undefined;
}

/** What {@link createProject} made. */
export interface CreatedProject {
  /** The project's directory, absolute. */
  directory: string;
  /** Its package name. */
  name: string;
  /** The files written, relative to the directory, in the order they were written. */
  files: string[];
}

/** The scaffold's files, shipped next to `dist/` in this package. */
const TEMPLATE = fileURLToPath(new URL('../template/', import.meta.url));

/** This package's version: the pactbot packages of a new project are of the same release. */
function ownVersion(): string {
  const manifest = JSON.parse(
    readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
  ) as { version: string };
  return manifest.version;
}

/** A valid npm package name made from a directory name: `My Bot` → `my-bot`. */
export function packageNameOf(directory: string): string {
  const base = path.basename(path.resolve(directory));
  const name = base
    .toLowerCase()
    .replace(/[^a-z0-9._~-]+/g, '-')
    .replace(/^[._-]+|[-]+$/g, '');
  return name === '' ? 'pactbot-app' : name;
}

function checkName(name: string): void {
  if (!/^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/.test(name) || name.length > 214)
    throw new Error(
      `${JSON.stringify(name)} is not a valid npm package name: use lowercase letters, digits, "-", "." or "_"`,
    );
}

/** The new project's package.json: ESM, its scripts, and the pactbot packages of this release. */
function manifest(name: string, version: string): string {
  const range = `^${version}`;
  const json = {
    name,
    version: '0.1.0',
    private: true,
    type: 'module',
    engines: { node: '>=20.18.1' },
    scripts: {
      start: 'tsx src/main.ts',
      test: 'tsc -p tsconfig.json && node --import tsx --test test/bot.test.ts',
      build: 'tsc -p tsconfig.build.json',
    },
    dependencies: { '@pactbot/core': range },
    devDependencies: {
      '@pactbot/sandbox': range,
      '@types/node': '^20.19.0',
      tsx: '^4.20.0',
      typescript: '~5.9.3',
    },
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}

async function templateFiles(dir: string, prefix = ''): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const relative = path.join(prefix, entry.name);
    if (entry.isDirectory())
      files.push(...(await templateFiles(path.join(dir, entry.name), relative)));
    else files.push(relative);
  }
  return files.sort();
}

/**
 * Writes a new bot project into `directory`: an ESM package.json with `npm start` (the bot on the
 * sandbox, printing its chat page's address) and `npm test` (type-check, then its test on the
 * sandbox harness), a strict tsconfig, the bot in `src/bot.ts` and its test. Refuses a directory
 * that exists and is not empty, so nothing of the user's is overwritten.
 */
export async function createProject(options: CreateProjectOptions): Promise<CreatedProject> {
  const directory = path.resolve(options.directory);
  const name = options.name ?? packageNameOf(directory);
  checkName(name);
  if (existsSync(directory) && (await readdir(directory)).length > 0)
    throw new Error(
      `${options.directory} exists and is not empty; pick a new directory for the project`,
    );
  await mkdir(directory, { recursive: true });
  const written: string[] = [];
  await writeFile(path.join(directory, 'package.json'), manifest(name, ownVersion()));
  written.push('package.json');
  for (const file of await templateFiles(TEMPLATE)) {
    // npm leaves .gitignore files out of packages, so the template carries it under another name.
    const target = file === '_gitignore' ? '.gitignore' : file;
    const text = (await readFile(path.join(TEMPLATE, file), 'utf8')).replaceAll('{{name}}', name);
    await mkdir(path.dirname(path.join(directory, target)), { recursive: true });
    await writeFile(path.join(directory, target), text);
    written.push(target);
  }
  return { directory, name, files: written };
}
