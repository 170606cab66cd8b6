/**
 * Runs the bot. Without PACT_TOKEN it runs against the sandbox, a local Pact with a chat page, and
 * prints the page's address (and opens it in the browser); with PACT_TOKEN and PACT_COMPANY_ID it serves the real Pact's
 * webhooks on PORT (default 3000) at /pact.
 */
import { spawn } from 'node:child_process';
import { Bot } from '@pactbot/core';
import { setup } from './bot.js';

/** Opens `url` in the browser, on a terminal of one's own (not in CI, not with BROWSER=none). */
function openInBrowser(url: string): void {
  if (!process.stdout.isTTY || process.env.CI || process.env.BROWSER === 'none') return;
  const [command, ...args] =
    process.platform === 'darwin'
      ? ['open', url]
      : process.platform === 'win32'
        ? ['cmd', '/c', 'start', '""', url]
        : ['xdg-open', url];
  // No browser to open is no failure: the address is printed anyway.
  spawn(command!, args, { stdio: 'ignore', detached: true })
    .on('error', () => undefined)
    .unref();
}

const port = Number(process.env.PORT ?? 3000);
const token = process.env.PACT_TOKEN;
let stop: () => Promise<unknown>;

if (token) {
  const bot = new Bot({
    token,
    companyId: Number(process.env.PACT_COMPANY_ID),
    secret: process.env.WEBHOOK_SECRET || undefined,
  });
  setup(bot);
  await bot.listen({ port, path: '/pact' });
  console.log(`Listening for Pact's webhooks on port ${port} at /pact`);
  stop = () => bot.stop();
} else {
  // Loaded only here: a deployment (npm ci --omit=dev) never needs the sandbox.
  const { Sandbox } = await import('@pactbot/sandbox');
  const sandbox = await Sandbox.start({ port });
  const bot = new Bot({ ...sandbox.botOptions });
  setup(bot);
  sandbox.connect(bot);
  console.log(`Chat with your bot: ${sandbox.chatUrl}`);
  console.log('(a local Pact: nothing leaves this machine; Ctrl+C stops it)');
  openInBrowser(sandbox.chatUrl);
  stop = async () => {
    await bot.stop();
    await sandbox.close();
  };
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void stop().then(() => process.exit(0));
  });
}
