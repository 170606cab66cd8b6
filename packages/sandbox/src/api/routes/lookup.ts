import type { ChannelRecord, CompanyRecord, ConversationRecord } from '../../store/records.js';
import { ApiError } from '../api-error.js';
import type { RouteContext } from '../router.js';

function idOf(ctx: RouteContext, name: string, what: string): number {
  const raw = ctx.segments[name] ?? '';
  if (!/^\d+$/.test(raw)) {
    throw new ApiError(404, `${what} ${JSON.stringify(raw)} not found: ${what} ids are numbers`);
  }
  return Number(raw);
}

/** The company of the path's `:company`, or 404. */
export function companyOf(ctx: RouteContext): CompanyRecord {
  const id = idOf(ctx, 'company', 'company');
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

/** The conversation of the path's `:conversation`, in the path's company, or 404. */
export function conversationOf(ctx: RouteContext): ConversationRecord {
  const company = companyOf(ctx);
  const id = idOf(ctx, 'conversation', 'conversation');
  const conversation = ctx.services.store.conversation(id);
  if (!conversation || conversation.company_id !== company.external_id) {
    throw new ApiError(404, `conversation ${id} not found in company ${company.external_id}`);
  }
  return conversation;
}

/** The channel of the path's `:channel`, in the path's company, or 404. */
export function channelOf(ctx: RouteContext): ChannelRecord {
  const company = companyOf(ctx);
  const id = idOf(ctx, 'channel', 'channel');
  const channel = ctx.services.store.channel(id);
  if (!channel || channel.company_id !== company.external_id) {
    throw new ApiError(404, `channel ${id} not found in company ${company.external_id}`);
  }
  return channel;
}

/** `{ items…, next_page }` as the list endpoints answer; `next_page` only when there is one. */
export function listBody(key: string, items: unknown[], nextPage: string | undefined) {
  return {
    status: 'ok',
    data: { [key]: items, ...(nextPage === undefined ? {} : { next_page: nextPage }) },
  };
}
