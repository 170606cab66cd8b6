import { show } from './util/show.js';

/** The channel types the chat page offers, in the order it lists them. */
export const CHANNEL_TYPES = [
  'whatsapp',
  'whatsapp_business',
  'telegram',
  'instagram',
  'viber',
  'vkontakte',
  'avito',
] as const;

/** Every provider a sandbox customer can write from: the page's seven and the rest Pact names. */
export const PROVIDERS = [
  ...CHANNEL_TYPES,
  'instagram_business',
  'facebook',
  'telegram_personal',
  'vkontakte_direct',
  'max',
  'max_bot',
  'odnoklassniki',
  'custom',
] as const;

/** A messenger a sandbox customer writes from (Pact's `provider`, or `channel_type` in messages). */
export type ChannelType = (typeof PROVIDERS)[number];

/** How the page names each channel type. */
export const CHANNEL_LABELS: Readonly<Record<ChannelType, string>> = {
  whatsapp: 'WhatsApp',
  whatsapp_business: 'WhatsApp Business',
  telegram: 'Telegram',
  instagram: 'Instagram',
  viber: 'Viber',
  vkontakte: 'VK',
  avito: 'Avito',
  instagram_business: 'Instagram Business',
  facebook: 'Facebook',
  telegram_personal: 'Telegram Personal',
  vkontakte_direct: 'VK Direct',
  max: 'MAX',
  max_bot: 'MAX bot',
  odnoklassniki: 'Odnoklassniki',
  custom: 'Custom',
};

/**
 * The channel types the chat page offers on API v2: v2 names Instagram `instagram_business` and
 * knows MAX; the rest are v1's.
 */
export const CHANNEL_TYPES_V2: readonly ChannelType[] = [
  'whatsapp',
  'whatsapp_business',
  'telegram',
  'telegram_personal',
  'instagram_business',
  'viber',
  'vkontakte',
  'avito',
  'max',
];

/** Messengers that know their users by phone number. */
export function usesPhoneNumbers(type: string): boolean {
  return type === 'whatsapp' || type === 'whatsapp_business' || type === 'viber' || type === 'max';
}

/** Whether `value` names a provider the sandbox knows. */
export function isChannelType(value: unknown): value is ChannelType {
  return typeof value === 'string' && (PROVIDERS as readonly string[]).includes(value);
}

/** Checks a channel type, with an error that lists the allowed ones. */
export function requireChannelType(name: string, value: unknown): ChannelType {
  if (isChannelType(value)) return value;
  throw new TypeError(`${name} must be one of ${PROVIDERS.join(', ')}; got ${show(value)}`);
}

/** Only WhatsApp Business takes Pact's interactive (button) messages. */
export function takesInteractive(type: string): boolean {
  return type === 'whatsapp_business';
}

/** Several attachments in one message work only on VK, says Pact's reference. */
export function takesSeveralAttachments(type: string): boolean {
  return type === 'vkontakte' || type === 'vkontakte_direct';
}
