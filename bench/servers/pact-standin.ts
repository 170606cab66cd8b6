/**
 * A lean stand-in of Pact's API for throughput runs: every POST is a message send and is answered
 * with a Job, as the reference shows (`{"status":"ok","data":{...}}`); anything else gets 404. It
 * does not parse what it receives, so its cost per request is as small as node:http allows.
 */
import http from 'node:http';
import { count, serve } from '../lib/child-kit.js';

const head = '{"status":"ok","data":{"id":';
const tail =
  ',"company_id":42,"channel":{"id":1,"type":"whatsapp"},"conversation_id":1001,"state":"trying_deliver","message_id":null,"details":null,"created_at":1603118584}}';
let jobId = 0;

const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    if (req.method !== 'POST') {
      res.writeHead(404, { 'content-length': 0 }).end();
      return;
    }
    count('sends');
    const body = head + ++jobId + tail;
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
serve(server);
