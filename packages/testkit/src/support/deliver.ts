import { Agent, request } from 'undici';

const agent = new Agent({ connections: 256 });

/**
 * Delivers a webhook the way Pact does: POST, and POST again after `intervalMs` until the answer
 * is 200, at most `attempts` times. Resolves with the statuses of every attempt.
 */
export async function deliverLikePact(
  url: string,
  body: unknown,
  options: { attempts?: number; intervalMs?: number } = {},
): Promise<number[]> {
  const attempts = options.attempts ?? 10;
  const statuses: number[] = [];
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const response = await request(url, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      await response.body.text();
      statuses.push(response.statusCode);
      if (response.statusCode === 200) return statuses;
    } catch {
      statuses.push(0);
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 50));
  }
  return statuses;
}
