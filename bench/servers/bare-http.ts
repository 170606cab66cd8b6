/**
 * Baseline of the intake case: a bare node:http server that reads the body, parses the same JSON,
 * reads the message text and answers 200 — what any webhook receiver must do at the least.
 */
import http from 'node:http';
import { count, serve } from '../lib/child-kit.js';

const OK = '{"ok":true}';
let sink = 0;

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const update = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
      data?: { message?: string };
    };
    sink += update.data?.message?.length ?? 0;
    count('handled');
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': OK.length });
    res.end(OK);
  });
});
serve(server, () => count('sink', sink % 2));
