import { textProblem } from '../../pact-limits.js';
import type { ChannelRecord } from '../../store/records.js';
import { chooseTemplate, type TemplateParamNames } from '../../waba/templates.js';
import { ApiError } from '../api-error.js';
import type { Params } from '../params.js';
import type { Route, RouteContext } from '../router.js';
import { jobShape } from '../shapes.js';
import { channelOf } from './lookup.js';
import { phoneOf } from './phone.js';

function bad(message: string): ApiError {
  return new ApiError(400, message);
}

/** How v1 names the parts of a template send. */
const V1_TEMPLATE: TemplateParamNames = {
  id: 'template[id]',
  language: 'template[language_code]',
  parameters: 'template[parameters]',
};

/** The text of a first message on WhatsApp: `message`, as the table says, or `text`. */
function firstText(params: Params, channel: ChannelRecord): string {
  if (params.has('template')) {
    throw bad(
      `template is for whatsapp_business channels; channel ${channel.external_id} is whatsapp, which takes the text as message`,
    );
  }
  const text = params.string('message') ?? params.string('text');
  if (text === undefined || text.trim() === '') {
    throw bad('message is required: the text of the first message');
  }
  const problem = textProblem(text, channel.provider);
  if (problem) throw bad(`message ${problem}`);
  return text;
}

/** The template of a first message on WhatsApp Business, picked and filled in. */
function firstTemplate(ctx: RouteContext, channel: ChannelRecord) {
  const { params } = ctx.request;
  const template = params.object('template');
  if (!template) {
    throw bad(
      'template is required on whatsapp_business: WhatsApp starts a conversation only with an approved template; send template[id], template[language_code] and template[parameters][] (see GET …/waba_templates)',
    );
  }
  if (params.has('message') || params.has('text')) {
    throw bad(
      'send either message or template: on whatsapp_business the template brings its own text',
    );
  }
  const id: unknown = template.id;
  if ((typeof id !== 'string' && typeof id !== 'number') || String(id).trim() === '') {
    throw bad(
      'template[id] is required: the waba_id of an approved template (see GET …/waba_templates)',
    );
  }
  const language: unknown = template.language_code;
  if (language !== undefined && language !== null && typeof language !== 'string') {
    throw bad('template[language_code] must be a string such as "en" or "ru"');
  }
  return chooseTemplate(
    ctx.services.store.templatesOf(channel.company_id),
    { id: String(id).trim(), language: language ?? undefined, parameters: template.parameters },
    V1_TEMPLATE,
  );
}

/**
 * `POST /p1/companies/:company/channels/:channel/conversations`: writes first to a phone number —
 * text on WhatsApp, an approved template on WhatsApp Business — and answers the delivery job. The
 * reference creates a conversation; when the phone has one on the channel already, the message
 * goes into it, as a template is how a business reaches a customer again after 24 hours.
 */
export const firstMessageRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/p1/companies/:company/channels/:channel/conversations',
    handler: (ctx) => {
      const channel = channelOf(ctx);
      const { params } = ctx.request;
      const phone = phoneOf(params, true)!;
      params.boolean('send_to_crm');
      if (channel.provider !== 'whatsapp' && channel.provider !== 'whatsapp_business') {
        throw bad(
          `writing first to a phone works on whatsapp and whatsapp_business channels; channel ${channel.external_id} is ${channel.provider}`,
        );
      }
      const choice =
        channel.provider === 'whatsapp_business' ? firstTemplate(ctx, channel) : undefined;
      const text = choice ? choice.text : firstText(params, channel);
      if (channel.state !== 'enabled') {
        throw bad(
          `channel ${channel.external_id} (${channel.provider}) is ${channel.state === 'disabled' ? 'disabled; enable it first' : 'not confirmed yet'}`,
        );
      }
      const { emulator } = ctx.services;
      const conversation = emulator.conversationFor({
        companyId: channel.company_id,
        channelType: channel.provider,
        senderId: phone,
        name: phone,
      });
      const { job } = emulator.send(conversation, {
        text,
        attachments: [],
        interactive: undefined,
        template: choice?.use,
      });
      return { body: { status: 'ok', data: jobShape(job) } };
    },
  },
];
