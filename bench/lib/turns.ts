import { Pool } from 'undici';

/** What posting a batch of webhooks got back. */
export interface PostResult {
  /** Answered 200. */
  ok: number;
  /** Anything else (other statuses, errors), with the first few reasons. */
  failed: number;
  reasons: string[];
}

/**
 * A keep-alive client that posts webhook bodies to one server, a bounded number at a time, and
 * resolves once every one was answered: for cases that lead many conversations a step at a time
 * (one message of each, all answered before the next step), rather than load for a duration.
 */
export class TurnDriver {
  readonly #pool: Pool;
  readonly #path: string;
  readonly #inFlight: number;

  /** `url`: the webhook's address, `http://127.0.0.1:<port>/<path>`. */
  constructor(url: string, inFlight: number) {
    const target = new URL(url);
    this.#pool = new Pool(target.origin, { connections: inFlight, pipelining: 1 });
    this.#path = target.pathname + target.search;
    this.#inFlight = inFlight;
  }

  /** Posts every body (each a distinct update), `inFlight` at a time. */
  async post(bodies: readonly string[]): Promise<PostResult> {
    const result: PostResult = { ok: 0, failed: 0, reasons: [] };
    let next = 0;
    const worker = async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        try {
          const response = await this.#pool.request({
            method: 'POST',
            path: this.#path,
            headers: { 'content-type': 'application/json' },
            body,
          });
          const text = await response.body.text();
          if (response.statusCode === 200) result.ok++;
          else {
            result.failed++;
            if (result.reasons.length < 3) result.reasons.push(`${response.statusCode} ${text}`);
          }
        } catch (error) {
          result.failed++;
          if (result.reasons.length < 3) result.reasons.push((error as Error).message);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#inFlight, bodies.length) }, worker));
    return result;
  }

  close(): Promise<void> {
    return this.#pool.close();
  }
}
