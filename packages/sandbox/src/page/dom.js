// @ts-check
// Small DOM helpers for the chat page. Text always goes in as text, never as HTML.

const SVG = 'http://www.w3.org/2000/svg';

/** Icon paths (24×24). */
const ICONS = {
  check: 'M9 16.17 4.83 12l-1.42 1.41L9 19 21 7l-1.41-1.41z',
  checks:
    'M18 7l-1.41-1.41-6.34 6.34 1.41 1.41L18 7zm4.24-1.41L11.66 16.17 7.48 12l-1.41 1.41L11.66 19l12-12-1.42-1.41zM.41 13.41 6 19l1.41-1.41L1.83 12 .41 13.41z',
  clock:
    'M11.99 2C6.47 2 2 6.48 2 12s4.47 10 9.99 10C17.52 22 22 17.52 22 12S17.52 2 11.99 2zM12 20c-4.42 0-8-3.58-8-8s3.58-8 8-8 8 3.58 8 8-3.58 8-8 8zm.5-13H11v6l5.25 3.15.75-1.23-4.5-2.67z',
  error:
    'M12 2C6.48 2 2 6.48 2 12s4.48 10 10 10 10-4.48 10-10S17.52 2 12 2zm1 15h-2v-2h2v2zm0-4h-2V7h2v6z',
  file: 'M14 2H6c-1.1 0-1.99.9-1.99 2L4 20c0 1.1.89 2 1.99 2H18c1.1 0 2-.9 2-2V8l-6-6zm2 16H8v-2h8v2zm0-4H8v-2h8v2zm-3-5V3.5L18.5 9H13z',
  place:
    'M12 2C8.13 2 5 5.13 5 9c0 5.25 7 13 7 13s7-7.75 7-13c0-3.87-3.13-7-7-7zm0 9.5a2.5 2.5 0 0 1 0-5 2.5 2.5 0 0 1 0 5z',
};

/**
 * Creates an element: `h('button', { class: 'x', onclick: fn, 'aria-label': 'Send' }, 'text')`.
 * Attributes that are undefined, null or false are left out; children may be nested arrays.
 * @param {string} tag
 * @param {Record<string, unknown>} [attributes]
 * @param {...unknown} children
 * @returns {HTMLElement}
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), /** @type {EventListener} */ (value));
    } else if (name === 'class') element.className = String(value);
    else if (name === 'style') element.style.cssText = String(value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

/**
 * An icon, hidden from screen readers (the element around it carries the label).
 * @param {keyof typeof ICONS} name
 * @returns {SVGSVGElement}
 */
export function icon(name) {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(SVG, 'path');
  path.setAttribute('d', ICONS[name]);
  svg.append(path);
  return svg;
}

/** Brand colours of the messengers, for avatars and badges. */
const CHANNEL_COLORS = {
  whatsapp: '#25d366',
  whatsapp_business: '#128c7e',
  telegram: '#229ed9',
  telegram_personal: '#229ed9',
  instagram: '#e1306c',
  instagram_business: '#e1306c',
  viber: '#7360f2',
  vkontakte: '#0077ff',
  vkontakte_direct: '#0077ff',
  avito: '#00aaff',
  facebook: '#1877f2',
};

/**
 * The colour of a messenger.
 * @param {string} type
 * @returns {string}
 */
export function channelColor(type) {
  return CHANNEL_COLORS[/** @type {keyof typeof CHANNEL_COLORS} */ (type)] ?? '#4f6ef7';
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const clockFormat = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

const dayFormat = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  hour: '2-digit',
  minute: '2-digit',
});

/**
 * Hours and minutes of a date, and its weekday when it is not today (a conversation's clock may
 * run ahead).
 * @param {string} iso
 * @returns {string}
 */
export function shortTime(iso) {
  const date = new Date(iso);
  const today = date.toDateString() === new Date().toDateString();
  return (today ? timeFormat : dayFormat).format(date);
}

/**
 * Hours, minutes and seconds of a date.
 * @param {string} iso
 * @returns {string}
 */
export function clockTime(iso) {
  return clockFormat.format(new Date(iso));
}

/**
 * A size in bytes, for people.
 * @param {number | null} bytes
 * @returns {string}
 */
export function fileSize(bytes) {
  if (bytes === null || bytes === undefined) return 'linked file';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * Sends JSON to one of the page's endpoints and resolves with the answer's JSON; a failure
 * rejects with the sandbox's message.
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<unknown>}
 */
export async function request(method, path, body) {
  const init =
    body instanceof FormData
      ? { method, body }
      : {
          method,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body ?? {}),
        };
  const response = await fetch(path, init);
  const answer = /** @type {{ message?: string }} */ (await response.json().catch(() => ({})));
  if (!response.ok) throw new Error(answer.message ?? `the sandbox answered ${response.status}`);
  return answer;
}
