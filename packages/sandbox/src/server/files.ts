import type http from 'node:http';
import type { SandboxStore } from '../store/store.js';
import { sendJson } from './http-util.js';

/** The path the sandbox serves an uploaded file at. */
export function filePath(id: number, fileName: string): string {
  return `/files/${id}/${encodeURIComponent(fileName)}`;
}

/** Serves uploaded files (the bot's and the customers'), by attachment id, for the page to show. */
export function createFileHandler(
  store: SandboxStore,
): (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => void {
  return (_req, res, url) => {
    const match = /^\/files\/(\d+)(?:\/[^/]*)?$/.exec(url.pathname);
    const attachment = match ? store.attachment(Number(match[1])) : undefined;
    if (!attachment?.bytes) {
      sendJson(res, 404, { status: 'errored', message: `no uploaded file at ${url.pathname}` });
      return;
    }
    res.writeHead(200, {
      'content-type': attachment.mime_type,
      'content-length': attachment.bytes.length,
      'content-disposition': `inline; filename*=UTF-8''${encodeURIComponent(attachment.file_name)}`,
      'cache-control': 'private, max-age=3600',
      // Uploaded bytes are shown as they are, never run as a page of the sandbox's origin.
      'content-security-policy':
        "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'",
      'x-content-type-options': 'nosniff',
    });
    res.end(attachment.bytes);
  };
}
