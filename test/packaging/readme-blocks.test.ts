import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkFragments, readmeBlocks } from './readme-blocks.js';

let root: string | undefined;
afterEach(async () => {
  if (root) await rm(root, { recursive: true, force: true });
  root = undefined;
});

async function blocksOf(markdown: string) {
  root = await mkdtemp(path.join(tmpdir(), 'readme-blocks-'));
  await writeFile(path.join(root, 'README.md'), markdown);
  return readmeBlocks(root, 'README.md');
}

const PROGRAM = [
  '<!-- program: shop; webhook: /pact; send: menu; expect: Hungry? -->',
  '',
  '```ts',
  "import { Bot } from '@pactbot/core';",
  'const bot = new Bot({ token, companyId: 42 });',
  "bot.hears('menu', (ctx) => ctx.reply('Hungry?'));",
  '```',
].join('\n');

describe('the README convention', () => {
  it('reads programs, their names and what to try, and fragments with what they are of', async () => {
    const blocks = await blocksOf(
      `${PROGRAM}\n\n<!-- fragment of: shop -->\n\`\`\`ts\n// the menu\nbot.hears('menu', (ctx) => ctx.reply('Hungry?'));\n\`\`\`\n\n\`\`\`sh\nnpm start\n\`\`\`\n`,
    );
    expect(
      blocks.map(({ name, fragmentOf, webhook, chat, line }) => ({
        name,
        fragmentOf,
        webhook,
        chat,
        line,
      })),
    ).toEqual([
      {
        name: 'shop',
        fragmentOf: undefined,
        webhook: '/pact',
        chat: { send: 'menu', expect: 'Hungry?' },
        line: 3,
      },
      { name: 'readme-10', fragmentOf: ['shop'], webhook: undefined, chat: undefined, line: 10 },
    ]);
    expect(checkFragments(blocks, () => undefined)).toEqual([]);
  });

  it('names the line of a fragment that its program lacks', async () => {
    const blocks = await blocksOf(
      `${PROGRAM}\n\n<!-- fragment of: shop -->\n\`\`\`ts\nbot.hears('menu', (ctx) => ctx.reply('Starving?'));\n\`\`\`\n`,
    );
    expect(checkFragments(blocks, () => undefined)).toEqual([
      `README.md:10: the line "bot.hears('menu', (ctx) => ctx.reply('Starving?'));" is not in shop (after the fragment's earlier lines)`,
    ]);
  });

  it('holds a fragment to the order of its program, and takes repository files by path', async () => {
    const blocks = await blocksOf(
      '<!-- fragment of: src/app.ts -->\n```ts\nsecond();\nfirst();\n```\n',
    );
    expect(
      checkFragments(blocks, (file) =>
        file === 'src/app.ts' ? 'first();\nsecond();\n' : undefined,
      ),
    ).toEqual([
      'README.md:2: the line "first();" is not in src/app.ts (after the fragment\'s earlier lines)',
    ]);
    expect(checkFragments(blocks, () => undefined)).toEqual([
      'README.md:2: fragment of "src/app.ts", which is no README program and no file of the repository',
    ]);
  });

  it('refuses markers it does not know, and tries without a webhook', async () => {
    await expect(blocksOf('<!-- programme: x -->\n```ts\nx();\n```\n')).rejects.toThrow(
      'README.md:2: unknown marker key "programme"; known: program, fragment of, webhook, send, expect',
    );
    await expect(
      blocksOf('<!-- program: x; send: hi; expect: hello -->\n```ts\nx();\n```\n'),
    ).rejects.toThrow(
      'README.md:2: "send" needs "webhook", the path the program takes webhooks at',
    );
  });

  it('reads a block indented in a list', async () => {
    const [block] = await blocksOf('- a step:\n\n  ```ts\n  const a = 1;\n    nested();\n  ```\n');
    expect(block?.code).toBe('const a = 1;\n  nested();\n');
  });
});
