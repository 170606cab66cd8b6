import http from 'node:http';
import https from 'node:https';
import type { WebhookBody } from './payloads.js';
import type { TargetAnswer, WebhookTarget } from './target.js';

const MAX_RESPONSE = 2000;

/** Keep-alive agents for webhook posts; `destroy()` them when the sandbox closes. */
export interface WebhookAgents {
  http: http.Agent;
  https: https.Agent;
}

/** Creates the keep-alive agents webhook posts share. */
export function webhookAgents(): WebhookAgents {
  return {
    http: new http.Agent({ keepAlive: true }),
    https: new https.Agent({ keepAlive: true }),
  };
}

/** Posts webhooks as JSON to a URL, as Pact does; no answer within `timeoutMs` counts as a failure. */
export function httpTarget(url: string, agents: WebhookAgents, timeoutMs: number): WebhookTarget {
  const parsed = new URL(url);
  const client = parsed.protocol === 'https:' ? https : http;
  const agent = parsed.protocol === 'https:' ? agents.https : agents.http;
  return {
    name: url,
    deliver(body: WebhookBody, signal: AbortSignal): Promise<TargetAnswer> {
      const payload = JSON.stringify(body);
      return new Promise<TargetAnswer>((resolve, reject) => {
        const req = client.request(
          parsed,
          {
            method: 'POST',
            agent,
            signal,
            timeout: timeoutMs,
            headers: {
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(payload),
              'user-agent': 'pactbot-sandbox',
            },
          },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              if (text.length < MAX_RESPONSE) text += chunk;
            });
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                response: text.slice(0, MAX_RESPONSE) || undefined,
              }),
            );
            res.on('error', reject);
          },
        );
        req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
        req.on('error', reject);
        req.end(payload);
      });
    },
  };
}
