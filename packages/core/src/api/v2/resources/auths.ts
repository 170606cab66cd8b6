import { asRecord, missing, noAnswer, objectAnswer, type AnswerReader } from '../../answers.js';
import { PactArgumentError } from '../../errors.js';
import type { RequestOptions } from '../../request.js';
import { requireId, requireString, show } from '../../validate.js';
import { V2_BASE, type V2Context } from '../context.js';
import { checkPageParams, iterateNumbered, pageAnswer } from '../pages.js';
import { railsQuery } from '../query.js';
import { objectOf } from '../read.js';
import type {
  V2Auth,
  V2CreateAuthParams,
  V2EnableAuthParams,
  V2ListAllAuthsParams,
  V2ListParams,
  V2Page,
} from '../types.js';
import { createAuthBody } from './auth-params.js';

/** Fields of a confirmation step that Pact may put beside the auth instead of inside it. */
const STEP_FIELDS = ['qr', 'code', 'oauth_provider_url'] as const;

/**
 * Reads an auth from an answer the reference does not show: `{"auth": {...}}`, or the auth
 * itself, with `qr`, `code` or `oauth_provider_url` taken from beside it when they sit there.
 */
function authAnswer(endpoint: string, required: true): AnswerReader<V2Auth>;
function authAnswer(endpoint: string, required: false): AnswerReader<V2Auth | undefined>;
function authAnswer(endpoint: string, required: boolean): AnswerReader<V2Auth | undefined> {
  return (body) => {
    if (!required && body === undefined) return undefined;
    const answer = objectAnswer(endpoint, body);
    const inner = asRecord(answer.auth) ?? (answer.id !== undefined ? answer : undefined);
    if (!inner) return required ? missing(endpoint, 'auth object', body) : undefined;
    const merged = { ...inner };
    for (const field of STEP_FIELDS) {
      if (merged[field] === undefined && answer[field] !== undefined) merged[field] = answer[field];
    }
    return objectOf<V2Auth>('auth', merged, endpoint, 'auth', body);
  };
}

function companyIds(value: unknown): number[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new PactArgumentError(
      `company_ids must be a non-empty array of company ids, got ${Array.isArray(value) ? 'an empty array' : show(value)}`,
    );
  }
  return value.map((id, i) => requireId(`company_ids[${i}]`, id));
}

/**
 * `client.v2.auths`: the company's connected messenger accounts (v1's channels). An auth is
 * created, then confirmed — by a QR code (`qr`), a code (WhatsApp answers `code`; Telegram
 * sends one, passed to `confirm`), or OAuth (`oauth_provider_url`) — and `auth` webhooks report
 * each step.
 */
export class V2AuthsApi {
  readonly #api: V2Context;

  constructor(api: V2Context) {
    this.#api = api;
  }

  #path(options: RequestOptions | undefined, authId?: unknown, tail = ''): string {
    const base = `${V2_BASE}/companies/${this.#api.companyId(options)}/auths`;
    return authId === undefined ? base : `${base}/${requireId('authId', authId)}${tail}`;
  }

  /** One page of the company's auths. */
  async list(params?: V2ListParams, options?: RequestOptions): Promise<V2Page<V2Auth>> {
    checkPageParams(params);
    const path =
      this.#path(options) + railsQuery({ page: params?.page, per_page: params?.per_page });
    return this.#api.call({
      method: 'GET',
      path,
      effect: 'read',
      options,
      read: pageAnswer<V2Auth>('auth', 'auths', 'v2.auths.list', params),
    });
  }

  /** Every auth of the company, page after page. */
  iterate(
    params?: V2ListParams,
    options?: RequestOptions,
  ): AsyncGenerator<V2Auth, void, undefined> {
    return iterateNumbered((p) => this.list(p, options), params);
  }

  /** One page of the auths of several companies at once. */
  async listAll(params: V2ListAllAuthsParams, options?: RequestOptions): Promise<V2Page<V2Auth>> {
    checkPageParams(params);
    const query = railsQuery({
      company_ids: companyIds(params?.company_ids),
      page: params.page,
      per_page: params.per_page,
    });
    return this.#api.call({
      method: 'GET',
      path: `${V2_BASE}/auths${query}`,
      effect: 'read',
      options,
      read: pageAnswer<V2Auth>('auth', 'auths', 'v2.auths.listAll', params),
    });
  }

  /** Every auth of several companies, page after page. */
  iterateAll(
    params: V2ListAllAuthsParams,
    options?: RequestOptions,
  ): AsyncGenerator<V2Auth, void, undefined> {
    return iterateNumbered((p) => this.listAll({ ...params, ...p }, options), params);
  }

  /**
   * Connects a messenger account; the parameters depend on the provider. Resolves with the new
   * auth, carrying the first confirmation step where the provider has one: `qr` to show, `code`
   * to type into WhatsApp, or `oauth_provider_url` to open.
   */
  async create(params: V2CreateAuthParams, options?: RequestOptions): Promise<V2Auth> {
    const json = createAuthBody(params);
    return this.#api.call({
      method: 'POST',
      path: this.#path(options),
      json,
      effect: 'create',
      options,
      read: authAnswer('v2.auths.create', true),
    });
  }

  /**
   * Enables an auth: re-enables a disabled one, or finishes Telegram Personal's code flow with
   * `{ code }`. Resolves with the auth when Pact sends it back (the reference shows no answer).
   */
  async enable(
    authId: number,
    params?: V2EnableAuthParams,
    options?: RequestOptions,
  ): Promise<V2Auth | undefined> {
    const path = this.#path(options, authId, '/enable');
    if (params !== undefined && (params === null || typeof params !== 'object')) {
      throw new PactArgumentError(`enable parameters must be an object, got ${show(params)}`);
    }
    const json = {
      code: params?.code === undefined ? undefined : requireString('code', params.code),
      client_url:
        params?.client_url === undefined
          ? undefined
          : requireString('client_url', params.client_url),
    };
    return this.#api.call({
      method: 'PUT',
      path,
      json,
      effect: 'update',
      options,
      read: authAnswer('v2.auths.enable', false),
    });
  }

  /** Finishes Telegram Personal's code flow with the code Telegram sent (digits, kept as written). */
  async confirm(
    authId: number,
    code: string,
    options?: RequestOptions,
  ): Promise<V2Auth | undefined> {
    const digits = typeof code === 'number' ? String(code) : code;
    if (typeof digits !== 'string' || !/^\d+$/.test(digits)) {
      throw new PactArgumentError(`code must be the digits Telegram sent, got ${show(code)}`);
    }
    return this.enable(authId, { code: digits }, options);
  }

  /** Disables an auth; it stays and can be enabled again. */
  async disable(authId: number, options?: RequestOptions): Promise<V2Auth | undefined> {
    return this.#api.call({
      method: 'PUT',
      path: this.#path(options, authId, '/disable'),
      json: {},
      effect: 'update',
      options,
      read: authAnswer('v2.auths.disable', false),
    });
  }

  /** Deletes an auth for good; an `auth`/`delete` webhook follows. */
  async delete(authId: number, options?: RequestOptions): Promise<void> {
    await this.#api.call({
      method: 'DELETE',
      path: this.#path(options, authId),
      effect: 'update',
      options,
      read: noAnswer('v2.auths.delete'),
    });
  }
}
