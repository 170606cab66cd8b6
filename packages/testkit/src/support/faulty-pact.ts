import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Faults injected into message sends, as fractions of all sends (0–1). */
export interface Faults {
  /** Answer 429 with `Retry-After: 0`. */
  rate429?: number;
  /** Answer 503. */
  rate503?: number;
  /** Reset the connection without accepting the message. */
  resetBefore?: number;
  /** Accept the message, then reset the connection instead of answering. */
  resetAfter?: number;
}

/** A message of a conversation: sent by the bot (accepted by the stand-in) or written by a customer. */
export interface AcceptedMessage {
  external_id: number;
  conversationId: number;
  text: string;
  attachments: number;
  income: boolean;
}

/**
 * A stand-in of Pact's messages endpoints with faults: it accepts sends (answering delivery jobs
 * without a message id, as Pact does for asynchronous delivery), keeps every conversation's
 * messages for the list endpoint, and injects 429s, 503s and connection resets before or after
 * accepting. `random` decides the faults, so a campaign can be replayed from a seed.
 */
export class FaultyPact {
  readonly accepted: AcceptedMessage[] = [];
  readonly faultsInjected = { rate429: 0, rate503: 0, resetBefore: 0, resetAfter: 0 };
  url = '';
  faults: Faults = {};
  #nextId = 1_000_000;
  #nextJob = 1;
  readonly #random: () => number;
  readonly #server = http.createServer((req, res) => void this.#handle(req, res));

  constructor(random: () => number = Math.random) {
    this.#random = random;
  }

  async start(): Promise<this> {
    this.#server.listen(0, '127.0.0.1');
    await once(this.#server, 'listening');
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  /** Messages of one conversation, in the order they were written. */
  messagesOf(conversationId: number): AcceptedMessage[] {
    return this.accepted.filter((m) => m.conversationId === conversationId);
  }

  /** Messages the bot sent to one conversation, in the order the stand-in accepted them. */
  sentTo(conversationId: number): string[] {
    return this.messagesOf(conversationId)
      .filter((m) => !m.income)
      .map((m) => m.text);
  }

  /** Records a customer's message and gives it the next id, as Pact would; use it in the webhook. */
  customerWrites(conversationId: number, text: string): AcceptedMessage {
    const message = {
      external_id: this.#nextId++,
      conversationId,
      text,
      attachments: 0,
      income: true,
    };
    this.accepted.push(message);
    return message;
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const match = /^\/p1\/companies\/\d+\/conversations\/(\d+)\/messages$/.exec(url.pathname);
    if (!match) return this.#json(res, 404, { status: 'errored', message: 'not found' });
    const conversationId = Number(match[1]);
    if (req.method === 'GET') {
      const messages = this.messagesOf(conversationId)
        .slice()
        .reverse()
        .slice(0, Number(url.searchParams.get('per') ?? 50))
        .map((m) => ({
          external_id: m.external_id,
          channel_id: 1,
          channel_type: 'whatsapp',
          message: m.text,
          income: m.income,
          created_at: new Date().toISOString(),
          attachments: Array.from({ length: m.attachments }, () => ({})),
        }));
      return this.#json(res, 200, { status: 'ok', data: { messages } });
    }
    const body = JSON.parse(Buffer.concat(chunks).toString()) as {
      message?: string;
      attachments_ids?: unknown[];
    };
    const roll = this.#random();
    const { rate429 = 0, rate503 = 0, resetBefore = 0, resetAfter = 0 } = this.faults;
    if (roll < rate429) {
      this.faultsInjected.rate429++;
      return this.#json(
        res,
        429,
        { status: 'errored', message: 'Too many requests' },
        { 'retry-after': '0' },
      );
    }
    if (roll < rate429 + rate503) {
      this.faultsInjected.rate503++;
      return this.#json(res, 503, { status: 'errored', message: 'maintenance' });
    }
    if (roll < rate429 + rate503 + resetBefore) {
      this.faultsInjected.resetBefore++;
      req.socket.resetAndDestroy();
      return;
    }
    const message = {
      external_id: this.#nextId++,
      conversationId,
      text: body.message ?? '',
      attachments: body.attachments_ids?.length ?? 0,
      income: false,
    };
    this.accepted.push(message);
    if (roll < rate429 + rate503 + resetBefore + resetAfter) {
      this.faultsInjected.resetAfter++;
      req.socket.resetAndDestroy();
      return;
    }
    this.#json(res, 200, {
      status: 'ok',
      data: {
        id: this.#nextJob++,
        company_id: 42,
        channel: { id: 1, type: 'whatsapp' },
        conversation_id: conversationId,
        state: 'trying_deliver',
        message_id: null,
        details: null,
        created_at: Math.floor(Date.now() / 1000),
      },
    });
  }

  #json(
    res: http.ServerResponse,
    status: number,
    body: object,
    headers: Record<string, string> = {},
  ): void {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    this.#server.close();
    await once(this.#server, 'close');
  }
}

/** A small seeded random generator (mulberry32), so a campaign can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
