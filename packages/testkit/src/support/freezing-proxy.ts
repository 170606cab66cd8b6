import net from 'node:net';

/**
 * A TCP proxy on 127.0.0.1 to a target that can freeze: while frozen, connections stay open and
 * new ones are accepted, but nothing is passed on in either direction — a server that stopped
 * answering (as under `CLIENT PAUSE`, a long fork or a stuck disk) without affecting anyone else
 * on it. Thawing passes on what was held, in order.
 */
export class FreezingProxy {
  readonly #target: { host: string; port: number };
  readonly #sockets = new Set<net.Socket>();
  #held: Array<() => void> | undefined;
  #server: net.Server | undefined;
  port = 0;

  constructor(target: { host: string; port: number }) {
    this.#target = target;
  }

  /** Starts accepting on a free port. */
  async start(): Promise<this> {
    const server = net.createServer((client) => {
      const upstream = net.connect(this.#target);
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on('close', () => {
          this.#sockets.delete(socket);
          client.destroy();
          upstream.destroy();
        });
        socket.on('error', () => socket.destroy());
      }
      this.#relay(client, upstream);
      this.#relay(upstream, client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as net.AddressInfo).port;
    this.#server = server;
    return this;
  }

  #relay(from: net.Socket, to: net.Socket): void {
    from.on('data', (chunk) => {
      const pass = () => {
        if (!to.destroyed) to.write(chunk);
      };
      if (this.#held) this.#held.push(pass);
      else pass();
    });
  }

  /** Stops passing anything on, keeping every connection open. */
  freeze(): void {
    this.#held ??= [];
  }

  /** Passes on what was held, in order, and goes on passing. */
  thaw(): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const pass of held) pass();
  }

  /** Closes every connection and stops accepting. */
  async close(): Promise<void> {
    this.thaw();
    for (const socket of this.#sockets) socket.destroy();
    const server = this.#server;
    this.#server = undefined;
    if (server) await new Promise((r) => server.close(r));
  }
}
