import type { ConversationRecord } from '../../../store/records.js';
import { ApiError } from '../../api-error.js';
import type { Route, RouteContext } from '../../router.js';
import { companyParam, conversationParam } from '../lookup.js';
import { numberedPage } from '../pagination.js';
import { CONVERSATION_READ_LIMITS } from '../rate-limits.js';
import { conversationV2 } from '../shapes.js';

/** What `search_string` is matched against: the customer's phone, name and public id, without `+` or `@`. */
function matches(conversation: ConversationRecord, search: string): boolean {
  const wanted = search.trim().replace(/^[+@]/, '').toLowerCase();
  return [conversation.name, conversation.sender_external_id].some((field) =>
    field.replace(/^[+@]/, '').toLowerCase().includes(wanted),
  );
}

/** Newest activity first, as Pact's inbox lists them (the reference names the key, not the direction). */
function byActivity(a: ConversationRecord, b: ConversationRecord): number {
  const at = (c: ConversationRecord) => (c.last_message_at ?? c.created_at).getTime();
  // Within one millisecond, the latest message is the newest activity (message ids only grow).
  return (
    at(b) - at(a) ||
    (b.last_message_id ?? 0) - (a.last_message_id ?? 0) ||
    b.external_id - a.external_id
  );
}

function shape(ctx: RouteContext, conversation: ConversationRecord) {
  return conversationV2(conversation, ctx.services.avatarUrl(conversation));
}

/** `/api/p2/conversations`: list (with `search_string`), get, update. */
export const conversationRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/api/p2/conversations',
    rateLimit: CONVERSATION_READ_LIMITS,
    handler: (ctx) => {
      const company = companyParam(ctx);
      const search = ctx.request.params.string('search_string');
      const conversations = ctx.services.store
        .conversations(company.external_id)
        .filter((c) => !search || matches(c, search))
        .sort(byActivity);
      const page = numberedPage(conversations, ctx.request.params, 25);
      return {
        body: { conversations: page.items.map((c) => shape(ctx, c)), meta: page.meta },
      };
    },
  },
  {
    method: 'GET',
    pattern: '/api/p2/conversations/:conversation',
    rateLimit: CONVERSATION_READ_LIMITS,
    handler: (ctx) => ({ body: { conversation: shape(ctx, conversationParam(ctx).conversation) } }),
  },
  {
    method: 'PUT',
    pattern: '/api/p2/conversations/:conversation',
    handler: (ctx) => {
      const { conversation } = conversationParam(ctx);
      const { params } = ctx.request;
      const operational = params.oneOf('operational_state', ['open', 'archived'] as const);
      const replied = params.oneOf('replied_state', ['replied', 'unreplied'] as const);
      const assignee = params.values.assignee_id;
      let assigneeId: number | null | undefined;
      if (assignee === null) assigneeId = null;
      else if (assignee !== undefined) {
        assigneeId = params.integer('assignee_id', { min: 1, max: Number.MAX_SAFE_INTEGER });
        if (assigneeId === undefined) {
          throw new ApiError(400, 'assignee_id must be a user id, or null to remove the assignee');
        }
      }
      const before = JSON.stringify(conversation);
      if (operational) conversation.operational_state = operational;
      if (replied) conversation.replied_state = replied;
      if (assigneeId !== undefined) conversation.assignee_id = assigneeId;
      if (JSON.stringify(conversation) !== before)
        ctx.services.emulator.conversationChanged(conversation);
      return { body: { conversation: shape(ctx, conversation) } };
    },
  },
];
