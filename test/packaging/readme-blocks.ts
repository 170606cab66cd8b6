/**
 * The TypeScript blocks of the READMEs, and the convention that marks them.
 *
 * Every ```ts block of every README is one of:
 * - a **program** (the default): complete, with its imports. It is type-checked and run against the
 *   packed packages. `<!-- program: NAME -->` on the line before it names it;
 * - a **fragment**, marked `<!-- fragment of: NAME -->` (or `NAME, NAME…`): an excerpt. Its lines,
 *   leaving out blank and comment-only ones, must appear in that order in the programs it names (in
 *   the order named) — README programs by name, or files of the repository by path
 *   (`examples/koa-embed/app.ts`), which the workspace's own tests compile and run.
 *
 * A program may say more in its marker, `;`-separated:
 * - `webhook: /pact` — it serves Pact's webhooks at that path: once it runs, the sandbox's
 *   webhook_url is pointed at it (with `?secret=` and WEBHOOK_SECRET);
 * - `send: TEXT` and `expect: TEXT` — then a customer writes TEXT and a reply of the bot must
 *   contain the expected text.
 *
 * Programs read what they need of the environment the way a user's program would: PACT_TOKEN,
 * PACT_COMPANY_ID, PACT_API_URL, WEBHOOK_SECRET, REDIS_URL. Each runs against a sandbox of its
 * own (company 42, the README's). A program that serves until stopped — it calls `.listen(`,
 * `serve(` or `Sandbox.start(` — is stopped with SIGTERM once its top level has run (and its
 * webhook was tried); any other must end by itself with exit code 0. Every server a program opens
 * is given a free port, whatever port it asks for.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** One ```ts block and what its marker says of it. */
export interface ReadmeBlock {
  /** The README, relative to the repository. */
  readme: string;
  /** The line of its opening fence, counting from 1. */
  line: number;
  /** Where it is, for messages: `README.md:42`. */
  where: string;
  /** The code, without the fence's indentation. */
  code: string;
  /** Its name: from `program:`, else made from where it is. */
  name: string;
  /** What it is a fragment of, when it is one. */
  fragmentOf?: string[];
  /** The path it takes webhooks at, for a program that listens for them. */
  webhook?: string;
  /** A customer's message, and what the bot's reply must contain. */
  chat?: { send: string; expect: string };
}

const FENCE = /^(\s*)```(\S*)\s*$/;
const MARKER = /^\s*<!--(.*)-->\s*$/;
const KEYS = new Set(['program', 'fragment of', 'webhook', 'send', 'expect']);

/** A file-name-friendly name for a block without one. */
function slug(readme: string, line: number): string {
  return `${readme.replace(/README\.md$/, '').replace(/[^a-zA-Z0-9]+/g, '-')}readme-${line}`.replace(
    /^-+/,
    '',
  );
}

function parseMarker(text: string, where: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const part of text.split(';')) {
    const colon = part.indexOf(':');
    if (colon < 0) throw new Error(`${where}: marker part "${part.trim()}" is not "key: value"`);
    const key = part.slice(0, colon).trim();
    if (!KEYS.has(key))
      throw new Error(`${where}: unknown marker key "${key}"; known: ${[...KEYS].join(', ')}`);
    fields.set(key, part.slice(colon + 1).trim());
  }
  return fields;
}

/** The ```ts blocks of one README (`readme` relative to `root`). */
export function readmeBlocks(root: string, readme: string): ReadmeBlock[] {
  const lines = readFileSync(path.join(root, readme), 'utf8').split('\n');
  const blocks: ReadmeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const [, indent, info] = open;
    let end = i + 1;
    while (end < lines.length && !/^\s*```\s*$/.test(lines[end]!)) end++;
    const body = lines
      .slice(i + 1, end)
      .map((line) => line.slice(Math.min(indent!.length, line.search(/\S|$/))));
    const start = i;
    i = end;
    if (info !== 'ts' && info !== 'typescript') continue;
    const where = `${readme}:${start + 1}`;
    let before = start - 1;
    while (before >= 0 && lines[before]!.trim() === '') before--;
    const marker = before >= 0 ? MARKER.exec(lines[before]!) : null;
    const fields = marker ? parseMarker(marker[1]!, where) : new Map<string, string>();
    const block: ReadmeBlock = {
      readme,
      line: start + 1,
      where,
      code: `${body.join('\n')}\n`,
      name: fields.get('program') ?? slug(readme, start + 1),
    };
    const of = fields.get('fragment of');
    if (of !== undefined) {
      if (fields.has('program') || fields.has('webhook') || fields.has('send'))
        throw new Error(`${where}: a fragment is not run; only programs take program/webhook/send`);
      block.fragmentOf = of.split(',').map((name) => name.trim());
    }
    const webhook = fields.get('webhook');
    if (webhook !== undefined) block.webhook = webhook;
    const send = fields.get('send');
    const expected = fields.get('expect');
    if ((send === undefined) !== (expected === undefined))
      throw new Error(`${where}: "send" and "expect" go together`);
    if (send !== undefined && expected !== undefined) {
      if (webhook === undefined)
        throw new Error(`${where}: "send" needs "webhook", the path the program takes webhooks at`);
      block.chat = { send, expect: expected };
    }
    blocks.push(block);
  }
  return blocks;
}

/** The lines a fragment is held to: trimmed, without blank and comment-only ones. */
function significantLines(code: string): string[] {
  return code
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('//'));
}

/**
 * Checks every fragment against the programs it names; returns one line per problem (none when
 * all is well). `readFile` reads a repository file a fragment names by path.
 */
export function checkFragments(
  blocks: ReadmeBlock[],
  readFile: (repoPath: string) => string | undefined,
): string[] {
  const programs = new Map<string, ReadmeBlock>();
  const problems: string[] = [];
  for (const block of blocks) {
    if (block.fragmentOf) continue;
    const other = programs.get(block.name);
    if (other)
      problems.push(`${block.where}: program name "${block.name}" is taken by ${other.where}`);
    programs.set(block.name, block);
  }
  for (const block of blocks) {
    if (!block.fragmentOf) continue;
    const sources: string[] = [];
    for (const name of block.fragmentOf) {
      const text = programs.get(name)?.code ?? (name.includes('/') ? readFile(name) : undefined);
      if (text === undefined)
        problems.push(
          `${block.where}: fragment of "${name}", which is no README program and no file of the repository`,
        );
      else sources.push(text);
    }
    if (sources.length < block.fragmentOf.length) continue;
    const whole = significantLines(sources.join('\n'));
    let at = 0;
    for (const line of significantLines(block.code)) {
      const found = whole.indexOf(line, at);
      if (found < 0) {
        problems.push(
          `${block.where}: the line ${JSON.stringify(line)} is not in ${block.fragmentOf.join(', ')} (after the fragment's earlier lines)`,
        );
        break;
      }
      at = found + 1;
    }
  }
  return problems;
}
