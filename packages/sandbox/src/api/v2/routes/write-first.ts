import type { CompanyRecord, WabaTemplateRecord } from '../../../store/records.js';
import { ApiError } from '../../api-error.js';
import type { Params } from '../../params.js';
import type { Route, RouteContext } from '../../router.js';
import { companyParam } from '../lookup.js';
import { attachmentOf, refuseInteractive, textOf } from '../message-content.js';
import { SEND_LIMITS } from '../rate-limits.js';
import { messageV2 } from '../shapes.js';

function bad(message: string): ApiError {
  return new ApiError(400, message);
}

/** The providers a company can write first on (the reference's list). */
const PROVIDERS = [
  'max',
  'whatsapp',
  'telegram_personal',
  'whatsapp_business',
  'vkontakte_direct',
] as const;
type WriteFirstProvider = (typeof PROVIDERS)[number];

function phoneOf(params: Params, required: boolean): string | undefined {
  const phone = params.string('phone', { required });
  if (phone === undefined) return undefined;
  const digits = phone.replace(/^\+/, '');
  if (!/^\d{5,15}$/.test(digits)) {
    throw bad(
      `phone must be a phone number, digits with the country code first, got ${JSON.stringify(phone)}`,
    );
  }
  return digits;
}

/**
 * Who the first message goes to, by provider. The reference marks every recipient field optional
 * and says no more; the sandbox asks for the one each messenger knows people by: a phone on
 * WhatsApp, WhatsApp Business and MAX, a phone or nickname on Telegram, a VK id or domain on VK.
 */
function recipientOf(params: Params, provider: WriteFirstProvider): string {
  if (provider === 'telegram_personal') {
    const nickname = params.string('nickname')?.replace(/^@/, '');
    const phone = phoneOf(params, false);
    if (!nickname && !phone)
      throw bad('phone or nickname is required to write first on telegram_personal');
    return nickname || phone!;
  }
  if (provider === 'vkontakte_direct') {
    const id = params.string('vkontakte_id');
    const domain = params.string('vkontakte_domain');
    if (id && domain) throw bad('send either vkontakte_id or vkontakte_domain, not both');
    if (!id && !domain)
      throw bad('vkontakte_id or vkontakte_domain is required to write first on vkontakte_direct');
    return (id ?? domain)!;
  }
  return phoneOf(params, true)!;
}

/**
 * A WhatsApp Business template's text with its `{{n}}` filled in, its text header first. The
 * template is found by its `waba_id` or, as the reference does not say which it means, its `id`.
 */
function templateText(ctx: RouteContext, company: CompanyRecord, wabaId: string): string {
  const templates = ctx.services.store.templatesOf(company.external_id);
  const template: WabaTemplateRecord | undefined = templates.find(
    (t) => t.waba_id === wabaId || String(t.id) === wabaId,
  );
  if (!template) {
    throw bad(
      `waba_id ${JSON.stringify(wabaId)} is no template of company ${company.external_id}; its templates are ${templates.map((t) => t.waba_id).join(', ')}`,
    );
  }
  const raw = ctx.request.params.values.substitutions ?? [];
  const substitutions = Array.isArray(raw) ? raw : [raw];
  if (substitutions.some((value) => typeof value !== 'string' && typeof value !== 'number')) {
    throw bad('substitutions must be an array of strings');
  }
  if (substitutions.length !== template.substitutions_count) {
    throw bad(
      `template ${template.waba_id} takes ${template.substitutions_count} substitutions, got ${substitutions.length}`,
    );
  }
  const body = template.body.replace(/\{\{(\d+)\}\}/g, (match, n: string) =>
    String(substitutions[Number(n) - 1] ?? match),
  );
  return template.header_content_type === 'text' && template.header
    ? `${template.header}\n${body}`
    : body;
}

/** `POST /api/p2/messages`: writes first to someone with no conversation yet; the conversation is made. */
export const writeFirstRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/api/p2/messages',
    rateLimit: SEND_LIMITS,
    handler: (ctx) => {
      const company = companyParam(ctx);
      const { params } = ctx.request;
      const provider = params.oneOf('provider', PROVIDERS, { required: true })!;
      refuseInteractive(params);
      const senderId = recipientOf(params, provider);
      const wabaId = params.string('waba_id');
      let text = textOf(params, provider);
      if (wabaId !== undefined) {
        if (provider !== 'whatsapp_business') {
          throw bad(`waba_id is a WhatsApp Business template; ${provider} takes text`);
        }
        if (text !== undefined)
          throw bad('send either text or waba_id: a template brings its own text');
        text = templateText(ctx, company, wabaId);
      } else if (provider === 'whatsapp_business') {
        throw bad(
          'waba_id is required to write first on whatsapp_business: WhatsApp opens a conversation only with a template',
        );
      }
      const attachments = attachmentOf(ctx.services.store, company, params);
      params.boolean('send_to_crm');
      if ((text === undefined || text.trim() === '') && attachments.length === 0) {
        throw bad(
          'text, attachment_ids or waba_id is required: a first message needs something to say',
        );
      }
      const { emulator, store } = ctx.services;
      const channel = store.findChannel(company.external_id, provider);
      if (channel && channel.state !== 'enabled') {
        throw bad(
          `company ${company.external_id}'s ${provider} auth ${channel.external_id} is ${channel.state === 'disabled' ? 'disabled; enable it first' : 'not confirmed yet'}`,
        );
      }
      const conversation = emulator.conversationFor({
        companyId: company.external_id,
        channelType: provider,
        senderId,
        name: senderId,
      });
      const { message } = emulator.send(conversation, {
        text,
        attachments,
        interactive: undefined,
      });
      return { body: { message: messageV2(message, company, conversation) } };
    },
  },
];
