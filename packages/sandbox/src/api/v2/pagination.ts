import type { Params } from '../params.js';

/** `meta` of a v2 list: the page, how many entries it has, and the page size asked for. */
export interface PageMeta {
  page: number;
  entries_count: number;
  per_page: number;
}

/** Pages past this size are refused; the reference names no maximum, and a client needs none. */
const MAX_PER_PAGE = 10_000;

/**
 * One numbered page of `items` (already in order), as v2 lists page: `page` from 1, `per_page`
 * with the endpoint's default. The last page is the one with fewer entries than `per_page`.
 */
export function numberedPage<T>(
  items: readonly T[],
  params: Params,
  defaultPerPage: number,
): { items: T[]; meta: PageMeta } {
  const page = params.integer('page', { min: 1, max: Number.MAX_SAFE_INTEGER }) ?? 1;
  const perPage = params.integer('per_page', { min: 1, max: MAX_PER_PAGE }) ?? defaultPerPage;
  const slice = items.slice((page - 1) * perPage, page * perPage);
  return { items: slice, meta: { page, entries_count: slice.length, per_page: perPage } };
}
