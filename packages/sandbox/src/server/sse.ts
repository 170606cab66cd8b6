import type http from 'node:http';

/**
 * Server-Sent Events to every open page: each client gets the events broadcast after it joined,
 * and a comment every 15 s so that proxies keep the stream open.
 */
export class SseHub {
  readonly #clients = new Set<http.ServerResponse>();
  readonly #heartbeat: NodeJS.Timeout;

  constructor() {
    this.#heartbeat = setInterval(() => {
      for (const client of this.#clients) client.write(': ping\n\n');
    }, 15_000);
    this.#heartbeat.unref();
  }

  /** Opens a stream on `res` and sends it `first` (such as a snapshot) before anything else. */
  open(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    first: { event: string; data: unknown },
  ): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 1000\n\n');
    res.write(this.#format(first.event, first.data));
    this.#clients.add(res);
    req.on('close', () => this.#clients.delete(res));
  }

  /** Sends an event to every open stream. */
  broadcast(event: string, data: unknown): void {
    if (this.#clients.size === 0) return;
    const text = this.#format(event, data);
    for (const client of this.#clients) client.write(text);
  }

  #format(event: string, data: unknown): string {
    return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
  }

  /** Ends every stream. */
  close(): void {
    clearInterval(this.#heartbeat);
    for (const client of this.#clients) client.end();
    this.#clients.clear();
  }
}
