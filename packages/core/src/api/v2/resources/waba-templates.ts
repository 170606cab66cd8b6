import { PactArgumentError } from '../../errors.js';
import type { RequestOptions } from '../../request.js';
import { requireId, requireOneOf, show } from '../../validate.js';
import { V2_BASE, type V2Context } from '../context.js';
import { checkPageParams, iterateNumbered, pageAnswer } from '../pages.js';
import { railsQuery } from '../query.js';
import type { V2ListWabaTemplatesParams, V2Page, V2WabaTemplate } from '../types.js';

function checkSort(sort: unknown): Record<string, string> | undefined {
  if (sort === undefined) return undefined;
  const entries = sort !== null && typeof sort === 'object' ? Object.entries(sort) : [];
  if (entries.length !== 1) {
    throw new PactArgumentError(
      `sort must name one field, like { position: "asc" } or { created_at: "desc" }, got ${show(sort)}`,
    );
  }
  const [[field, direction]] = entries as [[string, unknown]];
  requireOneOf('sort field', field, ['created_at', 'position'] as const);
  return { [field]: requireOneOf(`sort.${field}`, direction, ['asc', 'desc'] as const) };
}

/**
 * `client.v2.wabaTemplates`: WhatsApp Business templates, for writing first on
 * `whatsapp_business`. Reads spend the `v2-template-read` budget (20 a minute).
 */
export class V2WabaTemplatesApi {
  readonly #api: V2Context;

  constructor(api: V2Context) {
    this.#api = api;
  }

  /**
   * One page of templates, newest first unless `sort` says otherwise. Lists the call's company
   * (its options, else the client's) unless `company_ids` names others; `company_ids: []`, or a
   * client without a company, lists every company of the token's user.
   */
  async list(
    params?: V2ListWabaTemplatesParams,
    options?: RequestOptions,
  ): Promise<V2Page<V2WabaTemplate>> {
    checkPageParams(params);
    let ids: number[] | undefined;
    if (params?.company_ids !== undefined) {
      if (!Array.isArray(params.company_ids)) {
        throw new PactArgumentError(
          `company_ids must be an array of company ids, got ${show(params.company_ids)}`,
        );
      }
      ids = params.company_ids.map((id, i) => requireId(`company_ids[${i}]`, id));
    } else {
      const own = this.#api.companyIdIfAny(options);
      ids = own === undefined ? undefined : [own];
    }
    const query = railsQuery({
      company_ids: ids?.length ? ids : undefined,
      sort: checkSort(params?.sort),
      page: params?.page,
      per_page: params?.per_page,
    });
    return this.#api.call({
      method: 'GET',
      path: `${V2_BASE}/waba_templates${query}`,
      effect: 'read',
      budgetKey: this.#api.budgetKey(options, 'v2-template-read'),
      options,
      read: pageAnswer<V2WabaTemplate>(
        'waba_template',
        'waba_templates',
        'v2.wabaTemplates.list',
        params,
      ),
    });
  }

  /** Every template, page after page. */
  iterate(
    params?: V2ListWabaTemplatesParams,
    options?: RequestOptions,
  ): AsyncGenerator<V2WabaTemplate, void, undefined> {
    return iterateNumbered((p) => this.list({ ...params, ...p }, options), params);
  }
}
