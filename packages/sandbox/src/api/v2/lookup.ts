import type { CompanyRecord, ConversationRecord } from '../../store/records.js';
import { ApiError } from '../api-error.js';
import type { RouteContext } from '../router.js';

function companyById(ctx: RouteContext, id: number): CompanyRecord {
  const company = ctx.services.store.company(id);
  if (!company) {
    const known = ctx.services.store.companies().map((c) => c.external_id);
    throw new ApiError(
      404,
      `company ${id} not found; this token's companies are ${known.join(', ')}`,
    );
  }
  return company;
}

/** The company of the `company_id` parameter, which v2's conversation, message and upload endpoints need. */
export function companyParam(ctx: RouteContext): CompanyRecord {
  const value = ctx.request.params.values.company_id;
  if (value === undefined || value === null || value === '') {
    throw new ApiError(400, 'company_id is required: the id of the company, as a number');
  }
  const id = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  if (!Number.isSafeInteger(id) || id <= 0) {
    throw new ApiError(
      400,
      `company_id must be a company id (a positive integer), got ${JSON.stringify(value)}`,
    );
  }
  return companyById(ctx, id);
}

/** The company of the path's `:company`, or 404. */
export function companyPath(ctx: RouteContext): CompanyRecord {
  const raw = ctx.segments.company ?? '';
  if (!/^\d+$/.test(raw))
    throw new ApiError(404, `company ${JSON.stringify(raw)} not found: company ids are numbers`);
  return companyById(ctx, Number(raw));
}

/** The path's `:conversation`, in the company of `company_id`, or 404. */
export function conversationParam(ctx: RouteContext): {
  company: CompanyRecord;
  conversation: ConversationRecord;
} {
  const company = companyParam(ctx);
  const raw = ctx.segments.conversation ?? '';
  const conversation = /^\d+$/.test(raw) ? ctx.services.store.conversation(Number(raw)) : undefined;
  if (!conversation || conversation.company_id !== company.external_id) {
    throw new ApiError(404, `conversation ${raw} not found in company ${company.external_id}`);
  }
  return { company, conversation };
}
