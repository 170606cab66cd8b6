import { ApiError } from '../api-error.js';
import { paginate } from '../pagination.js';
import type { Params } from '../params.js';
import type { Route } from '../router.js';
import { companyShape } from '../shapes.js';
import { httpUrl } from '../../util/http-url.js';
import { companyOf, listBody } from './lookup.js';

/**
 * A `webhook_url` to set: an http(s) URL, or empty to clear it. The reference only asks for a
 * string; the sandbox checks more, because it will post to it.
 */
function webhookUrlOf(params: Params): string | null | undefined {
  if (!params.has('webhook_url')) return undefined;
  const value = params.string('webhook_url');
  if (value === undefined) return null;
  if (!httpUrl(value)) {
    throw new ApiError(
      400,
      `webhook_url must be an http or https URL (or empty to clear it), got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** `/p1/companies`: list, create, update. */
export const companyRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/p1/companies',
    handler: ({ request, services }) => {
      const page = paginate(services.store.companies(), (c) => c.external_id, request.params);
      return { body: listBody('companies', page.items.map(companyShape), page.nextPage) };
    },
  },
  {
    method: 'POST',
    pattern: '/p1/companies',
    handler: ({ request, services }) => {
      const { params } = request;
      const name = params.string('name', { required: true, max: 255 })!;
      const phone = params.string('phone');
      const description = params.string('description');
      const webhookUrl = webhookUrlOf(params);
      const company = services.store.addCompany({
        name,
        phone,
        description,
        webhook_url: webhookUrl,
      });
      if (company.webhook_url) services.webhookUrlChanged(company);
      return { body: { status: 'created', data: { external_id: company.external_id } } };
    },
  },
  {
    method: 'PUT',
    pattern: '/p1/companies/:company',
    handler: (ctx) => {
      const company = companyOf(ctx);
      const { params } = ctx.request;
      const name = params.string('name', { max: 255 });
      const phone = params.string('phone');
      const description = params.string('description');
      const webhookUrl = webhookUrlOf(params);
      const hidden = params.boolean('hidden');
      if (name !== undefined) company.name = name;
      if (phone !== undefined) company.phone = phone;
      if (description !== undefined) company.description = description;
      if (hidden !== undefined) company.hidden = hidden;
      if (webhookUrl !== undefined && webhookUrl !== company.webhook_url) {
        company.webhook_url = webhookUrl;
        ctx.services.webhookUrlChanged(company);
      }
      return { body: { status: 'updated', data: { external_id: company.external_id } } };
    },
  },
];
