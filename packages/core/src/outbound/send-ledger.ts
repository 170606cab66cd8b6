import type { SendMessageParams } from '../api/resources/messages.js';
import type { Message } from '../api/types.js';
import { TtlMap } from '../util/ttl-map.js';

/** What identifies a message's content in Pact's list: how many files it carries, and its text. */
export function signatureOf(
  message: { message?: string | null | undefined; attachments?: unknown[] | undefined },
  attachments?: number,
): string {
  return `${attachments ?? message.attachments?.length ?? 0}:${message.message ?? ''}`;
}

/** The signature of a message about to be sent. */
export function sendSignature(params: SendMessageParams): string {
  return signatureOf({ message: params.message }, params.attachments_ids?.length ?? 0);
}

interface Unconfirmed {
  jobId: number;
  signature: string;
}

interface ConversationRecord {
  /** The highest message id known to come before every send in `unconfirmed`. */
  watermark: number;
  /** Sends Pact accepted whose message id is not known yet, oldest first. */
  unconfirmed: Unconfirmed[];
}

/** Sends remembered per conversation; older ones are confirmed or no longer matter. */
const MAX_UNCONFIRMED = 100;

/**
 * What the bot knows about the messages of its conversations, to settle an ambiguous send — one
 * whose connection broke after the request was written, so Pact may or may not have accepted it.
 *
 * Pact's message ids grow. For each conversation the ledger keeps a watermark (the newest message
 * id known to precede the bot's pending sends: the customer's message being answered, or a send
 * whose id was learned) and the sends accepted since whose ids are not known yet. If Pact's
 * newest messages hold more outgoing messages above the watermark with the ambiguous send's
 * content than there are such unconfirmed sends, the ambiguous one landed; otherwise it did not
 * and can be sent again without a duplicate.
 */
export class SendLedger {
  readonly #conversations = new TtlMap<number, ConversationRecord>(50_000);
  readonly #ttlMs = 15 * 60_000;

  /** The record of a conversation, its time to live renewed in place (no second lookup). */
  #record(conversationId: number): ConversationRecord | undefined {
    const entry = this.#conversations.entry(conversationId);
    if (entry === undefined) return undefined;
    entry.expiresAt = Date.now() + this.#ttlMs;
    return entry.value;
  }

  /** A customer's message was handled: every send after it comes after this id. */
  incoming(conversationId: number, messageId: unknown): void {
    const id = Number(messageId);
    if (!Number.isSafeInteger(id)) return;
    const record = this.#record(conversationId);
    if (!record) {
      this.#conversations.add(conversationId, { watermark: id, unconfirmed: [] }, this.#ttlMs);
      return;
    }
    // Raising the watermark past sends whose ids are unknown would hide them from the count.
    if (record.unconfirmed.length === 0) record.watermark = Math.max(record.watermark, id);
  }

  /** Pact accepted a send; its message id is known when Pact delivered at once. */
  accepted(
    conversationId: number,
    jobId: number,
    signature: string,
    messageId: number | null,
  ): void {
    const record = this.#record(conversationId);
    if (!record) return;
    if (messageId !== null) {
      this.#confirm(record, jobId, messageId);
      return;
    }
    record.unconfirmed.push({ jobId, signature });
    if (record.unconfirmed.length > MAX_UNCONFIRMED) record.unconfirmed.shift();
  }

  /** Pact's echo of a send told its message id (the echo carries its job's id and conversation). */
  confirmed(conversationId: number, jobId: number, messageId: unknown): void {
    const id = Number(messageId);
    const record = this.#record(conversationId);
    if (record && Number.isSafeInteger(id)) this.#confirm(record, jobId, id);
  }

  #confirm(record: ConversationRecord, jobId: number, messageId: number): void {
    // Sends leave a conversation one after another, so every send before this one came earlier.
    const index = record.unconfirmed.findIndex((send) => send.jobId === jobId);
    record.unconfirmed.splice(0, index + 1);
    if (record.unconfirmed.length === 0 || index >= 0)
      record.watermark = Math.max(record.watermark, messageId);
  }

  /** Whether the ledger can settle an ambiguous send to this conversation. */
  canSettle(conversationId: number): boolean {
    return this.#record(conversationId) !== undefined;
  }

  /**
   * The message an ambiguous send became, found among the conversation's newest messages (newest
   * first), or undefined when it did not land.
   */
  landed(
    conversationId: number,
    signature: string,
    newest: readonly Message[],
  ): Message | undefined {
    const record = this.#record(conversationId);
    if (!record) return undefined;
    const candidates = newest.filter(
      (m) => !m.income && Number(m.external_id) > record.watermark && signatureOf(m) === signature,
    );
    const pending = record.unconfirmed.filter((send) => send.signature === signature).length;
    return candidates.length > pending ? candidates[0] : undefined;
  }

  /** An ambiguous send turned out to have landed as `messageId`. */
  settled(conversationId: number, messageId: number): void {
    const record = this.#record(conversationId);
    if (!record) return;
    record.unconfirmed.length = 0;
    record.watermark = Math.max(record.watermark, messageId);
  }
}
