import type { ConversationRecord, MessageRecord } from '../../../store/records.js';
import { ApiError } from '../../api-error.js';
import type { Route, RouteContext } from '../../router.js';
import { checkSendable } from '../../sendable.js';
import { conversationParam } from '../lookup.js';
import { attachmentOf, refuseInteractive, textOf } from '../message-content.js';
import { numberedPage } from '../pagination.js';
import { MESSAGE_READ_LIMITS, SEND_LIMITS } from '../rate-limits.js';
import { messageStatus, messageV2 } from '../shapes.js';

function bad(message: string): ApiError {
  return new ApiError(400, message);
}

/** Messengers whose messages Pact can delete (the reference's list). */
const DELETABLE_ON = ['whatsapp', 'telegram_personal', 'max'];

/** The message a `replied_to_id` names: a message of the conversation, by the messenger's id. */
function checkRepliedTo(ctx: RouteContext, conversation: ConversationRecord): string | undefined {
  const id = ctx.request.params.string('replied_to_id');
  if (id === undefined) return undefined;
  const quoted = ctx.services.store
    .messagesOf(conversation.external_id)
    .some((message) => message.provider_id === id && messageStatus(message) !== 'sent');
  if (!quoted) {
    throw bad(
      `replied_to_id is ${JSON.stringify(id)}, which is the external_id of no message of conversation ${conversation.external_id}`,
    );
  }
  return id;
}

function messageIdsOf(ctx: RouteContext, conversation: ConversationRecord): MessageRecord[] {
  const ids = ctx.request.params.ids('message_ids', 'a message id');
  if (!ids || ids.length === 0)
    throw bad('message_ids is required: the ids of the messages to delete');
  if (ids.length > 100) throw bad(`message_ids takes at most 100 ids, got ${ids.length}`);
  return ids.map((id, i) => {
    const message = ctx.services.store.message(id);
    if (!message || message.conversation_id !== conversation.external_id) {
      throw bad(
        `message_ids[${i}] is ${id}, which is no message of conversation ${conversation.external_id}`,
      );
    }
    return message;
  });
}

/** `/api/p2/conversations/:conversation/messages`: list, get, send, delete. */
export const messageRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/api/p2/conversations/:conversation/messages',
    rateLimit: MESSAGE_READ_LIMITS,
    handler: (ctx) => {
      const { company, conversation } = conversationParam(ctx);
      // Oldest first, by the messenger's time, as a conversation reads (the reference names the
      // key, not the direction).
      const messages = ctx.services.store.messagesOf(conversation.external_id);
      const page = numberedPage(messages, ctx.request.params, 150);
      return {
        body: {
          messages: page.items.map((m) => messageV2(m, company, conversation)),
          meta: page.meta,
        },
      };
    },
  },
  {
    method: 'GET',
    pattern: '/api/p2/conversations/:conversation/messages/:message',
    rateLimit: MESSAGE_READ_LIMITS,
    handler: (ctx) => {
      const { company, conversation } = conversationParam(ctx);
      const raw = ctx.segments.message ?? '';
      const message = /^\d+$/.test(raw) ? ctx.services.store.message(Number(raw)) : undefined;
      if (!message || message.conversation_id !== conversation.external_id) {
        throw new ApiError(
          404,
          `message ${raw} not found in conversation ${conversation.external_id}`,
        );
      }
      return { body: { message: messageV2(message, company, conversation) } };
    },
  },
  {
    method: 'POST',
    pattern: '/api/p2/conversations/:conversation/messages',
    rateLimit: SEND_LIMITS,
    handler: (ctx) => {
      const { company, conversation } = conversationParam(ctx);
      const { params } = ctx.request;
      refuseInteractive(params);
      if (params.has('waba_id')) {
        throw bad(
          "waba_id: a WhatsApp Business template goes through write first, POST /api/p2/messages with provider whatsapp_business and the customer's phone (it reaches their conversation); this endpoint sends text and attachments",
        );
      }
      const text = textOf(params, conversation.channel_type);
      const attachments = attachmentOf(ctx.services.store, company, params);
      params.boolean('send_to_crm');
      if ((text === undefined || text.trim() === '') && attachments.length === 0) {
        throw bad(
          'text or attachment_ids is required: a message needs text, an attachment or both',
        );
      }
      const repliedToId = checkRepliedTo(ctx, conversation);
      checkSendable(ctx.services.store, conversation);
      const { message } = ctx.services.emulator.send(conversation, {
        text,
        attachments,
        interactive: undefined,
        repliedToId,
      });
      return { body: { message: messageV2(message, company, conversation) } };
    },
  },
  {
    method: 'DELETE',
    pattern: '/api/p2/conversations/:conversation/messages',
    handler: (ctx) => {
      const { conversation } = conversationParam(ctx);
      if (!DELETABLE_ON.includes(conversation.channel_type)) {
        throw bad(
          `deleting messages works on ${DELETABLE_ON.join(', ')}; conversation ${conversation.external_id} is on ${conversation.channel_type}`,
        );
      }
      ctx.services.emulator.deleteMessages(conversation, messageIdsOf(ctx, conversation));
      // The reference documents no answer; the sandbox answers none.
      return { status: 204, body: undefined };
    },
  },
];
