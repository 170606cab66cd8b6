import { fetchPage, iteratePages, type ApiContext } from '../pagination.js';
import type { RequestOptions } from '../request.js';
import type { ListParams, Page, WabaTemplate } from '../types.js';

/** `client.wabaTemplates`: the company's WhatsApp Business message templates. */
export class WabaTemplatesApi {
  readonly #api: ApiContext;

  constructor(api: ApiContext) {
    this.#api = api;
  }

  /** One page of templates. */
  async list(params?: ListParams, options?: RequestOptions): Promise<Page<WabaTemplate>> {
    return fetchPage<WabaTemplate>(
      this.#api,
      `${this.#api.companyPath(options)}/waba_templates`,
      'waba_templates',
      params,
      options,
      'wabaTemplates.list',
    );
  }

  /** Every template, page after page. */
  iterate(
    params?: ListParams,
    options?: RequestOptions,
  ): AsyncGenerator<WabaTemplate, void, undefined> {
    return iteratePages((p) => this.list(p, options), params);
  }
}
