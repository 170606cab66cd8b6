import { createHash, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import { ApiError } from './api-error.js';

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/**
 * Checks the API token, which Pact takes in the `X-Private-Api-Token` header or the
 * `private_api_token` query parameter: 401 when it is missing or wrong.
 */
export function checkToken(req: http.IncomingMessage, url: URL, token: string): void {
  const header = req.headers['x-private-api-token'];
  const given =
    (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('private_api_token');
  if (given === null || given === undefined || given === '') {
    throw new ApiError(
      401,
      'the API token is missing: send it in the X-Private-Api-Token header or the private_api_token query parameter',
    );
  }
  if (!timingSafeEqual(digest(given), digest(token))) {
    throw new ApiError(401, 'the API token is wrong: use the token the sandbox was started with');
  }
}

/** The path and query of a call with the token parameter masked, for logs. */
export function loggedPath(url: URL): string {
  const query = new URLSearchParams(url.searchParams);
  if (query.has('private_api_token')) query.set('private_api_token', '[redacted]');
  const search = query.toString();
  return search ? `${url.pathname}?${search}` : url.pathname;
}

/** A copy of a value with every occurrence of the token masked, for logs. */
export function redactToken(value: unknown, token: string): unknown {
  if (typeof value === 'string') return value.split(token).join('[redacted]');
  if (Array.isArray(value)) return value.map((item) => redactToken(item, token));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, redactToken(item, token)]),
    );
  }
  return value;
}
