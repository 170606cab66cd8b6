import type { CompanyWebhookRecord } from '../../../store/records.js';
import { httpUrl } from '../../../util/http-url.js';
import { ApiError } from '../../api-error.js';
import type { Route, RouteContext } from '../../router.js';
import { companyPath } from '../lookup.js';
import { numberedPage } from '../pagination.js';
import { webhookV2 } from '../shapes.js';

/** Company webhooks a company may have. */
const MAX_WEBHOOKS = 5;

function bad(message: string): ApiError {
  return new ApiError(400, message);
}

/** A webhook URL: the reference asks for a string; the sandbox posts to it, so it wants http(s). */
function urlOf(ctx: RouteContext, required: boolean): string | undefined {
  const url = ctx.request.params.string('url', { required });
  if (url !== undefined && !httpUrl(url)) {
    throw bad(`url must be an http or https URL, got ${JSON.stringify(url)}`);
  }
  return url;
}

function webhookOf(ctx: RouteContext): CompanyWebhookRecord {
  const company = companyPath(ctx);
  const raw = ctx.segments.webhook ?? '';
  const webhook = /^\d+$/.test(raw) ? ctx.services.store.webhook(Number(raw)) : undefined;
  if (!webhook || webhook.company_id !== company.external_id) {
    throw new ApiError(404, `webhook ${raw} not found in company ${company.external_id}`);
  }
  return webhook;
}

/**
 * `/api/p2/companies/:company/webhooks`: at most 5 per company, created inactive. Setting the URL
 * or activating posts Pact's URL test, `{"source":"pact.im","operation":"test"}`, once; what Pact
 * does when it does not get 200 the reference leaves open, and the sandbox refuses the change
 * with 400 (the webhook stays as it was), saying what the URL answered.
 */
export const webhookRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/api/p2/companies/:company/webhooks',
    handler: (ctx) => {
      const webhooks = ctx.services.store.webhooksOf(companyPath(ctx).external_id);
      const page = numberedPage(webhooks, ctx.request.params, 25);
      return { body: { webhooks: page.items.map(webhookV2), meta: page.meta } };
    },
  },
  {
    method: 'POST',
    pattern: '/api/p2/companies/:company/webhooks',
    handler: (ctx) => {
      const company = companyPath(ctx);
      const url = urlOf(ctx, true)!;
      const { store } = ctx.services;
      if (store.webhooksOf(company.external_id).length >= MAX_WEBHOOKS) {
        throw bad(
          `company ${company.external_id} has ${MAX_WEBHOOKS} webhooks already, the most Pact allows; delete one first`,
        );
      }
      const webhook = store.addWebhook({ company_id: company.external_id, url, active: false });
      return { body: { webhook: webhookV2(webhook) } };
    },
  },
  {
    method: 'PUT',
    pattern: '/api/p2/companies/:company/webhooks/:webhook',
    handler: async (ctx) => {
      const webhook = webhookOf(ctx);
      const url = urlOf(ctx, false);
      const active = ctx.request.params.boolean('active');
      const nextUrl = url ?? webhook.url;
      const nextActive = active ?? webhook.active;
      if (url !== undefined || (nextActive && !webhook.active)) {
        const test = await ctx.services.testWebhookUrl(webhook.company_id, nextUrl);
        if (!test.delivered) {
          const answer =
            test.status !== undefined
              ? `answered ${test.status}`
              : `did not answer (${test.error ?? 'no answer'})`;
          throw bad(
            `${nextUrl} ${answer} to Pact's test POST {"source":"pact.im","operation":"test"}; it must answer 200, so the webhook was not changed`,
          );
        }
      }
      const changed = nextUrl !== webhook.url || nextActive !== webhook.active;
      webhook.url = nextUrl;
      webhook.active = nextActive;
      if (changed) ctx.services.targetsChanged(webhook.company_id);
      return { body: { webhook: webhookV2(webhook) } };
    },
  },
  {
    method: 'DELETE',
    pattern: '/api/p2/companies/:company/webhooks/:webhook',
    handler: (ctx) => {
      const webhook = webhookOf(ctx);
      ctx.services.store.removeWebhook(webhook.id);
      ctx.services.targetsChanged(webhook.company_id);
      return { status: 204, body: undefined };
    },
  },
];
