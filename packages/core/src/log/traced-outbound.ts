import type { UploadParams } from '../api/resources/attachments.js';
import type { SendMessageParams } from '../api/resources/messages.js';
import type { ChannelRef } from '../api/types.js';
import { Outbound, type SendGuard } from '../outbound/outbound.js';
import type { Sent } from '../outbound/sent.js';
import { ms, TRACES } from './trace.js';
import { describeError } from './unhandled.js';

/** `a message (12 characters, 2 buttons)`, `3 messages (4096, 4096 and 120 characters)`: never the text. */
function describeMessages(messages: readonly SendMessageParams[]): string {
  const one = (message: SendMessageParams): string => {
    const parts: string[] = [];
    if (typeof message.message === 'string') parts.push(`${message.message.length} characters`);
    const buttons = message.interactive?.buttons?.length ?? 0;
    if (buttons > 0) parts.push(`${buttons} button${buttons === 1 ? '' : 's'}`);
    const files = message.attachments_ids?.length ?? 0;
    if (files > 0) parts.push(`${files} file${files === 1 ? '' : 's'}`);
    return parts.join(', ') || 'empty';
  };
  if (messages.length === 1) return `a message (${one(messages[0]!)})`;
  return `${messages.length} messages (${messages.map(one).join('; ')})`;
}

/** What Pact named a send by: its job on v1, its message on v2. */
function named(sent: Sent): string {
  return sent.jobId !== 0 ? `job ${sent.jobId}` : `message ${sent.messageId ?? '?'}`;
}

/**
 * The outbound queue with every send and upload traced on `pactbot:send`: what went (counts,
 * never the text), whether Pact accepted it, and how long it took. The bot sends through it only
 * while that namespace is on, so the queue itself carries no tracing.
 */
export class TracedOutbound extends Outbound {
  override sendNow(
    conversationId: number,
    messages: readonly SendMessageParams[],
    guard?: SendGuard,
    channel?: ChannelRef,
  ): Promise<Sent> {
    const startedAt = performance.now();
    TRACES.send('conversation %d: sending %s', conversationId, describeMessages(messages));
    return super.sendNow(conversationId, messages, guard, channel).then(
      (sent) => {
        TRACES.send(
          'conversation %d: accepted in %s (%s)',
          conversationId,
          ms(performance.now() - startedAt),
          named(sent),
        );
        return sent;
      },
      (error: unknown) => {
        TRACES.send(
          'conversation %d: not sent (after %s): %s',
          conversationId,
          ms(performance.now() - startedAt),
          describeError(error),
        );
        throw error;
      },
    );
  }

  override async upload(conversationId: number, upload: UploadParams): Promise<number> {
    const startedAt = performance.now();
    TRACES.send('conversation %d: uploading a file', conversationId);
    try {
      const id = await super.upload(conversationId, upload);
      TRACES.send(
        'conversation %d: uploaded in %s (attachment %d)',
        conversationId,
        ms(performance.now() - startedAt),
        id,
      );
      return id;
    } catch (error) {
      TRACES.send(
        'conversation %d: upload failed (after %s): %s',
        conversationId,
        ms(performance.now() - startedAt),
        describeError(error),
      );
      throw error;
    }
  }
}
