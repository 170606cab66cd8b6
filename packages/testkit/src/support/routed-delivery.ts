import { Agent, request } from 'undici';

const agent = new Agent({ connections: 256 });

/**
 * Where Pact's webhook URL leads: the load balancer in front of the bot processes. A deploy points
 * it at the new process; attempts already under way finish where they went.
 */
export interface WebhookRoute {
  target: string;
}

/** One POST of a delivery: where it went, what it got (0: no answer, the connection failed), and how long the answer took. */
export interface DeliveryAttempt {
  target: string;
  status: number;
  ms: number;
}

/**
 * Delivers a webhook the way Pact does, through a route that may change between attempts: POST,
 * and POST again after `intervalMs` until the answer is 200, at most `attempts` times. Resolves
 * with every attempt.
 */
export async function deliverVia(
  route: WebhookRoute,
  body: unknown,
  options: { attempts?: number; intervalMs?: number } = {},
): Promise<DeliveryAttempt[]> {
  const attempts = options.attempts ?? 10;
  const made: DeliveryAttempt[] = [];
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const target = route.target;
    const startedAt = performance.now();
    let status = 0;
    try {
      const response = await request(target, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      await response.body.text();
      status = response.statusCode;
    } catch {
      status = 0;
    }
    made.push({ target, status, ms: performance.now() - startedAt });
    if (status === 200) return made;
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 50));
  }
  return made;
}
