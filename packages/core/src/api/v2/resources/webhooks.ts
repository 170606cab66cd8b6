import { missing, noAnswer, type AnswerReader } from '../../answers.js';
import { PactApiError, PactArgumentError } from '../../errors.js';
import type { RequestOptions } from '../../request.js';
import { optionalBoolean, requireHttpUrl, requireId, show } from '../../validate.js';
import { V2_BASE, type V2Context } from '../context.js';
import { checkPageParams, iterateNumbered, pageAnswer } from '../pages.js';
import { railsQuery } from '../query.js';
import { singleAnswer } from '../read.js';
import type { V2ListParams, V2Page, V2UpdateWebhookParams, V2Webhook } from '../types.js';

/** Most webhooks Pact keeps per company. */
export const MAX_COMPANY_WEBHOOKS = 5;

/** A webhook must say whether it is active: `ensure` decides on it. */
function webhookAnswer(endpoint: string): AnswerReader<V2Webhook> {
  const read = singleAnswer<V2Webhook>('webhook', endpoint);
  return (body) => {
    const webhook = read(body);
    if (typeof webhook.active !== 'boolean')
      missing(endpoint, 'webhook.active (true or false)', body);
    return webhook;
  };
}

/** Two URLs are the same webhook when they parse to the same address. */
function sameUrl(a: string, b: string): boolean {
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return a === b;
  }
}

/**
 * `client.v2.webhooks`: the URLs Pact posts the company's v2 events to, at most 5 per company.
 * A new webhook is inactive; activating it, or changing its URL, makes Pact POST
 * `{"source":"pact.im","operation":"test"}` to the URL, which must answer 200.
 */
export class V2WebhooksApi {
  readonly #api: V2Context;

  constructor(api: V2Context) {
    this.#api = api;
  }

  #path(options: RequestOptions | undefined, webhookId?: unknown): string {
    const base = `${V2_BASE}/companies/${this.#api.companyId(options)}/webhooks`;
    return webhookId === undefined ? base : `${base}/${requireId('webhookId', webhookId)}`;
  }

  /** One page of the company's webhooks. */
  async list(params?: V2ListParams, options?: RequestOptions): Promise<V2Page<V2Webhook>> {
    checkPageParams(params);
    return this.#api.call({
      method: 'GET',
      path: this.#path(options) + railsQuery({ page: params?.page, per_page: params?.per_page }),
      effect: 'read',
      options,
      read: pageAnswer<V2Webhook>('webhook', 'webhooks', 'v2.webhooks.list', params),
    });
  }

  /** Every webhook of the company, page after page. */
  iterate(
    params?: V2ListParams,
    options?: RequestOptions,
  ): AsyncGenerator<V2Webhook, void, undefined> {
    return iterateNumbered((p) => this.list(p, options), params);
  }

  /** Registers a URL. The webhook starts inactive: `update(id, { active: true })` switches it on. */
  async create(url: string, options?: RequestOptions): Promise<V2Webhook> {
    const json = { url: requireHttpUrl('url', url) };
    return this.#api.call({
      method: 'POST',
      path: this.#path(options),
      json,
      effect: 'create',
      options,
      read: webhookAnswer('v2.webhooks.create'),
    });
  }

  /**
   * Changes a webhook's URL or switches it on or off. Setting a URL or `active: true` makes Pact
   * POST its test body to the URL first; the endpoint must answer 200.
   */
  async update(
    webhookId: number,
    params: V2UpdateWebhookParams,
    options?: RequestOptions,
  ): Promise<V2Webhook> {
    const path = this.#path(options, webhookId);
    if (params === null || typeof params !== 'object') {
      throw new PactArgumentError(
        `webhook update needs an object like { active: true }, got ${show(params)}`,
      );
    }
    if (params.url === undefined && params.active === undefined) {
      throw new PactArgumentError('webhook update needs url or active; got neither');
    }
    const json = {
      url: params.url === undefined ? undefined : requireHttpUrl('url', params.url),
      active: optionalBoolean('active', params.active),
    };
    return this.#api.call({
      method: 'PUT',
      path,
      json,
      effect: 'update',
      options,
      read: webhookAnswer('v2.webhooks.update'),
    });
  }

  /** Removes a webhook. Pact answers 204 (or `{}`, in an older reference). */
  async delete(webhookId: number, options?: RequestOptions): Promise<void> {
    await this.#api.call({
      method: 'DELETE',
      path: this.#path(options, webhookId),
      effect: 'update',
      options,
      read: noAnswer('v2.webhooks.delete'),
    });
  }

  /**
   * Makes sure the company's events reach `url`: finds the company webhook with that URL, or
   * creates one, and activates it when it is not active. Resolves with the active webhook.
   *
   * Activating makes Pact POST `{"source":"pact.im","operation":"test"}` to the URL at once, and
   * the bot must answer it with 200 (`bot.handleWebhook` and `bot.listen` do): call `ensure` once
   * the bot is reachable at `url`. When the test fails, Pact's error rejects the call and the
   * webhook stays inactive; a later `ensure` finds it and tries again. A company holds at most 5
   * webhooks: with 5 and none of them `url`, this rejects (`PACTBOT_WEBHOOK_LIMIT`) without
   * changing any. Neither the URL nor those of the other webhooks appear in errors, since they
   * may carry a secret.
   */
  async ensure(url: string, options?: RequestOptions): Promise<V2Webhook> {
    const wanted = requireHttpUrl('url', url);
    const existing: V2Webhook[] = [];
    for await (const webhook of this.iterate(undefined, options)) existing.push(webhook);
    let webhook = existing.find((w) => sameUrl(w.url, wanted));
    if (!webhook) {
      if (existing.length >= MAX_COMPANY_WEBHOOKS) {
        throw new PactArgumentError(
          `the company ${this.#api.companyId(options)} already has ${existing.length} webhooks (the most Pact allows: ${MAX_COMPANY_WEBHOOKS}) and none of them has this URL; delete one with client.v2.webhooks.delete(id) (their ids: ${existing.map((w) => w.id).join(', ')}) and call ensure again`,
          { code: 'PACTBOT_WEBHOOK_LIMIT' },
        );
      }
      webhook = await this.create(wanted, options);
    }
    if (webhook.active) return webhook;
    const activated = await this.update(webhook.id, { active: true }, options);
    if (!activated.active) {
      throw new PactApiError({
        status: 200,
        method: 'PUT',
        path: this.#path(options, webhook.id),
        // The answer's URL stays out: it may carry the webhook's secret.
        body: { webhook: { id: activated.id, active: activated.active } },
        problem:
          'the webhook is still inactive after activation; Pact activates a webhook once its test POST to the URL is answered with 200',
      });
    }
    return activated;
  }
}
