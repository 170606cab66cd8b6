import type { WabaTemplateRecord } from '../../../store/records.js';
import { ApiError } from '../../api-error.js';
import type { Route } from '../../router.js';
import { numberedPage } from '../pagination.js';
import { TEMPLATE_READ_LIMITS } from '../rate-limits.js';
import { templateV2 } from '../shapes.js';

/** `sort`: one key, `created_at` or `position`, `asc` or `desc`; newest first by default. */
function sorterOf(sort: Record<string, unknown> | undefined) {
  const entries = Object.entries(sort ?? { created_at: 'desc' });
  const [key, direction] = entries[0] ?? ['created_at', 'desc'];
  if (
    entries.length !== 1 ||
    (key !== 'created_at' && key !== 'position') ||
    (direction !== 'asc' && direction !== 'desc')
  ) {
    throw new ApiError(
      400,
      'sort must name one of created_at and position, asc or desc, such as {"position":"asc"}',
    );
  }
  const sign = direction === 'asc' ? 1 : -1;
  const value = (t: WabaTemplateRecord) =>
    key === 'position' ? t.position : t.created_at.getTime();
  return (a: WabaTemplateRecord, b: WabaTemplateRecord) =>
    sign * (value(a) - value(b) || a.id - b.id);
}

/** `GET /api/p2/waba_templates`: templates of the token's companies, or of `company_ids`. */
export const templateRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/api/p2/waba_templates',
    rateLimit: TEMPLATE_READ_LIMITS,
    handler: (ctx) => {
      const { params } = ctx.request;
      const { store } = ctx.services;
      const ids =
        params.ids('company_ids', 'a company id') ?? store.companies().map((c) => c.external_id);
      for (const id of ids) {
        if (!store.company(id)) throw new ApiError(404, `company ${id} of company_ids not found`);
      }
      const templates = ids
        .flatMap((id) => store.templatesOf(id))
        .sort(sorterOf(params.object('sort')));
      const page = numberedPage(templates, params, 25);
      return { body: { waba_templates: page.items.map(templateV2), meta: page.meta } };
    },
  },
];
