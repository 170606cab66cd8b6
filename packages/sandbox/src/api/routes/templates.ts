import { paginate } from '../pagination.js';
import type { Route } from '../router.js';
import { templateShape } from '../shapes.js';
import { companyOf, listBody } from './lookup.js';

/** `/p1/companies/:company/waba_templates`: the company's WhatsApp Business templates. */
export const templateRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/p1/companies/:company/waba_templates',
    handler: (ctx) => {
      const company = companyOf(ctx);
      const templates = ctx.services.store.templatesOf(company.external_id);
      const page = paginate(templates, (t) => t.id, ctx.request.params);
      return { body: listBody('waba_templates', page.items.map(templateShape), page.nextPage) };
    },
  },
];
