import http from 'node:http';
import { sendJson } from './http-util.js';

/** Answers a request whose path is known to be its: `(req, res, url)`. */
export type PathHandler = (
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
) => Promise<void> | void;

/** What answers each part of the sandbox's address space. */
export interface SandboxHandlers {
  /** Pact's API v1, `/p1/…`. */
  apiV1: PathHandler;
  /** Pact's API v2, `/api/p2/…`. */
  apiV2: PathHandler;
  /** The page's own endpoints, `/sandbox/…`. */
  page: PathHandler;
  /** Uploaded files, `/files/…`. */
  files: PathHandler;
  /** Customers' avatars, `/avatars/…`. */
  avatars: PathHandler;
  /** The chat page, `/` and `/page/…`. */
  statics: PathHandler;
}

function under(pathname: string, prefix: string): boolean {
  return pathname === prefix || pathname.startsWith(`${prefix}/`);
}

/** The sandbox's HTTP server: each path to its handler, and a 500 naming the failure if one throws. */
export function createSandboxServer(handlers: SandboxHandlers): http.Server {
  return http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const { pathname } = url;
    const handler = under(pathname, '/p1')
      ? handlers.apiV1
      : under(pathname, '/api/p2')
        ? handlers.apiV2
        : pathname.startsWith('/sandbox/')
          ? handlers.page
          : pathname.startsWith('/files/')
            ? handlers.files
            : pathname.startsWith('/avatars/')
              ? handlers.avatars
              : handlers.statics;
    void Promise.resolve()
      .then(() => handler(req, res, url))
      .catch((error: unknown) => {
        if (!res.headersSent) {
          sendJson(res, 500, {
            status: 'errored',
            message: `the sandbox failed: ${(error as Error).message}`,
          });
        } else res.destroy();
      });
  });
}
