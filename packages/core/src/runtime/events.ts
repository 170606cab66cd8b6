import type { RetryEvent } from '../api/request.js';
import type { DeliveryEvent } from '../outbound/delivery-tracker.js';
import type { DialogEnd } from '../conversation/types.js';
import type { Update } from '../webhook/types.js';

/** An update and its identity (equal for every redelivery of one webhook). */
export interface UpdateInfo {
  update: Update;
  id: string;
}

/** An error with the update it happened on, when there was one. */
export interface ErrorInfo {
  error: unknown;
  update?: Update | undefined;
  id?: string | undefined;
}

/** An update, or a webhook, that was not handled and will not be unless Pact sends it again. */
export interface DroppedInfo {
  reason: string;
  update?: Update | undefined;
  id?: string | undefined;
}

/** A webhook refused at the door. */
export interface RejectedInfo {
  status: number;
  reason: string;
}

/** A webhook of a type or event pactbot does not know; acknowledged with 200. */
export interface UnknownInfo {
  type: unknown;
  event: unknown;
  body: Record<string, unknown>;
}

/**
 * A send a handler started after it had returned (and its pending sends were settled): it was
 * neither awaited nor returned. It may reach the customer after the replies to later updates of
 * the conversation, and changes to `ctx.session` made then are lost (the session was written when
 * the handler returned).
 */
export interface LateSendInfo extends UpdateInfo {
  /** The conversation it was sent to. */
  conversationId: number;
}

/**
 * Events of `bot.events` (an eventemitter3 emitter), for logs and metrics:
 * - `update`: an update was accepted for handling;
 * - `handled`: an update's handler finished, with its duration;
 * - `duplicate`: a redelivery of an update already handled or being handled was acknowledged, not run;
 * - `error`: a handler, or the machinery around it, failed;
 * - `api:retry`: a call to Pact failed and will be retried;
 * - `api:error`: a call to Pact failed for good;
 * - `delivery`: Pact reported a delivery job's outcome;
 * - `budget:wait`: a call to Pact (a send, an upload, a read) waited for its rate budget — `key`
 *   names the budget (`company:42:v2-send`), `conversationId` the conversation sent to when known —
 *   for 5 ms or more;
 * - `dropped`: an update was not handled (bot stopping, backlog full, coordination state down) and
 *   is left to Pact's redelivery;
 * - `rejected`: a webhook was refused (wrong secret, malformed, too large);
 * - `unknown`: a webhook of an unknown type or event was acknowledged;
 * - `dialog:end`: a dialog ended (returned, threw, exited, timed out, expired, or its code changed);
 * - `send:late`: a handler sent after it had returned (a send neither awaited nor returned); once
 *   per update.
 */
export interface BotEvents {
  update: (info: UpdateInfo) => void;
  handled: (info: UpdateInfo & { durationMs: number }) => void;
  duplicate: (info: UpdateInfo) => void;
  error: (info: ErrorInfo) => void;
  'api:retry': (event: RetryEvent) => void;
  'api:error': (error: Error) => void;
  delivery: (event: DeliveryEvent) => void;
  'budget:wait': (info: {
    key: string;
    conversationId?: number | undefined;
    waitedMs: number;
  }) => void;
  dropped: (info: DroppedInfo) => void;
  rejected: (info: RejectedInfo) => void;
  unknown: (info: UnknownInfo) => void;
  'dialog:end': (info: DialogEnd & { update: Update }) => void;
  'send:late': (info: LateSendInfo) => void;
}
