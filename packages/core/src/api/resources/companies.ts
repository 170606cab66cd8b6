import { fetchPage, iteratePages, type ApiContext } from '../pagination.js';
import type { RequestOptions } from '../request.js';
import type { Company, ExternalIdResult, ListParams, Page } from '../types.js';
import { optionalBoolean, requireString } from '../validate.js';
import { externalIdAnswer } from './results.js';

/** Fields of a new company. */
export interface CreateCompanyParams {
  /** Company name, at most 255 characters. */
  name: string;
  /** Official phone number of the company or its contact person. */
  phone?: string | undefined;
  description?: string | undefined;
  /** Where Pact posts this company's webhooks. */
  webhook_url?: string | undefined;
}

/** Fields of a company to change; omitted fields stay as they are. */
export interface UpdateCompanyParams {
  name?: string | undefined;
  phone?: string | undefined;
  description?: string | undefined;
  /** Where Pact posts this company's webhooks. */
  webhook_url?: string | undefined;
  /** Hides or shows the company in Pact's web interface. */
  hidden?: boolean | undefined;
}

/** `client.companies`: the companies of the token's user. */
export class CompaniesApi {
  readonly #api: ApiContext;

  constructor(api: ApiContext) {
    this.#api = api;
  }

  /** One page of the user's companies. */
  async list(params?: ListParams, options?: RequestOptions): Promise<Page<Company>> {
    return fetchPage<Company>(this.#api, '/p1/companies', 'companies', params, options);
  }

  /** Every company of the user, page after page. */
  iterate(params?: ListParams, options?: RequestOptions): AsyncGenerator<Company, void, undefined> {
    return iteratePages((p) => this.list(p, options), params);
  }

  /** Creates a company. */
  async create(params: CreateCompanyParams, options?: RequestOptions): Promise<ExternalIdResult> {
    requireString('name', params?.name, 255);
    return this.#api.call({
      method: 'POST',
      path: '/p1/companies',
      json: params,
      effect: 'create',
      options,
      read: externalIdAnswer('companies.create'),
    });
  }

  /** Changes the company of `options.companyId` (or the client's), for instance its `webhook_url`. */
  async update(params: UpdateCompanyParams, options?: RequestOptions): Promise<ExternalIdResult> {
    if (params?.name !== undefined) requireString('name', params.name, 255);
    optionalBoolean('hidden', params?.hidden);
    return this.#api.call({
      method: 'PUT',
      path: this.#api.companyPath(options),
      json: params,
      effect: 'update',
      options,
      read: externalIdAnswer('companies.update'),
    });
  }
}
