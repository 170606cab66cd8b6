import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import * as root from '@pactbot/core';
import * as internal from '@pactbot/core/internal';

/** The backticked names listed under a heading of the core README's "What it exports". */
async function listed(heading: string): Promise<string[]> {
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf(`### ${heading}`);
  expect(start, `the README has a "### ${heading}" section`).toBeGreaterThan(0);
  const end = readme.indexOf('\n### ', start + 4);
  const section = readme.slice(start + heading.length + 4, end < 0 ? undefined : end);
  const names = [...section.matchAll(/`([A-Za-z_][A-Za-z0-9_]*)`/g)].map((m) => m[1]!);
  return [...new Set(names)].sort();
}

describe('what @pactbot/core exports', () => {
  it('exports exactly the values its README lists at the root', async () => {
    expect(Object.keys(root).sort()).toEqual(await listed('`@pactbot/core`'));
  });

  it('exports exactly the values its README lists under internal', async () => {
    expect(Object.keys(internal).sort()).toEqual(await listed('`@pactbot/core/internal`'));
  });
});
