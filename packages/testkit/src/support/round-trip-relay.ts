import net from 'node:net';

/** One round trip between a client and Redis: the commands that went out together and waited together. */
export type RoundTrip = string[][];

/**
 * A TCP relay between clients and a Redis server that counts round trips rather than commands.
 * Commands that leave together (ioredis's auto-pipelining writes the commands issued in one tick
 * as one write) wait for their answers together: they are one round trip, though MONITOR shows
 * each of them. A round trip starts when a connection writes while nothing it sent is waiting
 * for an answer, and lasts until Redis writes back; what the connection writes meanwhile travels
 * with it. Each round trip keeps the commands it carried (parsed from the requests), so a test
 * can tell which were an update's; the benchmark only counts them.
 */
export interface RoundTripRelay {
  /** The Redis URL to give a client: the relay's address, with the original's credentials and db. */
  readonly url: string;
  /** Round trips since the last reset, in the order they started, with their commands. */
  roundTrips(): RoundTrip[];
  /** Round trips and client writes since the last reset, over every connection. */
  counts(): { roundTrips: number; writes: number };
  reset(): void;
  close(): Promise<void>;
}

/** Starts a relay to the Redis server of `redisUrl` on a free port of 127.0.0.1. */
export async function startRoundTripRelay(redisUrl: string): Promise<RoundTripRelay> {
  const target = new URL(redisUrl);
  const host = target.hostname || '127.0.0.1';
  const port = Number(target.port || 6379);
  let trips: RoundTrip[] = [];
  let writes = 0;
  const sockets = new Set<net.Socket>();

  const server = net.createServer((client) => {
    const upstream = net.connect(port, host);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    sockets.add(client).add(upstream);
    // Nothing is awaited yet: the connection's first write starts a round trip.
    let current: RoundTrip | undefined;
    const parser = new CommandParser((command) => current?.push(command));
    client.on('data', (chunk: Buffer) => {
      writes++;
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
  const url = new URL(redisUrl);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as net.AddressInfo).port);
  return {
    url: url.toString(),
    roundTrips: () => trips,
    counts: () => ({ roundTrips: trips.length, writes }),
    reset() {
      trips = [];
      writes = 0;
    },
    close() {
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
