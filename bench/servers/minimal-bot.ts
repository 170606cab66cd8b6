/**
 * The hand-written minimal echo bot, baseline of the full-cycle and peer cases: node:http in,
 * undici `request` on a keep-alive Pool out. Per webhook it parses the JSON, checks it is an
 * incoming text message, POSTs the reply, waits for the API to accept it (reading its JSON) and
 * answers the webhook 200. No dedup, ordering, retries or rate limit: the floor of the work.
 */
import http from 'node:http';
import { Pool } from 'undici';
import { config, count, serve } from '../lib/child-kit.js';

const { apiUrl, protocol } = config<{ apiUrl: string; protocol: 'pact' | 'telegram' }>();
const TOKEN = 'bench-token';
const pool = new Pool(apiUrl, { connections: 64, keepAliveTimeout: 10_000 });
const OK = '{"ok":true}';

interface PactUpdate {
  type?: string;
  event?: string;
  data?: { income?: boolean; message?: unknown; conversation_id?: number };
}
interface TelegramUpdate {
  message?: { text?: unknown; chat?: { id: number } };
}

/** The API call that answers an update, or undefined when there is nothing to answer. */
function replyTo(update: unknown): { path: string; body: string } | undefined {
  if (protocol === 'pact') {
    const { type, event, data } = update as PactUpdate;
    if (type !== 'message' || event !== 'new' || !data?.income) return undefined;
    if (typeof data.message !== 'string' || data.message === '') return undefined;
    return {
      path: `/p1/companies/42/conversations/${data.conversation_id}/messages`,
      body: JSON.stringify({ message: `You said: ${data.message}` }),
    };
  }
  const { message } = update as TelegramUpdate;
  if (typeof message?.text !== 'string' || !message.chat) return undefined;
  return {
    path: `/bot${TOKEN}/sendMessage`,
    body: JSON.stringify({ chat_id: message.chat.id, text: `You said: ${message.text}` }),
  };
}

function answer(res: http.ServerResponse, status: number): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': OK.length });
  res.end(OK);
}

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const reply = replyTo(JSON.parse(Buffer.concat(chunks).toString('utf8')));
    if (!reply) return answer(res, 200);
    count('handled');
    pool
      .request({
        path: reply.path,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-private-api-token': TOKEN,
        },
        body: reply.body,
      })
      .then(async (response) => {
        await response.body.json();
        answer(res, response.statusCode === 200 ? 200 : 502);
      })
      .catch(() => {
        count('errors');
        answer(res, 502);
      });
  });
});
serve(server, () => pool.close());
