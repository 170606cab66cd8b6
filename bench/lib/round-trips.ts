import net from 'node:net';

/**
 * A TCP relay between a bot and Redis that counts round trips rather than commands. Commands that
 * leave together (ioredis's auto-pipelining writes the commands issued in one tick as one write)
 * wait for their answers together: they are one round trip, though MONITOR shows each of them.
 *
 * A round trip starts when a connection writes while nothing it sent before is waiting for an
 * answer, and lasts until Redis writes back. Writes made while an answer is awaited travel with
 * that round trip: they overlap it instead of waiting behind it.
 */
export interface RoundTripRelay {
  /** The Redis URL to give the bot: the relay's address, with the original's credentials and db. */
  readonly url: string;
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
  let roundTrips = 0;
  let writes = 0;
  const sockets = new Set<net.Socket>();

  const server = net.createServer((client) => {
    const upstream = net.connect(port, host);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    sockets.add(client).add(upstream);
    // Nothing is awaited yet: the connection's first write starts a round trip.
    let awaiting = false;
    client.on('data', (chunk: Buffer) => {
      writes++;
      if (!awaiting) {
        roundTrips++;
        awaiting = true;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      awaiting = false;
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
    counts: () => ({ roundTrips, writes }),
    reset() {
      roundTrips = 0;
      writes = 0;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
