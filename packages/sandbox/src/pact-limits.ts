/**
 * What Pact (and the messengers behind it) refuse in a message, written down here on their own so
 * that the sandbox checks a bot against Pact's rules, not against the bot framework's copy of them:
 * a wrong limit in `@pactbot/core` then shows as a refusal in a sandbox test.
 *
 * Pact's reference (`shared/pact-api`, v1 and v2) states none of these numbers: its interactive
 * example just sends two buttons, and v2 says "no length or file-size limits are documented". So
 * each value below names where it comes from.
 */

/**
 * WhatsApp Business reply buttons, as Meta's Cloud API (which Pact hands WABA messages to) takes
 * them: 1 to 3 buttons, titles of 1 to 20 characters, no title twice, a body of at most 1024
 * characters. Characters are code points, as WhatsApp counts them.
 */
export const BUTTON_RULES = { minButtons: 1, maxButtons: 3, maxTitle: 20, maxBody: 1024 } as const;

/** The longest text a messenger takes, in characters (code points) or UTF-8 bytes. */
export interface TextLimit {
  max: number;
  unit: 'characters' | 'bytes';
}

/**
 * The longest text per provider. The reference gives none; these are the messengers' own limits:
 * WhatsApp 4096 characters, Instagram 1000 bytes, Telegram 4096, Viber 7000 and VK 9000 as the
 * project's design lists them (DESIGN.md, "Long text"), and Facebook 2000 and Avito 1000, the values
 * the sandbox has always enforced (Messenger's and Avito's own limits). Providers not listed get
 * {@link DEFAULT_TEXT_LIMIT}.
 */
export const TEXT_LIMITS: Readonly<Record<string, TextLimit>> = {
  whatsapp: { max: 4096, unit: 'characters' },
  whatsapp_business: { max: 4096, unit: 'characters' },
  instagram: { max: 1000, unit: 'bytes' },
  instagram_business: { max: 1000, unit: 'bytes' },
  telegram: { max: 4096, unit: 'characters' },
  telegram_personal: { max: 4096, unit: 'characters' },
  viber: { max: 7000, unit: 'characters' },
  vkontakte: { max: 9000, unit: 'characters' },
  vkontakte_direct: { max: 9000, unit: 'characters' },
  facebook: { max: 2000, unit: 'characters' },
  avito: { max: 1000, unit: 'characters' },
};

/** The limit of providers {@link TEXT_LIMITS} does not list (MAX, Odnoklassniki, …): Telegram's 4096. */
export const DEFAULT_TEXT_LIMIT: TextLimit = { max: 4096, unit: 'characters' };

/** The text limit of a provider. */
export function textLimitOf(provider: string): TextLimit {
  return TEXT_LIMITS[provider] ?? DEFAULT_TEXT_LIMIT;
}

function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** What is wrong with a text on a provider, in one line; undefined when it fits. */
export function textProblem(text: string, provider: string): string | undefined {
  const limit = textLimitOf(provider);
  const length = limit.unit === 'bytes' ? Buffer.byteLength(text, 'utf8') : codePoints(text);
  if (length <= limit.max) return undefined;
  return `is ${length} ${limit.unit} long; ${provider} takes at most ${limit.max}`;
}

/**
 * What is wrong with a WhatsApp Business buttons message, in one line; undefined when Pact would
 * take it. `titles` must already be a list of strings.
 */
export function buttonsProblem(body: string, titles: readonly string[]): string | undefined {
  const { minButtons, maxButtons, maxTitle, maxBody } = BUTTON_RULES;
  if (body.trim() === '') return 'buttons need a message text to show above them';
  const bodyLength = codePoints(body);
  if (bodyLength > maxBody) {
    return `the text above buttons must be at most ${maxBody} characters, got ${bodyLength}`;
  }
  if (titles.length < minButtons || titles.length > maxButtons) {
    return `a message takes ${minButtons} to ${maxButtons} buttons, got ${titles.length}`;
  }
  const seen = new Set<string>();
  for (const title of titles) {
    const length = title.trim() === '' ? 0 : codePoints(title);
    if (length < 1 || length > maxTitle) {
      return `button titles must be 1 to ${maxTitle} characters, got ${JSON.stringify(title)} (${length})`;
    }
    const key = title.trim().toLowerCase();
    if (seen.has(key)) return `button titles must be unique, got ${JSON.stringify(title)} twice`;
    seen.add(key);
  }
  return undefined;
}
