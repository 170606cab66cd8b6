import { PactArgumentError } from '../../errors.js';
import { requirePhone } from '../../resources/phone.js';
import { optionalBoolean, requireId, requireString, show } from '../../validate.js';
import type { V2SendMessageParams, V2WriteFirstParams } from '../types.js';

/** The one attachment id v2 takes per message, as a number; several are refused with what to do instead. */
function attachmentIds(value: unknown): number[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    throw new PactArgumentError(
      `attachment_ids must be an array holding one id, got ${show(value)}`,
    );
  }
  if (value.length > 1) {
    throw new PactArgumentError(
      `v2 takes one attachment per message, got ${value.length} attachment_ids; send one message per file`,
    );
  }
  return value.length === 0
    ? undefined
    : value.map((id, i) => requireId(`attachment_ids[${i}]`, id));
}

function optionalString(name: string, value: unknown): string | undefined {
  return value === undefined ? undefined : requireString(name, value);
}

function checkObject(what: string, params: unknown): asserts params is Record<string, unknown> {
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    throw new PactArgumentError(
      `${what} must be an object like { text: "hi" }, got ${show(params)}`,
    );
  }
}

/** Checks a v2 send and builds its body (without `company_id`). */
export function sendBody(params: V2SendMessageParams): Record<string, unknown> {
  checkObject('message parameters', params);
  const { text } = params;
  if (text !== undefined && typeof text !== 'string') {
    throw new PactArgumentError(`text must be a string, got ${show(text)}`);
  }
  const ids = attachmentIds(params.attachment_ids);
  if (!text && !ids?.length) {
    throw new PactArgumentError(
      'a message needs text or an attachment (attachment_ids: [id]); got neither',
    );
  }
  return {
    text,
    attachment_ids: ids,
    replied_to_id: optionalString('replied_to_id', params.replied_to_id),
    send_to_crm: optionalBoolean('send_to_crm', params.send_to_crm),
  };
}

/**
 * Checks a first message and builds its body (without `company_id`): one recipient field that
 * fits, and either content (text, an attachment) or a WhatsApp Business template — never both,
 * since a template is all WhatsApp Business delivers and the text would be lost.
 */
export function writeFirstBody(params: V2WriteFirstParams): Record<string, unknown> {
  checkObject('first message parameters', params);
  const provider = requireString('provider', params.provider);
  const phone = params.phone === undefined ? undefined : requirePhone('phone', params.phone);
  const nickname = optionalString('nickname', params.nickname);
  // A VK id typed as a number by a plain-JS caller is still the id.
  const rawVkId: unknown = params.vkontakte_id;
  const vkId = optionalString(
    'vkontakte_id',
    typeof rawVkId === 'number' && Number.isSafeInteger(rawVkId) ? String(rawVkId) : rawVkId,
  );
  const vkDomain = optionalString('vkontakte_domain', params.vkontakte_domain);
  if (vkId !== undefined && vkDomain !== undefined) {
    throw new PactArgumentError(
      'a first message takes vkontakte_id or vkontakte_domain, not both; Pact refuses the pair',
    );
  }
  if (
    phone === undefined &&
    nickname === undefined &&
    vkId === undefined &&
    vkDomain === undefined
  ) {
    throw new PactArgumentError(
      'a first message needs a recipient: phone, nickname (telegram_personal), vkontakte_id or vkontakte_domain (vkontakte_direct)',
    );
  }
  const { text } = params;
  if (text !== undefined && typeof text !== 'string') {
    throw new PactArgumentError(`text must be a string, got ${show(text)}`);
  }
  const ids = attachmentIds(params.attachment_ids);
  const wabaId = optionalString('waba_id', params.waba_id);
  const substitutions: unknown = params.substitutions;
  if (substitutions !== undefined) {
    if (wabaId === undefined) {
      throw new PactArgumentError('substitutions fill a template: pass them with a waba_id');
    }
    if (!Array.isArray(substitutions) || substitutions.some((v) => typeof v !== 'string')) {
      throw new PactArgumentError(
        `substitutions must be an array of strings, got ${show(substitutions)}`,
      );
    }
  }
  const language = optionalString('language', params.language);
  if (language !== undefined && wabaId === undefined) {
    throw new PactArgumentError("language chooses a template's version: pass it with a waba_id");
  }
  if (wabaId !== undefined && (text || ids?.length)) {
    throw new PactArgumentError(
      'a first message takes a template (waba_id) or text and attachments, not both: the template is what WhatsApp Business delivers, so the text would be lost',
    );
  }
  if (wabaId === undefined) {
    if (provider === 'whatsapp_business') {
      throw new PactArgumentError(
        'writing first on whatsapp_business takes a template: pass its waba_id (see v2.wabaTemplates.list) and substitutions',
      );
    }
    if (!text && !ids?.length) {
      throw new PactArgumentError(
        'a first message needs text, an attachment (attachment_ids: [id]) or a template (waba_id); got none of them',
      );
    }
  }
  return {
    provider,
    phone,
    nickname,
    vkontakte_id: vkId,
    vkontakte_domain: vkDomain,
    text,
    attachment_ids: ids,
    waba_id: wabaId,
    substitutions,
    language,
    send_to_crm: optionalBoolean('send_to_crm', params.send_to_crm),
  };
}
