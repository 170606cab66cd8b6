import type { Readable } from 'node:stream';
import { WebhookError } from '../webhook/parse.js';

/** Pact's webhooks are small; a body over this is refused with 413. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/**
 * Reads a request body up to `limit` bytes. A declared Content-Length over the limit is refused
 * before reading; a body that grows past it is refused as soon as it does. (Stream events rather
 * than `for await`: this runs for every webhook, and the async iterator costs several times more.)
 */
export function readBody(
  stream: Readable,
  limit: number,
  declaredLength?: string | number,
): Promise<Buffer> {
  const declared = declaredLength === undefined ? undefined : Number(declaredLength);
  if (declared !== undefined && Number.isFinite(declared) && declared > limit) {
    return Promise.reject(
      new WebhookError(
        413,
        `webhook body of ${declared} bytes is over the limit of ${limit} bytes`,
      ),
    );
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // 'close' follows 'end' on every request; once settled, it must not build an Error for nothing.
    let settled = false;
    const cleanup = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
    };
    const onData = (chunk: Buffer | string) => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += buffer.length;
      if (size > limit) {
        settled = true;
        cleanup();
        stream.pause();
        reject(new WebhookError(413, `webhook body is over the limit of ${limit} bytes`));
        return;
      }
      chunks.push(buffer);
    };
    const onEnd = () => {
      // The request is done with: its listeners go with it, no need to remove them one by one.
      settled = true;
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      if (settled) return;
      settled = true;
      cleanup();
      reject(error);
    };
    const onClose = () => {
      if (settled) return;
      settled = true;
      cleanup();
      reject(new Error('the request was closed before its body arrived'));
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}

/**
 * Checks a webhook's Content-Type: JSON (`application/json`, `…+json`, any charset) or none at all.
 * Anything else is refused with 415.
 */
export function checkContentType(contentType: string | undefined): void {
  if (contentType === undefined || contentType === '' || contentType === 'application/json') return;
  const type = contentType.split(';', 1)[0]!.trim().toLowerCase();
  if (type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json')))
    return;
  throw new WebhookError(
    415,
    `webhook content type ${JSON.stringify(type)} is not JSON; send application/json`,
  );
}
