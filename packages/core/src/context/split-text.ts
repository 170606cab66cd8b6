import type { ChannelProvider } from '../api/types.js';

/** The longest message a channel takes, in characters or UTF-8 bytes. */
export interface TextLimit {
  max: number;
  unit: 'chars' | 'bytes';
}

/** Message length limits of the messengers behind Pact. Channels not listed get 4096 characters. */
export const TEXT_LIMITS: Readonly<Record<string, TextLimit>> = {
  whatsapp: { max: 4096, unit: 'chars' },
  whatsapp_business: { max: 4096, unit: 'chars' },
  instagram: { max: 1000, unit: 'bytes' },
  instagram_business: { max: 1000, unit: 'bytes' },
  telegram: { max: 4096, unit: 'chars' },
  telegram_personal: { max: 4096, unit: 'chars' },
  viber: { max: 7000, unit: 'chars' },
  vkontakte: { max: 9000, unit: 'chars' },
  vkontakte_direct: { max: 9000, unit: 'chars' },
  facebook: { max: 2000, unit: 'chars' },
  avito: { max: 1000, unit: 'chars' },
};

const DEFAULT_LIMIT: TextLimit = { max: 4096, unit: 'chars' };

/** The limit of a channel type, with overrides. */
export function textLimitOf(
  channel: ChannelProvider | undefined,
  overrides?: Record<string, TextLimit>,
): TextLimit {
  if (channel === undefined) return DEFAULT_LIMIT;
  return overrides?.[channel] ?? TEXT_LIMITS[channel] ?? DEFAULT_LIMIT;
}

/** Length of `text` in the limit's unit. Characters are UTF-16 units: never more than the messenger counts. */
function measure(text: string, unit: TextLimit['unit']): number {
  return unit === 'bytes' ? Buffer.byteLength(text, 'utf8') : text.length;
}

/** The longest prefix of `text` within `max` units, never cutting a surrogate pair. */
function fittingLength(text: string, limit: TextLimit): number {
  if (limit.unit === 'chars') {
    let end = Math.min(text.length, limit.max);
    const code = text.charCodeAt(end - 1);
    if (end < text.length && code >= 0xd800 && code <= 0xdbff) end--;
    return end;
  }
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8');
    if (bytes + size > limit.max) break;
    bytes += size;
    end += char.length;
  }
  return end;
}

/**
 * Splits text into parts that each fit the limit, cutting at the last paragraph break, else the
 * last line break, else the last space before the limit; a word longer than the limit is cut.
 * The whitespace at a cut is dropped; nothing else is lost.
 */
export function splitText(text: string, limit: TextLimit): string[] {
  const parts: string[] = [];
  let rest = text;
  while (measure(rest, limit.unit) > limit.max) {
    const room = fittingLength(rest, limit);
    const window = rest.slice(0, room + 1);
    // The strongest break in the second half of the room wins; failing that, the latest break at all.
    let cut = -1;
    for (const separator of ['\n\n', '\n', ' ']) {
      const at = window.lastIndexOf(separator);
      if (at >= room / 2) {
        cut = at;
        break;
      }
      cut = Math.max(cut, at);
    }
    const head = cut > 0 ? rest.slice(0, cut) : rest.slice(0, room);
    parts.push(head.trimEnd());
    rest = rest.slice(head.length).replace(/^\s+/, '');
  }
  if (rest.length > 0 || parts.length === 0) parts.push(rest);
  return parts;
}
