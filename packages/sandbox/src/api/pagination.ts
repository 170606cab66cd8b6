import type { Params } from './params.js';

/** A page of a list: its items and, unless it is the last, the token of the next. */
export interface ListPage<T> {
  items: T[];
  nextPage: string | undefined;
}

const TOKEN_PREFIX = 'sbx1:';

function encodeToken(lastId: number): string {
  return Buffer.from(`${TOKEN_PREFIX}${lastId}`).toString('base64url');
}

/** The id a `from` token continues after; undefined for an empty or invalid token (first page). */
function decodeToken(token: string | undefined): number | undefined {
  if (!token) return undefined;
  const text = Buffer.from(token, 'base64url').toString('utf8');
  if (!text.startsWith(TOKEN_PREFIX)) return undefined;
  const id = Number(text.slice(TOKEN_PREFIX.length));
  return Number.isSafeInteger(id) ? id : undefined;
}

/**
 * One page of `items`, as every list endpoint of the reference pages: `from` (a `next_page` token;
 * an invalid or empty one gives the first page, at most 255 characters), `per` (1–100, default
 * 50), `sort_direction` (asc or desc by id, default asc).
 */
export function paginate<T>(
  items: readonly T[],
  idOf: (item: T) => number,
  params: Params,
): ListPage<T> {
  const from = params.string('from', { max: 255 });
  const per = params.integer('per', { min: 1, max: 100 }) ?? 50;
  const direction = params.oneOf('sort_direction', ['asc', 'desc'] as const) ?? 'asc';
  const after = decodeToken(from);
  const sorted = [...items].sort((a, b) =>
    direction === 'asc' ? idOf(a) - idOf(b) : idOf(b) - idOf(a),
  );
  const rest =
    after === undefined
      ? sorted
      : sorted.filter((item) => (direction === 'asc' ? idOf(item) > after : idOf(item) < after));
  const page = rest.slice(0, per);
  const last = page[page.length - 1];
  return {
    items: page,
    nextPage: rest.length > per && last !== undefined ? encodeToken(idOf(last)) : undefined,
  };
}
