import { dataAnswer, missing } from './answers.js';
import type { ApiCall, RequestOptions } from './request.js';
import type { ListParams, Page } from './types.js';
import { checkListParams } from './validate.js';

/** What resources need from the client to make calls. */
export interface ApiContext {
  /** Runs a call with the client's retries, budget and timeout; resolves with what its `read` makes of the answer. */
  call<T = unknown>(call: ApiCall<T>): Promise<T>;
  /** `/p1/companies/<id>` for the call's company (the call's option, else the client's). */
  companyPath(options?: RequestOptions): string;
  /** The sending-budget key of the call's company. */
  budgetKey(options?: RequestOptions): string;
}

/** Encodes defined parameters as a query string (empty when there are none). */
export function queryString(params: object | undefined): string {
  if (!params) return '';
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params as Record<string, unknown>)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      search.append(key, String(value));
    }
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** The `data` object of a Pact answer (`{"status": "ok", "data": {...}}`), or `{}`. */
export function dataOf(body: unknown): Record<string, unknown> {
  if (body !== null && typeof body === 'object') {
    const data = (body as { data?: unknown }).data;
    if (data !== null && typeof data === 'object') return data as Record<string, unknown>;
  }
  return {};
}

/**
 * Fetches one page of a list endpoint whose items sit under `data[key]`. An answer without that
 * list fails the call (`endpoint` names it in the error) rather than reading as an empty page.
 */
export async function fetchPage<T>(
  api: ApiContext,
  path: string,
  key: string,
  params: ListParams | undefined,
  options: RequestOptions | undefined,
  endpoint = `${key}.list`,
): Promise<Page<T>> {
  checkListParams(params);
  return api.call({
    method: 'GET',
    path:
      path +
      queryString({ from: params?.from, per: params?.per, sort_direction: params?.sort_direction }),
    effect: 'read',
    options,
    read: (body) => {
      const items = dataAnswer(endpoint, body)[key];
      if (!Array.isArray(items)) missing(endpoint, `data.${key} list`, body);
      const next = dataOf(body).next_page;
      return {
        items: items as T[],
        nextPage: typeof next === 'string' && next !== '' ? next : undefined,
      };
    },
  });
}

/**
 * Walks every page from `params.from` on, yielding each item. Stops at a page without a
 * `next_page`, at an empty page, or when Pact hands back the token it was given.
 */
export async function* iteratePages<T>(
  loadPage: (params: ListParams) => Promise<Page<T>>,
  params: ListParams | undefined,
): AsyncGenerator<T, void, undefined> {
  checkListParams(params);
  let from = params?.from;
  for (;;) {
    const page = await loadPage({ ...params, from });
    yield* page.items;
    if (page.items.length === 0 || page.nextPage === undefined || page.nextPage === from) return;
    from = page.nextPage;
  }
}
