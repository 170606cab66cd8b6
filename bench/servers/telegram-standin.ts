/**
 * A lean stand-in of Telegram's Bot API for the peer runs: `getMe` answers the bot's user,
 * `sendChatAction` answers `true`, and any other method (here only `sendMessage`) answers a sent
 * Message, as the Bot API does (`{"ok":true,"result":{...}}`). Counters: `getMe`, `chatActions`
 * (Chat SDK sends a typing action for every private message it receives) and `sends` (the
 * replies).
 *
 * Bodies are not parsed, to keep its cost per request small; the sent Message is always in one
 * chat. With `echoChat`, the sent Message is in the chat the request named (its `chat_id`, found
 * in the body with a regular expression), as Telegram answers: for bots that keep the messages
 * they sent per chat (Chat SDK does), replies then spread over the conversations as they would.
 */
import http from 'node:http';
import { config, count, serve } from '../lib/child-kit.js';

const { echoChat = false } = config<{ echoChat?: boolean }>();
const ME =
  '{"ok":true,"result":{"id":7000001,"is_bot":true,"first_name":"Bench","username":"bench_bot","can_join_groups":true,"can_read_all_group_messages":false,"supports_inline_queries":false}}';
const TRUE = '{"ok":true,"result":true}';
const head = '{"ok":true,"result":{"message_id":';
const middle =
  ',"from":{"id":7000001,"is_bot":true,"first_name":"Bench","username":"bench_bot"},"chat":{"id":';
const tail = ',"first_name":"Ann","type":"private"},"date":1603118584,"text":"You said: hi"}}';
const CHAT_ID = /"chat_id":"?(-?\d+)/;
let messageId = 0;

const server = http.createServer((req, res) => {
  let text = '';
  if (echoChat) req.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
  else req.resume();
  req.on('end', () => {
    let body: string;
    if (req.url?.endsWith('/getMe')) {
      count('getMe');
      body = ME;
    } else if (req.url?.endsWith('/sendChatAction')) {
      count('chatActions');
      body = TRUE;
    } else {
      count('sends');
      const chat = (echoChat && CHAT_ID.exec(text)?.[1]) || '5000001';
      body = head + ++messageId + middle + chat + tail;
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
