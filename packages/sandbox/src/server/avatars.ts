import type http from 'node:http';
import { CHANNEL_LABELS } from '../channels.js';
import type { SandboxStore } from '../store/store.js';
import { sendJson } from './http-util.js';

/** The path of a customer's avatar. */
export function avatarPath(conversationId: number): string {
  return `/avatars/${conversationId}.svg`;
}

const COLORS: Record<string, string> = {
  whatsapp: '#25d366',
  whatsapp_business: '#128c7e',
  telegram: '#229ed9',
  instagram: '#e1306c',
  viber: '#7360f2',
  vkontakte: '#0077ff',
  avito: '#00aaff',
};

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Serves customers' avatars, so that `avatar_url` in webhooks is a picture as it is on Pact: the
 * customer's initial on their messenger's colour.
 */
export function createAvatarHandler(
  store: SandboxStore,
): (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => void {
  return (_req, res, url) => {
    const match = /^\/avatars\/(\d+)\.svg$/.exec(url.pathname);
    const conversation = match ? store.conversation(Number(match[1])) : undefined;
    if (!conversation) {
      sendJson(res, 404, { status: 'errored', message: `no avatar at ${url.pathname}` });
      return;
    }
    const initial = escape((conversation.name.trim()[0] ?? '?').toUpperCase());
    const color = COLORS[conversation.channel_type] ?? '#4f6ef7';
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" role="img" aria-label="${escape(`${conversation.name} on ${CHANNEL_LABELS[conversation.channel_type]}`)}"><circle cx="32" cy="32" r="32" fill="${color}"/><text x="32" y="42" font-family="system-ui, sans-serif" font-size="28" font-weight="600" fill="#fff" text-anchor="middle">${initial}</text></svg>`;
    res.writeHead(200, {
      'content-type': 'image/svg+xml',
      'content-length': Buffer.byteLength(svg),
      'cache-control': 'private, max-age=3600',
    });
    res.end(svg);
  };
}
