import { createHash, timingSafeEqual } from 'node:crypto';

/** Query parameters in any of the forms frameworks hand them over. */
export type QueryInput =
  string | URLSearchParams | Record<string, string | string[] | undefined> | undefined;

/** The `secret` query parameter, from whatever form the query came in. */
export function secretOf(query: QueryInput): string | undefined {
  if (query === undefined) return undefined;
  if (typeof query === 'string')
    return (
      new URLSearchParams(query.startsWith('?') ? query.slice(1) : query).get('secret') ?? undefined
    );
  if (query instanceof URLSearchParams) return query.get('secret') ?? undefined;
  const value = query.secret;
  return Array.isArray(value) ? value[0] : value;
}

/** Compares secrets in constant time (digests first, so lengths do not show either). */
export function secretsMatch(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}
