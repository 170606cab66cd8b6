import type { Update } from '../webhook/types.js';

/** The filter name that best describes an update: `message`, `message:outgoing`, `system`, … */
export function updateKind(update: Update): string {
  switch (update.type) {
    case 'message':
      if (update.event === 'ack') return 'message:ack';
      return update.data.income ? 'message' : 'message:outgoing';
    case 'group_message':
      if (update.event === 'ack') return 'group_message:ack';
      return update.data.income ? 'group_message' : 'group_message:outgoing';
    case 'group_conversation_contact':
      return 'group_member:new';
    case 'qr_code':
    case 'system':
      return update.type;
    default:
      return `${update.type}:${update.event}`;
  }
}
