import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { Bot, type BotOptions, type Context } from '@pactbot/core';
import { startPactStub, type PactStub, type RecordedRequest } from './pact-stub.js';

/** A message the bot sent, as the stand-in of Pact received it. */
export interface SentRecord {
  conversationId: number;
  body: {
    message?: string;
    attachments_ids?: number[];
    interactive?: { type: string; buttons: string[] };
  };
  request: RecordedRequest;
}

/** A bot listening on 127.0.0.1, talking to a stand-in of Pact that accepts every send. */
export interface BotFixture<C extends Context = Context> {
  bot: Bot<C>;
  stub: PactStub;
  server: http.Server;
  /** The webhook URL, without the secret. */
  url: string;
  /** POSTs a webhook to the bot; resolves with the status and parsed body of the answer. */
  post(
    body: unknown,
    options?: { query?: string; contentType?: string; raw?: boolean },
  ): Promise<{ status: number; body: unknown }>;
  /** Sends accepted by the stand-in, in the order they arrived. */
  sends(): SentRecord[];
  close(): Promise<void>;
}

const agent = new Agent({ connections: 256 });
let nextJob = 1;

/** Pact's answer to an accepted message send: the delivery job, numbered in order. */
export function acceptedJob(conversationId: number): { body: unknown } {
  return {
    body: {
      status: 'ok',
      data: {
        id: nextJob++,
        company_id: 42,
        channel: { id: 1, type: 'whatsapp' },
        conversation_id: conversationId,
        state: 'trying_deliver',
        message_id: null,
        details: null,
        created_at: 1510396057,
      },
    },
  };
}

/** Makes the stand-in accept every message send, answering with the next delivery job. */
export function acceptSends(stub: PactStub): void {
  stub.route('POST', /^\/p1\/companies\/\d+\/conversations\/\d+\/messages$/, (req) =>
    acceptedJob(Number(req.path.split('/')[5])),
  );
}

/** Starts a bot wired to a stand-in of Pact: its own, or `shared.stub` (which it then does not close). */
export async function startBot<C extends Context = Context>(
  options: Partial<BotOptions<C>> = {},
  setup?: (bot: Bot<C>) => void,
  shared?: { stub: PactStub },
): Promise<BotFixture<C>> {
  const stub = shared?.stub ?? (await startPactStub());
  if (!shared) acceptSends(stub);
  const bot = new Bot<C>({
    token: 'test-token',
    companyId: 42,
    apiUrl: stub.url,
    rateLimit: false,
    ...options,
  });
  setup?.(bot);
  const server = await bot.listen({ port: 0, host: '127.0.0.1', path: '/pact' });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/pact`;
  return {
    bot,
    stub,
    server,
    url,
    async post(body, postOptions = {}) {
      const response = await request(`${url}${postOptions.query ?? ''}`, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': postOptions.contentType ?? 'application/json' },
        body: postOptions.raw ? (body as string) : JSON.stringify(body),
      });
      const text = await response.body.text();
      return {
        status: response.statusCode,
        body: text ? (JSON.parse(text) as unknown) : undefined,
      };
    },
    sends() {
      return stub.requests
        .filter((r) => r.method === 'POST' && /\/conversations\/\d+\/messages$/.test(r.path))
        .map((r) => ({
          conversationId: Number(r.path.split('/')[5]),
          body: r.json as SentRecord['body'],
          request: r,
        }));
    },
    async close() {
      await bot.stop({ timeoutMs: 1000 });
      if (!shared) await stub.close();
    },
  };
}

/** A promise with its resolve function, for waiting on events. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
