import net from 'node:net';
import { inject } from 'vitest';

/** One round trip between a client and Redis: the commands that went out together and waited together. */
export type RoundTrip = string[][];

/**
 * A TCP relay between clients and the test run's Redis that records round trips, as the
 * benchmark counts them: a round trip starts when a connection writes while nothing it sent is
 * waiting for an answer, and lasts until Redis writes back; what the connection writes meanwhile
 * travels with it. Each round trip keeps the commands it carried (parsed from the requests), so a
 * test can tell which were the update's.
 */
export interface RoundTripRelay {
  /** The Redis URL to give a client: the relay's address. */
  readonly url: string;
  /** Round trips since the last reset, in the order they started. */
  roundTrips(): RoundTrip[];
  reset(): void;
  close(): Promise<void>;
}

/** Starts a relay to the test run's Redis on a free port of 127.0.0.1. */
export async function startRelay(): Promise<RoundTripRelay> {
  const target = new URL(inject('redisUrl'));
  let trips: RoundTrip[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 6379), target.hostname);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    sockets.add(client).add(upstream);
    let current: RoundTrip | undefined;
    const parser = new CommandParser((command) => current?.push(command));
    client.on('data', (chunk: Buffer) => {
      if (!current) trips.push((current = []));
      parser.feed(chunk);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      current = undefined;
      client.write(chunk);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    url: `redis://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    roundTrips: () => trips,
    reset: () => {
      trips = [];
    },
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Reads the commands of a client's stream of requests (RESP arrays of bulk strings). */
class CommandParser {
  #buffer = Buffer.alloc(0);
  readonly #onCommand: (command: string[]) => void;

  constructor(onCommand: (command: string[]) => void) {
    this.#onCommand = onCommand;
  }

  feed(chunk: Buffer): void {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    for (;;) {
      const parsed = this.#parse();
      if (!parsed) return;
      this.#buffer = this.#buffer.subarray(parsed.end);
      this.#onCommand(parsed.command);
    }
  }

  #parse(): { command: string[]; end: number } | undefined {
    const buffer = this.#buffer;
    const line = (from: number) => {
      const end = buffer.indexOf('\r\n', from);
      return end < 0 ? undefined : { text: buffer.toString('latin1', from, end), next: end + 2 };
    };
    const head = line(0);
    if (!head) return undefined;
    if (!head.text.startsWith('*')) return { command: head.text.split(' '), end: head.next };
    const command: string[] = [];
    let at = head.next;
    for (let i = 0; i < Number(head.text.slice(1)); i++) {
      const size = line(at);
      if (!size) return undefined;
      const length = Number(size.text.slice(1));
      if (buffer.length < size.next + length + 2) return undefined;
      command.push(buffer.toString('utf8', size.next, size.next + length));
      at = size.next + length + 2;
    }
    return { command, end: at };
  }
}
