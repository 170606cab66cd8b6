import type { Readable } from 'node:stream';
import { WebhookError } from '../webhook/parse.js';

/** Pact's webhooks are small; a body over this is refused with 413. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/**
 * Reads a request body up to `limit` bytes. A declared Content-Length over the limit is refused
 * before reading; a body that grows past it is refused as soon as it does.
 */
export async function readBody(
  stream: Readable,
  limit: number,
  declaredLength?: string | number,
): Promise<Buffer> {
  const declared = declaredLength === undefined ? undefined : Number(declaredLength);
  if (declared !== undefined && Number.isFinite(declared) && declared > limit) {
    throw new WebhookError(
      413,
      `webhook body of ${declared} bytes is over the limit of ${limit} bytes`,
    );
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    if (size > limit)
      throw new WebhookError(413, `webhook body is over the limit of ${limit} bytes`);
    chunks.push(buffer);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
}

/**
 * Checks a webhook's Content-Type: JSON (`application/json`, `…+json`, any charset) or none at all.
 * Anything else is refused with 415.
 */
export function checkContentType(contentType: string | undefined): void {
  if (contentType === undefined || contentType === '') return;
  const type = contentType.split(';', 1)[0]!.trim().toLowerCase();
  if (type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json')))
    return;
  throw new WebhookError(
    415,
    `webhook content type ${JSON.stringify(type)} is not JSON; send application/json`,
  );
}
