import type http from 'node:http';

/**
 * Server-Sent Events to every open page: each client gets the events broadcast after it joined,
 * and a comment every 15 s so that proxies keep the stream open. `Events` maps each event's name
 * to what it carries, so the server and the page read one list of them.
 */
export class SseHub<Events extends object> {
  readonly #clients = new Set<http.ServerResponse>();
  readonly #heartbeat: NodeJS.Timeout;

  constructor() {
    this.#heartbeat = setInterval(() => {
      for (const client of this.#clients) client.write(': ping\n\n');
    }, 15_000);
    this.#heartbeat.unref();
  }

  /** Opens a stream on `res` and sends it `first` (such as a snapshot) before anything else. */
  open<K extends keyof Events & string>(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    first: { event: K; data: Events[K] },
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
  broadcast<K extends keyof Events & string>(event: K, data: Events[K]): void {
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
