import type { SandboxStore } from '../store/store.js';
import type { ConversationRecord } from '../store/records.js';
import { ApiError } from './api-error.js';

/**
 * Refuses a send into a conversation whose auth (channel) is not connected: Pact has no account
 * to send it from. Auths are switched off or left unconfirmed only through API v2.
 */
export function checkSendable(store: SandboxStore, conversation: ConversationRecord): void {
  const channel = store.channel(conversation.channel_id);
  if (channel?.state === 'enabled') return;
  throw new ApiError(
    400,
    channel
      ? `conversation ${conversation.external_id} is on ${channel.provider} auth ${channel.external_id}, which is ${channel.state === 'disabled' ? 'disabled; enable it first' : 'not confirmed yet'}`
      : `conversation ${conversation.external_id} has no auth any more: it was deleted`,
  );
}
