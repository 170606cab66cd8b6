import net from 'node:net';

/** An HTTP answer read off a raw socket. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Resolves once the server has closed the connection. */
  closed: Promise<void>;
}

/** A connection on which a test writes an HTTP request by hand, a piece at a time. */
export interface RawConnection {
  /** Writes bytes to the server. */
  write(data: string | Buffer): void;
  /** Resolves with the first answer, as soon as it has arrived in full. */
  answer: Promise<RawAnswer>;
  /** Closes the connection from this side. */
  destroy(): void;
}

/**
 * Opens a connection to `url`'s host and sends `head` (request line and headers, without the
 * blank line that ends them) — and nothing else, so a test sees what the server answers before
 * any body arrives.
 */
export function rawRequest(url: string, head: string): RawConnection {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  let received = Buffer.alloc(0);
  const answer = new Promise<RawAnswer>((resolve, reject) => {
    const tryParse = (): boolean => {
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return false;
      const lines = received.subarray(0, end).toString('latin1').split('\r\n');
      const status = Number(lines[0]!.split(' ')[1]);
      const headers: Record<string, string> = {};
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const length = Number(headers['content-length'] ?? 0);
      if (received.length < end + 4 + length) return false;
      const body = received.subarray(end + 4, end + 4 + length).toString('utf8');
      resolve({ status, headers, body, closed });
      return true;
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      tryParse();
    });
    socket.on('error', reject);
    socket.once('close', () => {
      if (!tryParse())
        reject(new Error(`the connection closed without an answer: ${String(received)}`));
    });
  });
  // The tests only look at the answer; a reset after it (the server closing on a body it did not
  // want) is expected and not an error.
  answer.catch(() => undefined);
  socket.write(`${head}\r\n\r\n`);
  return {
    write: (data) => void socket.write(data),
    answer,
    destroy: () => socket.destroy(),
  };
}
