/**
 * A lean stand-in of Telegram's Bot API for the peer runs: `getMe` answers the bot's user and any
 * other method (here only `sendMessage`) answers a sent Message, as the Bot API does
 * (`{"ok":true,"result":{...}}`). Bodies are not parsed, to keep its cost per request small.
 */
import http from 'node:http';
import { count, serve } from '../lib/child-kit.js';

const ME =
  '{"ok":true,"result":{"id":7000001,"is_bot":true,"first_name":"Bench","username":"bench_bot","can_join_groups":true,"can_read_all_group_messages":false,"supports_inline_queries":false}}';
const head = '{"ok":true,"result":{"message_id":';
const tail =
  ',"from":{"id":7000001,"is_bot":true,"first_name":"Bench","username":"bench_bot"},"chat":{"id":5000001,"first_name":"Ann","type":"private"},"date":1603118584,"text":"You said: hi"}}';
let messageId = 0;

const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    let body: string;
    if (req.url?.endsWith('/getMe')) {
      count('getMe');
      body = ME;
    } else {
      count('sends');
      body = head + ++messageId + tail;
    }
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  });
});
server.keepAliveTimeout = 60_000;
serve(server);
