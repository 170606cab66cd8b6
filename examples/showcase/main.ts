/**
 * The demo behind `npm start`.
 *
 * By default it starts the sandbox — a local Pact with a chat page — on PORT (default 3000, or a
 * free port when that one is taken), connects the showcase bot to it in-process, and prints the
 * chat page's address.
 *
 * With PACT_TOKEN, PACT_COMPANY_ID and PUBLIC_WEBHOOK_URL set, the same bot runs against the real
 * Pact instead: it listens for webhooks on PORT (at PUBLIC_WEBHOOK_URL's path) and points the
 * company's webhooks at PUBLIC_WEBHOOK_URL (plus `?secret=` when WEBHOOK_SECRET is set). With
 * PACT_API_VERSION=2 it works through Pact's API v2 (`apiVersion: 2`) and registers the URL as a
 * v2 company webhook (`bot.api.v2.webhooks.ensure`); otherwise (1, the default) through v1,
 * setting the company's `webhook_url`.
 *
 * "remind me tomorrow" reminds a day later on Pact (in 20 seconds in the sandbox); once a WhatsApp
 * Business customer's 24-hour window has closed, the reminder is the template REMINDER_TEMPLATE
 * (default `welcome_back`, one of the sandbox's) in REMINDER_LANGUAGE (default `en`).
 *
 * With REDIS_URL set, sessions and the bot's coordination state live in Redis (keys prefixed with
 * REDIS_PREFIX, default `showcase:`), so several copies of the demo can serve one company. In the
 * sandbox, each run's keys carry the run's own prefix as well (`showcase:sandbox-…:`), since every
 * run of the sandbox starts from the same ids.
 */
import {
  Bot,
  MemorySessionStore,
  type Context,
  type PactApiVersion,
  type SessionStore,
} from '@pactbot/core';
import { Sandbox } from '@pactbot/sandbox';
import { RedisSessionStore, redisState, type RedisState } from '@pactbot/session-redis';
import type { SurveySession } from '../survey/survey.js';
import { showcase, type ShowcaseContext } from './showcase.js';

const env = process.env;

/** How soon "remind me tomorrow" reminds in the sandbox. */
const SANDBOX_REMINDER_MS = 20_000;

/** Where sessions and coordination state live, and how to let go of them. */
interface Storage {
  store: SessionStore<SurveySession>;
  state: RedisState | undefined;
  /** A line for the banner, naming where sessions live. */
  line: string;
  close(): Promise<void>;
}

/**
 * Redis when REDIS_URL is set, this process's memory otherwise. `run` scopes the keys to one run:
 * the sandbox starts empty each time and gives its customers, conversations and messages the same
 * ids again, which a previous run's sessions and dedup marks would otherwise take for their own
 * (a restarted demo would ignore "hi" as already handled).
 */
function storage(run?: string): Storage {
  const url = env.REDIS_URL;
  if (!url) {
    return {
      store: new MemorySessionStore<SurveySession>(),
      state: undefined,
      line: '',
      close: () => Promise.resolve(),
    };
  }
  const prefix = `${env.REDIS_PREFIX ?? 'showcase:'}${run ? `${run}:` : ''}`;
  const state = redisState(url, { prefix });
  // A run's keys are of no use once it ended: let them go after a day.
  const ttlMs = run ? 24 * 60 * 60 * 1000 : undefined;
  const store = new RedisSessionStore<SurveySession>(url, { prefix, ttlMs, name: 'dialog' });
  // The URL may carry a password: show where Redis is, nothing more.
  const { hostname, port } = new URL(url);
  return {
    store,
    state,
    line: `  Sessions:      Redis at ${hostname}:${port || 6379} (keys ${prefix}…)`,
    close: async () => {
      await state.close();
      await store.close();
    },
  };
}

function port(): number {
  const value = env.PORT ?? '3000';
  const number = Number(value);
  if (!/^\d+$/.test(value) || number > 65_535) {
    throw new Error(`PORT must be a port number from 0 to 65535, got ${JSON.stringify(value)}`);
  }
  return number;
}

/** PACT_API_VERSION: 1 (the default) or 2. */
function apiVersion(): PactApiVersion {
  const value = env.PACT_API_VERSION || '1';
  if (value !== '1' && value !== '2') {
    throw new Error(`PACT_API_VERSION must be 1 or 2, got ${JSON.stringify(value)}`);
  }
  return value === '2' ? 2 : 1;
}

function logFailures(bot: Bot<ShowcaseContext>): void {
  bot.catch((error: unknown, ctx: Context) =>
    console.error(`The bot failed on a ${ctx.kind} update:`, error),
  );
}

async function startSandbox(wanted: number): Promise<{ sandbox: Sandbox; note: string }> {
  const host = env.HOST ?? '127.0.0.1';
  try {
    return { sandbox: await Sandbox.start({ port: wanted, host }), note: '' };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    const sandbox = await Sandbox.start({ port: 0, host });
    return { sandbox, note: `  (port ${wanted} is taken, so the sandbox took a free one)\n` };
  }
}

async function runInSandbox(): Promise<() => Promise<void>> {
  const { sandbox, note } = await startSandbox(port());
  const storing = storage(`sandbox-${Date.now().toString(36)}`);
  const bot = new Bot<ShowcaseContext>({ ...sandbox.botOptions, state: storing.state });
  // Nobody waits a day in a demo: "remind me tomorrow" reminds in 20 seconds.
  showcase(bot, { store: storing.store, reminders: { delayMs: SANDBOX_REMINDER_MS } });
  logFailures(bot);
  const disconnect = sandbox.connect(bot);
  // A first customer, so the page opens on a chat ready to type into.
  sandbox.newCustomer({ channel: 'whatsapp_business', name: 'Alex' });
  console.log(
    [
      '',
      '  The pactbot showcase is running in the sandbox, a local Pact.',
      '',
      `  Chat with it:  ${sandbox.chatUrl}`,
      `${note}  Pact API:      ${sandbox.apiUrl}  (token ${sandbox.token}, company ${sandbox.companyId})`,
      ...(storing.line ? [storing.line] : []),
      '',
      '  Write "remind me tomorrow": the reminder comes in 20 seconds. Press "+25 h" on the chat',
      '  first, and on WhatsApp Business it comes as a template: the 24-hour window has closed.',
      '',
      '  Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  return async () => {
    disconnect();
    await bot.stop();
    await sandbox.close();
    await storing.close();
  };
}

async function runOnPact(token: string, company: string, publicUrl: string) {
  const companyId = Number(company);
  if (!/^\d+$/.test(company) || companyId < 1) {
    throw new Error(
      `PACT_COMPANY_ID must be your company's id, a positive integer; got ${JSON.stringify(company)}`,
    );
  }
  let webhookUrl: URL;
  try {
    webhookUrl = new URL(publicUrl);
  } catch {
    throw new Error(
      `PUBLIC_WEBHOOK_URL must be the public https URL Pact posts to, got ${JSON.stringify(publicUrl)}`,
    );
  }
  const version = apiVersion();
  const secret = env.WEBHOOK_SECRET || undefined;
  const storing = storage();
  const bot = new Bot<ShowcaseContext>({
    token,
    companyId,
    secret,
    apiUrl: env.PACT_API_URL,
    apiVersion: version,
    state: storing.state,
  });
  showcase(bot, {
    store: storing.store,
    reminders: {
      template: env.REMINDER_TEMPLATE || undefined,
      language: env.REMINDER_LANGUAGE || undefined,
    },
  });
  logFailures(bot);
  await bot.listen({ port: port(), host: env.HOST, path: webhookUrl.pathname });
  if (secret) webhookUrl.searchParams.set('secret', secret);
  // The bot listens already: activating a v2 webhook makes Pact test the URL at once.
  if (version === 2) await bot.api.v2.webhooks.ensure(webhookUrl.toString());
  else await bot.api.companies.update({ webhook_url: webhookUrl.toString() });
  console.log(
    [
      '',
      `  The pactbot showcase is running on Pact for company ${companyId} (API v${version}).`,
      '',
      `  Webhooks:  ${publicUrl} → port ${port()}`,
      "  Write to any of the company's channels to talk to it.",
      '',
      '  Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  return async () => {
    await bot.stop();
    await storing.close();
  };
}

async function main(): Promise<void> {
  const real = {
    PACT_TOKEN: env.PACT_TOKEN,
    PACT_COMPANY_ID: env.PACT_COMPANY_ID,
    PUBLIC_WEBHOOK_URL: env.PUBLIC_WEBHOOK_URL,
  };
  const missing = Object.entries(real)
    .filter(([, value]) => !value)
    .map(([name]) => name);
  if (missing.length > 0 && missing.length < 3) {
    throw new Error(
      `to run on Pact, set PACT_TOKEN, PACT_COMPANY_ID and PUBLIC_WEBHOOK_URL (missing: ${missing.join(', ')}); set none of them to use the sandbox`,
    );
  }
  const stop =
    missing.length === 0
      ? await runOnPact(real.PACT_TOKEN!, real.PACT_COMPANY_ID!, real.PUBLIC_WEBHOOK_URL!)
      : await runInSandbox();
  let stopping = false;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    void stop().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(`The showcase could not start: ${(error as Error).message}`);
  process.exit(1);
});
