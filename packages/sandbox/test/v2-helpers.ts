import type { WebhookRequest, WebhookResult } from '@pactbot/core';
import type { Sandbox } from '../src/index.js';
import { call, type Answer, type CallOptions } from './helpers.js';

/** Calls the sandbox's API v2: `path` under `/api/p2`, `company_id` of the sandbox added to the query of GETs. */
export function v2(
  sandbox: Sandbox,
  method: string,
  path: string,
  options: CallOptions & { query?: Record<string, string | number> } = {},
): Promise<Answer> {
  const query = new URLSearchParams(
    Object.entries(options.query ?? {}).map(([key, value]): [string, string] => [
      key,
      String(value),
    ]),
  );
  const search = query.size > 0 ? `?${query.toString()}` : '';
  return call(sandbox, method, `/api/p2${path}${search}`, options);
}

/**
 * A stand-in for a bot connected in-process: it records every webhook's JSON and answers with
 * the scripted statuses (the last one repeats; 200 when none are scripted).
 */
export class RecordingBot {
  readonly companyId: number;
  readonly bodies: Array<Record<string, unknown>> = [];
  readonly #statuses: number[];
  #waiters: Array<{ test: () => boolean; resolve: () => void }> = [];

  constructor(companyId = 1, ...statuses: number[]) {
    this.companyId = companyId;
    this.#statuses = statuses;
  }

  handleWebhook(body: unknown, _request?: WebhookRequest): Promise<WebhookResult> {
    this.bodies.push(JSON.parse(String(body)) as Record<string, unknown>);
    const status = this.#statuses.length > 1 ? this.#statuses.shift()! : (this.#statuses[0] ?? 200);
    this.#waiters = this.#waiters.filter((w) => (w.test() ? (w.resolve(), false) : true));
    return Promise.resolve({ status, body: { ok: status === 200 } } as unknown as WebhookResult);
  }

  /** `type/event` of every webhook, in order. */
  labels(): string[] {
    return this.bodies.map((b) =>
      b.operation === 'test' ? 'test' : `${String(b.type)}/${String(b.event)}`,
    );
  }

  /** The webhooks of one `type/event`. */
  of(label: string): Array<Record<string, unknown> & { object: Record<string, unknown> }> {
    return this.bodies.filter((b) => `${String(b.type)}/${String(b.event)}` === label) as never;
  }

  /** Resolves once the webhooks received satisfy `test`. */
  until(test: (bodies: Array<Record<string, unknown>>) => boolean): Promise<void> {
    if (test(this.bodies)) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ test: () => test(this.bodies), resolve }));
  }
}

/** The header of a PNG of `width` × `height` pixels: enough for anything that reads its size. */
export function pngOf(width: number, height: number): Uint8Array {
  const bytes = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(bytes, 0);
  bytes.writeUInt32BE(13, 8);
  bytes.write('IHDR', 12, 'ascii');
  bytes.writeUInt32BE(width, 16);
  bytes.writeUInt32BE(height, 20);
  bytes.writeUInt8(8, 24);
  bytes.writeUInt8(6, 25);
  return new Uint8Array(bytes);
}
