import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type http from 'node:http';
import { fileURLToPath } from 'node:url';
import { mimeTypeOf } from '../util/mime.js';
import { sendJson } from './http-util.js';

/**
 * Where the chat page's files are: `src/page` next to this source, or, from a build in `dist`,
 * the `src/page` the package ships alongside it.
 */
export function pageDirectory(): string {
  const candidates = [
    new URL('../page/', import.meta.url),
    new URL('../../src/page/', import.meta.url),
  ];
  const found = candidates.find((url) => existsSync(new URL('index.html', url)));
  return fileURLToPath(found ?? candidates[0]!);
}

/**
 * Serves the chat page: `/` is `index.html`, `/page/<name>` the other files, as they are on disk
 * (no build step). Only plain file names are served, so nothing outside the folder can be reached.
 */
export function createStaticHandler(
  directory: string,
): (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => Promise<void> {
  return async (req, res, url) => {
    const name = url.pathname === '/' ? 'index.html' : url.pathname.slice('/page/'.length);
    const servable =
      (url.pathname === '/' || url.pathname.startsWith('/page/')) &&
      /^[\w-]+\.(html|css|js|svg|png)$/.test(name);
    if (!servable) {
      sendJson(res, 404, {
        status: 'errored',
        message: `nothing at ${url.pathname}; the chat page is at /`,
      });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(
        res,
        405,
        { status: 'errored', message: 'the page is read with GET' },
        { allow: 'GET' },
      );
      return;
    }
    let content: Buffer;
    try {
      content = await readFile(`${directory}/${name}`);
    } catch {
      sendJson(res, 404, { status: 'errored', message: `the page has no file ${name}` });
      return;
    }
    const type = mimeTypeOf(name);
    res.writeHead(200, {
      // The page's text files are UTF-8.
      'content-type': type.startsWith('text/') ? `${type}; charset=utf-8` : type,
      'content-length': content.length,
      'cache-control': 'no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : content);
  };
}
