import { asRecord, missing, objectAnswer, type AnswerReader } from '../answers.js';
import { PactArgumentError } from '../errors.js';
import { show } from '../validate.js';
import type { V2Meta, V2Page, V2PageParams } from './types.js';
import { objectOf, type V2ObjectKind } from './read.js';

function positiveInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

/** Checks `page` and `per_page` before any request: positive integers when given. */
export function checkPageParams(params: V2PageParams | undefined): void {
  if (params === undefined) return;
  if (params === null || typeof params !== 'object') {
    throw new PactArgumentError(`list parameters must be an object, got ${show(params)}`);
  }
  for (const name of ['page', 'per_page'] as const) {
    const value = params[name];
    if (value !== undefined && positiveInteger(value) === undefined) {
      throw new PactArgumentError(`${name} must be a positive integer, got ${show(value)}`);
    }
  }
}

/**
 * Reads a v2 list answer, `{"<key>": [...], "meta": {page, entries_count, per_page}}`. The next
 * page exists when this one is full (`entries_count` reached `per_page`); without `meta`, the
 * requested page and size stand in, and a page of unknown size is taken as the last.
 */
export function pageAnswer<T>(
  kind: V2ObjectKind,
  key: string,
  endpoint: string,
  params: V2PageParams | undefined,
): AnswerReader<V2Page<T>> {
  return (body) => {
    const list = objectAnswer(endpoint, body)[key];
    if (!Array.isArray(list)) missing(endpoint, `${key} list`, body);
    const items = (list as unknown[]).map((item, i) =>
      objectOf<T>(kind, item, endpoint, `${key}[${i}]`, body),
    );
    const raw = asRecord((body as Record<string, unknown>).meta);
    const page = positiveInteger(raw?.page) ?? params?.page ?? 1;
    const perPage = positiveInteger(raw?.per_page) ?? params?.per_page;
    const count = typeof raw?.entries_count === 'number' ? raw.entries_count : items.length;
    const meta: V2Meta | undefined =
      raw && perPage !== undefined ? { page, entries_count: count, per_page: perPage } : undefined;
    const full = perPage !== undefined && items.length > 0 && count >= perPage;
    return { items, nextPage: full ? page + 1 : undefined, page, meta };
  };
}

/**
 * Walks every page from `params.page` on, yielding each item. Stops at the last page, and where
 * Pact hands back a page it was not asked for (one it ignored `page` on), so a walk always ends.
 */
export async function* iterateNumbered<T>(
  loadPage: (params: V2PageParams) => Promise<V2Page<T>>,
  params: V2PageParams | undefined,
): AsyncGenerator<T, void, undefined> {
  checkPageParams(params);
  let page = params?.page ?? 1;
  let previousFirst: unknown;
  for (;;) {
    const result = await loadPage({ ...params, page });
    // The same first item as the page before: Pact answered the same page again.
    const first = (result.items[0] as { id?: unknown } | undefined)?.id;
    if (first !== undefined && first === previousFirst) return;
    previousFirst = first;
    yield* result.items;
    if (result.nextPage === undefined || result.nextPage <= page) return;
    page = result.nextPage;
  }
}
