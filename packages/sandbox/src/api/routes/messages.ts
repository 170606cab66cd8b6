import { takesInteractive, takesSeveralAttachments } from '../../channels.js';
import { buttonsProblem, textProblem } from '../../pact-limits.js';
import type {
  AttachmentRecord,
  ConversationRecord,
  InteractiveRecord,
} from '../../store/records.js';
import { ApiError } from '../api-error.js';
import { paginate } from '../pagination.js';
import { checkSendable } from '../sendable.js';
import type { Params } from '../params.js';
import type { Route, RouteContext, RouteHandler } from '../router.js';
import { jobShape, messageShape } from '../shapes.js';
import { conversationOf, listBody } from './lookup.js';

function bad(message: string): ApiError {
  return new ApiError(400, message);
}

/** Checks text against the messenger's length limit, as Pact would refuse it. */
function checkLength(text: string, conversation: ConversationRecord): void {
  const problem = textProblem(text, conversation.channel_type);
  if (problem) throw bad(`message ${problem}`);
}

function attachmentsOf(
  ctx: RouteContext,
  params: Params,
  conversation: ConversationRecord,
): AttachmentRecord[] {
  const ids = params.ids('attachments_ids') ?? [];
  if (ids.length > 1 && !takesSeveralAttachments(conversation.channel_type)) {
    throw bad(
      `attachments_ids has ${ids.length} ids, but several attachments in one message work only on vkontakte; this conversation is on ${conversation.channel_type}`,
    );
  }
  return ids.map((id, i) => {
    const attachment = ctx.services.store.attachment(id);
    if (!attachment || attachment.company_id !== conversation.company_id) {
      throw bad(
        `attachments_ids[${i}] is ${id}, which is no attachment of this company; upload the file first with POST …/messages/attachments`,
      );
    }
    return attachment;
  });
}

function interactiveOf(
  params: Params,
  conversation: ConversationRecord,
  text: string | undefined,
): InteractiveRecord | undefined {
  const interactive = params.object('interactive');
  if (!interactive) return undefined;
  if (!takesInteractive(conversation.channel_type)) {
    throw bad(
      `interactive messages work only on whatsapp_business channels; conversation ${conversation.external_id} is on ${conversation.channel_type} (send the options as text there)`,
    );
  }
  if (interactive.type !== 'button') {
    throw bad(`interactive.type must be "button", got ${JSON.stringify(interactive.type)}`);
  }
  const buttons: unknown = interactive.buttons;
  if (!Array.isArray(buttons) || buttons.some((b) => typeof b !== 'string')) {
    throw bad('interactive.buttons must be an array of button titles (strings)');
  }
  const problem = buttonsProblem(text ?? '', buttons as string[]);
  if (problem) throw bad(`interactive: ${problem}`);
  return { type: 'button', buttons: (buttons as string[]).map((b) => b.trim()) };
}

const send: RouteHandler = (ctx) => {
  const conversation = conversationOf(ctx);
  const { params } = ctx.request;
  if (params.has('template')) {
    throw bad(
      `template: a WhatsApp Business template goes through POST /p1/companies/${conversation.company_id}/channels/${conversation.channel_id}/conversations with the customer's phone (it reaches their conversation); this endpoint sends text, attachments_ids and interactive buttons`,
    );
  }
  const text = params.string('message');
  params.boolean('send_to_crm');
  const attachments = attachmentsOf(ctx, params, conversation);
  if ((text === undefined || text.trim() === '') && attachments.length === 0) {
    throw bad('message or attachments_ids is required: a message needs text, attachments or both');
  }
  if (text !== undefined) checkLength(text, conversation);
  const interactive = interactiveOf(params, conversation, text);
  checkSendable(ctx.services.store, conversation);
  const { job } = ctx.services.emulator.send(conversation, { text, attachments, interactive });
  return { body: { status: 'ok', data: jobShape(job) } };
};

/** `/p1/companies/:company/conversations/:conversation/messages`: list and send. */
export const messageRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/p1/companies/:company/conversations/:conversation/messages',
    handler: (ctx) => {
      const conversation = conversationOf(ctx);
      const messages = ctx.services.store.messagesOf(conversation.external_id);
      const page = paginate(messages, (m) => m.external_id, ctx.request.params);
      return { body: listBody('messages', page.items.map(messageShape), page.nextPage) };
    },
  },
  {
    method: 'POST',
    pattern: '/p1/companies/:company/conversations/:conversation/messages',
    handler: send,
  },
  {
    // The reference's interactive example posts to `/message`; Pact's path is `/messages`, and
    // the sandbox takes both, as the reference shows both.
    method: 'POST',
    pattern: '/p1/companies/:company/conversations/:conversation/message',
    handler: send,
  },
];
