import { paginate } from '../pagination.js';
import type { Route } from '../router.js';
import { conversationShape } from '../shapes.js';
import { companyOf, conversationOf, listBody } from './lookup.js';
import { phoneOf } from './phone.js';

/** `/p1/companies/:company/conversations`: list, details, create, note, assignee. */
export const conversationRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/p1/companies/:company/conversations',
    handler: (ctx) => {
      const company = companyOf(ctx);
      const conversations = ctx.services.store.conversations(company.external_id);
      const page = paginate(conversations, (c) => c.external_id, ctx.request.params);
      return {
        body: listBody('conversations', page.items.map(conversationShape), page.nextPage),
      };
    },
  },
  {
    method: 'POST',
    pattern: '/p1/companies/:company/conversations',
    handler: (ctx) => {
      const company = companyOf(ctx);
      const { params } = ctx.request;
      const provider = params.oneOf('provider', ['whatsapp', 'telegram_personal'] as const, {
        required: true,
      })!;
      const { emulator } = ctx.services;
      if (provider === 'whatsapp') {
        const phone = phoneOf(params, true)!;
        const conversation = emulator.conversationFor({
          companyId: company.external_id,
          channelType: 'whatsapp',
          senderId: phone,
          name: phone,
        });
        return { body: { status: 'ok', data: { conversation: conversationShape(conversation) } } };
      }
      const username = params.string('username', { required: true })!;
      const text = params.string('text', { required: true })!;
      phoneOf(params, false);
      params.boolean('send_to_crm');
      const conversation = emulator.conversationFor({
        companyId: company.external_id,
        channelType: 'telegram_personal',
        senderId: username,
        name: username,
      });
      emulator.send(conversation, { text, attachments: [], interactive: undefined });
      return { body: { status: 'ok', data: { conversation: conversationShape(conversation) } } };
    },
  },
  {
    method: 'GET',
    pattern: '/p1/companies/:company/conversations/:conversation',
    handler: (ctx) => ({
      body: { status: 'ok', data: { conversation: conversationShape(conversationOf(ctx)) } },
    }),
  },
  {
    method: 'PUT',
    pattern: '/p1/companies/:company/conversations/:conversation/note',
    handler: (ctx) => {
      const conversation = conversationOf(ctx);
      conversation.note = ctx.request.params.string('note', { required: true })!;
      return { body: { status: 'updated' } };
    },
  },
  {
    method: 'PUT',
    pattern: '/p1/companies/:company/conversations/:conversation/assign',
    handler: (ctx) => {
      const conversation = conversationOf(ctx);
      conversation.assignee_id =
        ctx.request.params.integer('assignee_id', { min: 1, max: Number.MAX_SAFE_INTEGER }) ?? null;
      return {
        body: { status: 'ok', data: { conversation: { external_id: conversation.external_id } } },
      };
    },
  },
];
