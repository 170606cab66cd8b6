import { once } from 'node:events';
import net from 'node:net';
import { inject } from 'vitest';

/**
 * Records the commands a Redis server receives that mention `prefix`, through MONITOR. Resolves
 * once the server has acknowledged MONITOR, so no command sent after that is missed.
 *
 * A plain socket rather than ioredis' `monitor()`: ioredis only switches to monitor mode in a
 * promise callback after the +OK, so a monitor line that arrives in the same read as the +OK is
 * taken for the reply to a command it never sent ("Command queue state error").
 */
export async function monitorCommands(
  prefix: string,
): Promise<{ commands: string[][]; stop: () => Promise<void> }> {
  const url = new URL(inject('redisUrl'));
  const socket = net.connect({ host: url.hostname, port: Number(url.port || 6379) });
  const commands: string[][] = [];
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const acknowledged = new Promise<void>((yes, no) => ((resolve = yes), (reject = no)));
  let pending = '';
  let monitoring = false;
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    pending += chunk;
    let end: number;
    while ((end = pending.indexOf('\r\n')) >= 0) {
      const line = pending.slice(0, end);
      pending = pending.slice(end + 2);
      if (!monitoring) {
        if (line === '+OK') {
          monitoring = true;
          resolve();
        } else reject(new Error(`Redis refused MONITOR: ${line}`));
        continue;
      }
      const args = parseMonitorLine(line);
      if (args.some((a) => a.includes(prefix))) commands.push(args);
    }
  });
  socket.on('error', (error) => reject(error));
  socket.on('close', () => reject(new Error('the MONITOR connection closed before +OK')));
  socket.write('MONITOR\r\n');
  try {
    await acknowledged;
  } catch (error) {
    socket.destroy();
    throw error;
  }
  return {
    commands,
    stop: async () => {
      const closed = once(socket, 'close');
      socket.destroy();
      await closed;
    },
  };
}

/** The characters MONITOR writes after a backslash, and the bytes they stand for. */
const ESCAPES: Record<string, number> = { n: 10, r: 13, t: 9, a: 7, b: 8, '\\': 92, '"': 34 };

/**
 * The command and arguments of one MONITOR line, `+1700000000.123456 [0 127.0.0.1:1234] "set"
 * "key" "{\"a\":1}"`: each argument quoted, with `\\`, `\"`, `\n`, `\r`, `\t`, `\a`, `\b` and
 * `\xHH` escapes for the bytes that are not printable ASCII.
 */
export function parseMonitorLine(line: string): string[] {
  const quoted = line.slice(line.indexOf('] ') + 2);
  return Array.from(quoted.matchAll(/"((?:[^"\\]|\\.)*)"/g), ([, text]) => unescape(text!));
}

function unescape(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '\\') {
      bytes.push(text.charCodeAt(i));
    } else if (text[i + 1] === 'x') {
      bytes.push(Number.parseInt(text.slice(i + 2, i + 4), 16));
      i += 3;
    } else {
      bytes.push(ESCAPES[text[i + 1]!] ?? text.charCodeAt(i + 1));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
