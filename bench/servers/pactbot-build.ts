/**
 * pactbot under test as `servers/pactbot.ts` runs it (modes `intake` and `echo`, memory state), but
 * with `@pactbot/core` loaded from a given directory — a build of another commit, for bench/ab.ts —
 * or, when `coreDir` names a `.ts` file, from that source entry through tsx.
 */
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Core from '@pactbot/core';
import { config, count, ready } from '../lib/child-kit.js';

const { coreDir, mode, apiUrl } = config<{
  coreDir: string;
  mode: 'intake' | 'echo';
  apiUrl?: string;
}>();
const entry = pathToFileURL(
  coreDir.endsWith('.ts') ? coreDir : path.join(coreDir, 'dist', 'index.js'),
).href;
const { Bot } = (await import(entry)) as typeof Core;

const bot = new Bot({
  token: 'bench-token',
  companyId: 42,
  apiUrl: apiUrl ?? 'http://127.0.0.1:9',
  rateLimit: false,
});
bot.catch(() => count('errors'));

let sink = 0;
if (mode === 'intake') {
  bot.on('message:text', (ctx) => {
    sink += ctx.text.length;
    count('handled');
  });
} else {
  bot.on('message:text', (ctx) => {
    count('handled');
    return ctx.reply(`You said: ${ctx.text}`);
  });
}

const server = await bot.listen({ port: 0, host: '127.0.0.1', path: '/pact' });
ready((server.address() as AddressInfo).port, async () => {
  count('sink', sink % 2);
  await bot.stop({ timeoutMs: 2000 });
});
