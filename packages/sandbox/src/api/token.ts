import { createHash, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** The token a call carries in the `X-Private-Api-Token` header or the `private_api_token` query parameter. */
export function givenToken(req: http.IncomingMessage, url: URL): string | undefined {
  const header = req.headers['x-private-api-token'];
  const given =
    (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('private_api_token');
  return given === null || given === '' ? undefined : given;
}

/** What is wrong with a given token, compared in constant time; undefined when it is the right one. */
export function tokenProblem(given: unknown, token: string): 'missing' | 'wrong' | undefined {
  if (given === undefined || given === null || given === '') return 'missing';
  if (typeof given !== 'string') return 'wrong';
  return timingSafeEqual(digest(given), digest(token)) ? undefined : 'wrong';
}

/** The path and query of a call with the token parameter masked, for logs. */
export function loggedPath(url: URL): string {
  const query = new URLSearchParams(url.searchParams);
  if (query.has('private_api_token')) query.set('private_api_token', '[redacted]');
  const search = query.toString();
  return search ? `${url.pathname}?${search}` : url.pathname;
}

/** Fields that hold secrets besides the API token: a messenger bot's token, given to create an auth. */
const SECRET_FIELDS = new Set(['token', 'private_api_token']);

/** A copy of a value with every occurrence of the token, and every secret field, masked, for logs. */
export function redactToken(value: unknown, token: string): unknown {
  if (typeof value === 'string') return value.split(token).join('[redacted]');
  if (Array.isArray(value)) return value.map((item) => redactToken(item, token));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        SECRET_FIELDS.has(key) && item !== undefined && item !== null
          ? '[redacted]'
          : redactToken(item, token),
      ]),
    );
  }
  return value;
}
