import { describe, isObject, sanitizeBody, type Json } from './json.js';
import { parseV1, V1_TYPE_NAMES } from './parse-v1.js';
import { parseV2 } from './parse-v2.js';
import type { Update } from './types.js';
import { WebhookError } from './webhook-error.js';

export { WebhookError } from './webhook-error.js';

/** What a webhook body turned out to be. */
export type ParsedWebhook =
  | { kind: 'update'; update: Update }
  /** Pact's `{"source":"pact.im","operation":"test"}` probe, sent when a webhook URL is saved. */
  | { kind: 'probe' }
  /** A well-formed body of a type or event pactbot does not know: acknowledged and reported. */
  | { kind: 'unknown'; type: unknown; event: unknown; body: Record<string, unknown> };

const KNOWN_TYPES = [...V1_TYPE_NAMES, 'auth'].join(', ');

/** v2's envelope carries `object`; v1's carries `data`. */
function isV2Envelope(body: Json): boolean {
  return body.object !== undefined && body.data === undefined;
}

/**
 * Turns a JSON-parsed webhook body of either envelope — v1's `{ type, event, data }` or v2's
 * `{ event, type, object }` — into a typed update. Throws {@link WebhookError} (status 400, a
 * one-line reason) for malformed input, including bodies nested absurdly deep; answers `unknown`
 * for well-formed bodies of types or events it does not know, so they are acknowledged and
 * reported, never thrown. Own `__proto__`, `constructor` and `prototype` keys are removed from
 * the body (in place) before anything reads it.
 */
export function parseWebhook(body: unknown): ParsedWebhook {
  if (!isObject(body))
    throw new WebhookError(400, `webhook body must be a JSON object, got ${describe(body)}`);
  sanitizeBody(body);
  if (body.source === 'pact.im' && body.operation === 'test') return { kind: 'probe' };
  const { type, event } = body;
  if (typeof type !== 'string' || type === '') {
    throw new WebhookError(400, `webhook has no type; expected one of ${KNOWN_TYPES}`);
  }
  const update =
    isV2Envelope(body) && typeof event === 'string'
      ? parseV2(body, type, event)
      : parseV1(body, type, event);
  return update ? { kind: 'update', update } : { kind: 'unknown', type, event, body };
}

/** Parses the raw bytes or text of a webhook; a body that is not JSON is a 400. */
export function parseWebhookBody(raw: string | Uint8Array): ParsedWebhook {
  const text =
    typeof raw === 'string'
      ? raw
      : Buffer.isBuffer(raw)
        ? raw.toString('utf8')
        : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new WebhookError(
      400,
      `webhook body is not JSON: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  return parseWebhook(value);
}
