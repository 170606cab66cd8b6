// @ts-check
// Builders of the chat's elements: conversations in the list, and message bubbles.
import { channelColor, fileSize, h, icon, shortTime } from './dom.js';

/**
 * What the page gets from the sandbox, in the server's own types (as JSON carries them).
 * @typedef {import('../server/page-wire.js').Wire<import('../chat-view.js').ChatAttachment>} Attachment
 * @typedef {import('../server/page-wire.js').Wire<import('../chat-view.js').ChatMessage>} Message
 * @typedef {import('../server/page-wire.js').Wire<import('../chat-view.js').ConversationView>} Conversation
 */

const STATUS_LABELS = {
  sending: 'Sending',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
  'not delivered': 'Not delivered',
};

/**
 * The delivery ticks of a bot's message: a clock while sending, ✓ sent, ✓✓ delivered, blue ✓✓
 * read, and a warning when it was not delivered (the reason on hover).
 * @param {string} status
 * @param {string | null} failure
 * @returns {HTMLElement}
 */
function ticks(status, failure) {
  const label = STATUS_LABELS[/** @type {keyof typeof STATUS_LABELS} */ (status)] ?? status;
  const name =
    status === 'sending'
      ? 'clock'
      : status === 'sent'
        ? 'check'
        : status === 'not delivered'
          ? 'error'
          : 'checks';
  return h(
    'span',
    {
      class: 'ticks',
      role: 'img',
      'aria-label': label,
      title: failure ? `${label}: ${failure}` : label,
      'data-status': status,
    },
    icon(name),
  );
}

/**
 * A file as a card with its name and size, linking to it.
 * @param {Attachment} file
 * @returns {HTMLElement}
 */
function fileCard(file) {
  return h(
    'a',
    { class: 'file', href: file.url, target: '_blank', rel: 'noopener noreferrer' },
    icon('file'),
    h(
      'span',
      {},
      h('span', { class: 'file-name' }, file.fileName),
      h('br'),
      h('span', { class: 'file-size' }, `${fileSize(file.size)} · ${file.mimeType}`),
    ),
  );
}

/**
 * An attachment: pictures shown (or, when they fail to load, a card), other files as cards.
 * @param {Attachment} file
 * @returns {HTMLElement}
 */
function attachment(file) {
  if (!file.mimeType.startsWith('image/')) return fileCard(file);
  const image = h('img', {
    class: 'attachment-image',
    src: file.url,
    alt: file.fileName,
    loading: 'lazy',
  });
  const link = h('a', { href: file.url, target: '_blank', rel: 'noopener noreferrer' }, image);
  image.addEventListener('error', () => link.replaceWith(fileCard(file)), { once: true });
  return link;
}

/**
 * A shared location, linking to a map.
 * @param {{ latitude: number, longitude: number }} location
 * @returns {HTMLElement}
 */
function place(location) {
  const { latitude, longitude } = location;
  return h(
    'a',
    {
      class: 'location',
      href: `https://www.openstreetmap.org/?mlat=${latitude}&mlon=${longitude}#map=16/${latitude}/${longitude}`,
      target: '_blank',
      rel: 'noopener noreferrer',
    },
    icon('place'),
    `${latitude.toFixed(4)}, ${longitude.toFixed(4)}`,
  );
}

/**
 * Why a message was not delivered, in a line under its text: the messenger's error, such as
 * "(#131047) Re-engagement message"; the whole reason on hover.
 * @param {string} failure
 * @returns {HTMLElement}
 */
function failureNote(failure) {
  const short = failure.split(': ')[0] ?? failure;
  return h('p', { class: 'failure', title: failure }, `Not delivered · ${short}`);
}

/**
 * A message bubble, with its buttons under it when they can be tapped (WhatsApp Business), and a
 * "Template" label when it was sent from a WhatsApp Business template.
 * @param {Message} message
 * @param {(title: string) => void} onPress
 * @returns {HTMLElement}
 */
export function messageElement(message, onPress) {
  const fromBot = message.from === 'bot';
  const content = message.deleted
    ? h('p', { class: 'text deleted' }, 'This message was deleted')
    : [
        message.attachments.map(attachment),
        message.location && place(message.location),
        message.text && h('p', { class: 'text' }, message.text),
      ];
  const { template } = message;
  const label =
    template &&
    h(
      'span',
      {
        class: 'template-label',
        title: `WhatsApp Business template ${template.name} (${template.language})`,
      },
      `Template · ${template.name} · ${template.language}`,
    );
  const bubble = h(
    'div',
    { class: 'bubble' },
    h('span', { class: 'visually-hidden' }, fromBot ? 'The bot wrote:' : 'You wrote:'),
    label,
    content,
    message.failure && failureNote(message.failure),
    h(
      'div',
      { class: 'meta' },
      h('time', { datetime: message.sentAt }, shortTime(message.sentAt)),
      fromBot && ticks(message.status, message.failure),
    ),
  );
  const buttons =
    message.interactive && message.buttons.length > 0 && !message.deleted
      ? h(
          'div',
          { class: 'buttons', role: 'group', 'aria-label': 'Buttons' },
          message.buttons.map((title) =>
            h('button', { type: 'button', onclick: () => onPress(title) }, title),
          ),
        )
      : null;
  return h(
    'li',
    {
      class: `message from-${message.from}${template ? ' template' : ''}`,
      'data-id': message.id,
      'data-status': message.status,
    },
    bubble,
    buttons,
  );
}

/**
 * What the list shows of a conversation's latest message.
 * @param {Message | undefined} message
 * @returns {string}
 */
export function preview(message) {
  if (!message) return 'No messages yet';
  const who = message.from === 'bot' ? 'Bot: ' : '';
  if (message.deleted) return `${who}This message was deleted`;
  if (message.text) return who + message.text.split('\n')[0];
  if (message.attachments.length > 0) return `${who}📎 ${message.attachments[0]?.fileName}`;
  if (message.location) return `${who}📍 Location`;
  return who;
}

/**
 * An avatar: the customer's initial on their messenger's colour.
 * @param {Conversation} conversation
 * @returns {HTMLElement}
 */
export function avatar(conversation) {
  return h(
    'span',
    {
      class: 'avatar',
      'aria-hidden': 'true',
      style: `--channel: ${channelColor(conversation.channel.type)}`,
    },
    (conversation.name.trim()[0] ?? '?').toUpperCase(),
  );
}

/**
 * A conversation in the list.
 * @param {Conversation} conversation
 * @param {{ selected: boolean, unread: number, last: Message | undefined, onSelect: () => void }} state
 * @returns {HTMLElement}
 */
export function conversationItem(conversation, state) {
  const color = channelColor(conversation.channel.type);
  return h(
    'li',
    {},
    h(
      'button',
      {
        type: 'button',
        class: 'conversation',
        'aria-current': state.selected ? 'true' : undefined,
        'aria-label': `${conversation.name}, ${conversation.channel.label}${state.unread ? `, ${state.unread} unread` : ''}`,
        'data-id': conversation.id,
        onclick: state.onSelect,
      },
      avatar(conversation),
      h(
        'span',
        { class: 'conversation-text' },
        h('span', { class: 'conversation-name' }, conversation.name),
        h('span', { class: 'conversation-preview' }, preview(state.last)),
      ),
      h(
        'span',
        { class: 'conversation-side' },
        h(
          'span',
          { class: 'channel-badge', style: `--channel: ${color}` },
          conversation.channel.label,
        ),
        state.unread > 0 && h('span', { class: 'unread' }, state.unread),
      ),
    ),
  );
}
