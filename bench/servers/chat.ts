/**
 * The echo bot on Vercel's Chat SDK (`chat` with `@chat-adapter/telegram`), fed through
 * `bot.webhooks.telegram(request, { waitUntil })` on node:http, its API root a local stand-in of
 * Telegram's Bot API (the adapter's documented `apiUrl` option). State `memory`
 * (`@chat-adapter/state-memory`) or `ioredis` (`@chat-adapter/state-ioredis`, keys under
 * `prefix`).
 *
 * Fair configuration:
 * - `userName` given and `mode: 'webhook'`: no `getWebhookInfo` call deciding between webhook and
 *   polling (the stand-in would answer it with a Message and `auto` would start polling). The
 *   adapter still calls `getMe` once at start-up for the bot's id, before any measurement;
 * - `allowUnverifiedWebhooks`: no secret-token check, as pactbot runs without a webhook secret;
 * - defaults otherwise: the `drop` concurrency strategy with its per-chat lock (the load never has
 *   two webhooks of one chat in flight, so nothing is dropped), deduplication, thread history;
 * - the webhook is answered once the handler's send was accepted, as every other contestant does:
 *   the adapter answers at once and hands its work to `waitUntil`, which here collects it and the
 *   answer waits for it (on a serverless host the platform would keep it running instead);
 * - the ioredis client has the options pactbot's `redisState` gives the client it makes from a URL
 *   (`URL_CLIENT_OPTIONS`: auto-pipelining on), in the adapter's documented `client` form. They are
 *   copied here rather than imported: this process loads nothing of pactbot's (importing
 *   @pactbot/core would also load the npm undici, which then serves the global `fetch` the
 *   adapter uses instead of Node's own);
 * - logging only counts warnings and errors (the default console logger prints at `info`).
 *
 * One thing it does that no other contestant does: the Telegram adapter sends a typing action
 * (`sendChatAction`) for every private message before the handler runs, with no option to turn it
 * off; the stand-in counts those apart from the replies.
 */
import http from 'node:http';
import { createMemoryState } from '@chat-adapter/state-memory';
import { createIoRedisState } from '@chat-adapter/state-ioredis';
import { createTelegramAdapter } from '@chat-adapter/telegram';
import { Chat, type Logger, type StateAdapter } from 'chat';
import { Redis } from 'ioredis';
import { config, count, serve } from '../lib/child-kit.js';

/** Configuration of this server. */
export interface ChatServerConfig {
  apiUrl: string;
  state?: 'memory' | 'ioredis';
  redisUrl?: string;
  /** Key prefix of the ioredis state (Chat SDK adds a `:` after it). */
  prefix?: string;
}

const options = config<ChatServerConfig>();

/**
 * Counts warnings and errors, and prints the first few errors so a broken run says why (the one
 * warning of a sound run is that webhook verification is off).
 */
function countingLogger(): Logger {
  let printed = 0;
  const logger: Logger = {
    child: () => logger,
    debug: () => undefined,
    info: () => undefined,
    warn: () => count('warnings'),
    error: (message: string, ...args: unknown[]) => {
      count('errors');
      if (printed++ < 5) console.error(`chat error: ${message}`, ...args);
    },
  };
  return logger;
}
const logger = countingLogger();

/** `URL_CLIENT_OPTIONS` of @pactbot/session-redis. */
const CLIENT_OPTIONS = {
  maxRetriesPerRequest: 2,
  connectTimeout: 2000,
  commandTimeout: 1000,
  enableAutoPipelining: true,
};
const redis =
  options.state === 'ioredis'
    ? new Redis(options.redisUrl ?? 'redis://127.0.0.1:6379', CLIENT_OPTIONS)
    : undefined;
const state: StateAdapter = redis
  ? createIoRedisState({ client: redis, keyPrefix: options.prefix, logger })
  : createMemoryState();

const bot = new Chat({
  userName: 'bench_bot',
  adapters: {
    telegram: createTelegramAdapter({
      botToken: 'bench-token',
      apiUrl: options.apiUrl,
      mode: 'webhook',
      userName: 'bench_bot',
      allowUnverifiedWebhooks: true,
      logger,
    }),
  },
  state,
  logger,
});

// `onDirectMessage`: every message of a private chat — the bench's updates all are — routes here,
// before subscriptions, mentions and patterns, so each webhook gets exactly one reply.
// `onNewMention` would also get them (an unsubscribed DM counts as a mention), but only by a
// fallback for older bots; `onSubscribedMessage` only after a `thread.subscribe()`; `onNewMessage`
// only for a pattern, and never in a DM once it counts as a mention.
bot.onDirectMessage(async (thread, message) => {
  count('handled');
  await thread.post(`You said: ${message.text}`);
});

await bot.initialize();

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => void answer(req, res, Buffer.concat(chunks).toString('utf8')));
});

/**
 * node:http has no bridge to the web `Request` the SDK takes: build one from the buffered body
 * (a string body is the cheapest form `Request` takes), then wait for the work the adapter handed
 * to `waitUntil` before answering.
 */
async function answer(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  body: string,
): Promise<void> {
  const work: Array<Promise<unknown>> = [];
  const request = new Request(`http://127.0.0.1${req.url ?? '/'}`, {
    method: req.method,
    headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
    body,
  });
  let status: number;
  let text: string;
  try {
    const response = await bot.webhooks.telegram(request, {
      waitUntil: (task) => work.push(task),
      // Handler errors reject their task, so the answer below can say so.
      propagateHandlerErrors: true,
    });
    text = await response.text();
    const outcomes = await Promise.allSettled(work);
    status = outcomes.some((outcome) => outcome.status === 'rejected') ? 500 : response.status;
  } catch {
    status = 500;
    text = 'error';
  }
  if (status >= 300) count('errors');
  res.writeHead(status, {
    'content-type': 'text/plain',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

serve(server, async () => {
  await bot.shutdown();
  redis?.disconnect();
});
