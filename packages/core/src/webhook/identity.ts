import { createHash } from 'node:crypto';
import type { Update } from './types.js';

/**
 * The identity of a delivery: equal for Pact's redeliveries of one webhook, different for any two
 * distinct events. Natural ids where the payload has them (message id, ack level, job id);
 * otherwise a digest of the body, which a redelivery repeats byte for byte.
 */
export function updateIdentity(update: Update): string {
  switch (update.type) {
    case 'message':
      return update.event === 'new'
        ? `message:new:${update.data.external_id}`
        : `message:ack:${update.data.external_id}:${update.data.ack}`;
    case 'group_message':
      // A group message is acknowledged by each member in turn: the member is part of the event.
      return update.event === 'new'
        ? `group_message:new:${update.data.external_id}`
        : `group_message:ack:${update.data.external_id}:${update.data.ack}:${update.data.participant ?? ''}`;
    case 'conversation':
      if (update.event === 'new') return `conversation:new:${update.data.external_id}`;
      break;
    case 'group_conversation':
      return `group_conversation:new:${update.data.external_id}`;
    case 'job':
      return `job:${update.data.id}:${update.data.result}`;
    default:
      break;
  }
  const digest = createHash('sha1').update(JSON.stringify(update)).digest('base64url');
  const event = 'event' in update && typeof update.event === 'string' ? update.event : '';
  return `${update.type}:${event}:${digest}`;
}

/**
 * The line an update waits in: updates of one conversation (or of one channel, for channel
 * events) are handled one at a time, in arrival order. Undefined for updates that belong to no
 * line (delivery jobs), which run as soon as there is room.
 */
export function orderingKey(update: Update): string | undefined {
  switch (update.type) {
    case 'message':
    case 'group_message':
    case 'group_conversation_contact':
      return `conversation:${update.data.conversation_id}`;
    case 'conversation':
    case 'group_conversation':
      return `conversation:${update.data.external_id}`;
    case 'qr_code':
      return update.channel_id === undefined ? undefined : `channel:${update.channel_id}`;
    case 'system':
      return update.data.details?.entity_id === undefined
        ? undefined
        : `channel:${update.data.details.entity_id}`;
    default:
      return undefined;
  }
}
