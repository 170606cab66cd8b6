import type { CompanyRecord } from '../../../store/records.js';
import {
  chooseTemplate,
  type TemplateChoice,
  type TemplateParamNames,
} from '../../../waba/templates.js';
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

/** How v2 names the parts of a template send (`language` is the sandbox's: v2 documents none). */
const V2_TEMPLATE: TemplateParamNames = {
  id: 'waba_id',
  language: 'language',
  parameters: 'substitutions',
};

/**
 * The approved template a write-first names, filled in. v2 documents no language; the sandbox
 * takes an optional `language` (or v1's `language_code`) and otherwise picks the English version.
 */
function templateOf(ctx: RouteContext, company: CompanyRecord, wabaId: string): TemplateChoice {
  const { params } = ctx.request;
  return chooseTemplate(
    ctx.services.store.templatesOf(company.external_id),
    {
      id: wabaId,
      language: params.string('language') ?? params.string('language_code'),
      parameters: params.values.substitutions,
    },
    V2_TEMPLATE,
  );
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
      let template: TemplateChoice | undefined;
      if (wabaId !== undefined) {
        if (provider !== 'whatsapp_business') {
          throw bad(`waba_id is a WhatsApp Business template; ${provider} takes text`);
        }
        if (text !== undefined)
          throw bad('send either text or waba_id: a template brings its own text');
        if (params.has('attachment_ids'))
          throw bad('send either attachment_ids or waba_id: a template brings its own content');
        template = templateOf(ctx, company, wabaId);
        text = template.text;
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
        template: template?.use,
      });
      return { body: { message: messageV2(message, company, conversation) } };
    },
  },
];
