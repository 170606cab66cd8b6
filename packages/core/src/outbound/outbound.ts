import type { PactApiVersion, PactClient } from '../api/client.js';
import type { UploadParams } from '../api/resources/attachments.js';
import type { SendMessageParams } from '../api/resources/messages.js';
import type { ChannelRef, Job } from '../api/types.js';
import type { BudgetMeter } from './budget-meter.js';
import type { DeliveryTracker } from './delivery-tracker.js';
import { SendCancelledError } from './errors.js';
import { jobOfV2Message, SentMessage, type Sent } from './sent.js';
import { v2Sends, v2Upload } from './v2-sends.js';

/**
 * What lets a send go ahead: its handler still holds the conversation. `signal` is aborted when the
 * turn is lost or the bot stops; `stillHeld` tells, right before the request, whether the turn's
 * lease may have run out meanwhile (a process that stalled past it must not reply after another
 * took over, even before its own timers noticed).
 */
export interface SendGuard {
  readonly signal: AbortSignal;
  stillHeld?(): boolean;
}

/** Why a guarded send may not go ahead, if it may not. */
function refusal(conversationId: number, guard: SendGuard | undefined): Error | undefined {
  if (!guard) return undefined;
  if (guard.stillHeld && !guard.stillHeld()) {
    return new SendCancelledError(
      `send to conversation ${conversationId} cancelled: this handler's turn in the conversation lapsed (its lease ran out), so another may have taken over`,
    );
  }
  const { signal } = guard;
  if (!signal.aborted) return undefined;
  return new SendCancelledError(
    `send to conversation ${conversationId} cancelled: ${String((signal.reason as Error)?.message ?? signal.reason)}`,
  );
}

/**
 * The bot's outbound side. Sends to one conversation leave in the order they were asked for: each
 * waits until the one before it was accepted (or failed). Rate limiting and retries happen in the
 * client underneath. Every send is tracked, so `stop()` can wait for them.
 *
 * Sends go through the client's API version (`client.apiVersion`): messages are given in v1's
 * parameters (`message`, `attachments_ids`, …), the form every caller speaks, and on v2 become
 * v2 sends — one per attachment, as v2 takes one a message (see `v2Sends`).
 *
 * Fair across conversations: a conversation's line has at most one call waiting for the rate
 * budget at a time (the next part, file or reply asks only once the one before it was answered),
 * and the budget grants in arrival order — so a reply of a quiet conversation waits behind at
 * most one call of each busy one, never behind a busy one's whole backlog.
 */
export class Outbound {
  readonly #api: PactClient;
  readonly #tracker: DeliveryTracker;
  readonly #meter: BudgetMeter | undefined;
  readonly #lines = new Map<number, Promise<void>>();
  readonly #inFlight = new Set<Promise<unknown>>();

  constructor(api: PactClient, tracker: DeliveryTracker, meter?: BudgetMeter) {
    this.#api = api;
    this.#tracker = tracker;
    this.#meter = meter;
  }

  /** The API version sends go through: the client's. */
  get apiVersion(): PactApiVersion {
    return this.#api.apiVersion;
  }

  /** The delivery tracker behind `Sent.delivered()`. */
  get tracker(): DeliveryTracker {
    return this.#tracker;
  }

  /**
   * Runs `task` in the conversation's line, after everything queued there before it. Refused with
   * {@link SendCancelledError} when its guard no longer holds by the time its turn comes.
   */
  inLine<T>(conversationId: number, task: () => Promise<T>, guard?: SendGuard): Promise<T> {
    const run = (): Promise<T> => {
      const refused = refusal(conversationId, guard);
      return refused ? Promise.reject(refused) : task();
    };
    const previous = this.#lines.get(conversationId);
    const result = previous ? previous.then(run) : run();
    // The line's tail settles when this task does, success or not, and cleans up after itself.
    const settle = (): void => {
      this.#inFlight.delete(tail);
      if (this.#lines.get(conversationId) === tail) this.#lines.delete(conversationId);
    };
    const tail: Promise<void> = result.then(settle, settle);
    this.#lines.set(conversationId, tail);
    this.#inFlight.add(tail);
    return result;
  }

  /**
   * Runs `task` outside any conversation's line (a send whose conversation is not known yet, such
   * as a template to a phone number), tracked like every send so `stop()` waits for it.
   */
  unlined<T>(task: () => Promise<T>): Promise<T> {
    const result = task();
    const tail: Promise<void> = result.then(
      () => void this.#inFlight.delete(tail),
      () => void this.#inFlight.delete(tail),
    );
    this.#inFlight.add(tail);
    return result;
  }

  /**
   * Makes one call to Pact for a task that holds the conversation's turn (or runs `unlined`):
   * refused with {@link SendCancelledError} when the guard no longer holds, and counted against
   * the conversation's share of the rate budget.
   */
  call<T>(
    conversationId: number | undefined,
    call: () => Promise<T>,
    guard?: SendGuard,
  ): Promise<T> {
    if (conversationId === undefined) return call();
    const refused = refusal(conversationId, guard);
    if (refused) return Promise.reject(refused);
    return this.#metered(conversationId, call);
  }

  /**
   * Sends messages in the conversation's line, one after another with nothing in between; stops
   * at the first that fails. Resolves with the last, whose `parts` lists them all. `channel` (the
   * update's) is what a v2 `Sent.job` names.
   */
  send(
    conversationId: number,
    messages: readonly SendMessageParams[],
    guard?: SendGuard,
    channel?: ChannelRef,
  ): Promise<Sent> {
    return this.inLine(
      conversationId,
      () => this.sendNow(conversationId, messages, guard, channel),
      guard,
    );
  }

  /** Sends messages at once, for a task that already holds the conversation's turn in the line. */
  sendNow(
    conversationId: number,
    messages: readonly SendMessageParams[],
    guard?: SendGuard,
    channel?: ChannelRef,
  ): Promise<Sent> {
    if (this.#api.apiVersion === 2) return this.#sendV2(conversationId, messages, guard, channel);
    // One message (nearly every send) goes without the loop's extra promise.
    if (messages.length === 1) {
      const refused = refusal(conversationId, guard);
      if (refused) return Promise.reject(refused);
      return this.#deliver(conversationId, messages[0]!).then(
        (job) => new SentMessage(job, conversationId, this.#tracker),
      );
    }
    return this.#sendParts(conversationId, messages, guard);
  }

  async #sendParts(
    conversationId: number,
    messages: readonly SendMessageParams[],
    guard?: SendGuard,
  ): Promise<Sent> {
    let sent: SentMessage | undefined;
    for (const params of messages) {
      const refused = refusal(conversationId, guard);
      if (refused) throw refused;
      const job = await this.#deliver(conversationId, params);
      sent = new SentMessage(job, conversationId, this.#tracker, sent?.parts);
    }
    if (!sent) throw new RangeError('nothing to send');
    return sent;
  }

  /** The v2 sends of a turn, one after another (v2 is at most 30 a minute: no fast path needed). */
  async #sendV2(
    conversationId: number,
    messages: readonly SendMessageParams[],
    guard: SendGuard | undefined,
    channel: ChannelRef | undefined,
  ): Promise<Sent> {
    const sends = messages.flatMap((message) => v2Sends(message));
    let sent: SentMessage | undefined;
    for (const params of sends) {
      const refused = refusal(conversationId, guard);
      if (refused) throw refused;
      const message = await this.#metered(conversationId, () =>
        this.#api.v2.messages.send(conversationId, params),
      );
      const job = jobOfV2Message(message, channel);
      sent = new SentMessage(job, conversationId, this.#tracker, sent?.parts, message);
    }
    if (!sent) throw new RangeError('nothing to send');
    return sent;
  }

  /**
   * Uploads a file to send into the conversation, through the bot's API version, and resolves
   * with the id a message's `attachments_ids` takes. For a task holding the conversation's turn.
   */
  async upload(conversationId: number, upload: UploadParams): Promise<number> {
    if (this.#api.apiVersion === 2) {
      const params = v2Upload(upload);
      const attachment = await this.#metered(conversationId, () =>
        this.#api.v2.attachments.upload(params),
      );
      return attachment.id;
    }
    const { external_id } = await this.#metered(conversationId, () =>
      this.#api.attachments.upload(conversationId, upload),
    );
    return external_id;
  }

  /**
   * Sends one message. The client retries it only where Pact cannot have accepted it; when the
   * connection broke after the request was written, Pact may have, and sending it again could
   * show the customer the message twice — so the error (`PactNetworkError` with `requestSent`)
   * is passed on, and reported on `bot.events` as `api:error`, rather than guessed at.
   */
  #deliver(conversationId: number, params: SendMessageParams): Promise<Job> {
    // `#metered` inlined: no closure on the path every v1 send takes.
    const meter = this.#meter;
    if (meter) meter.conversationId = conversationId;
    try {
      return this.#api.messages.send(conversationId, params);
    } finally {
      if (meter) meter.conversationId = undefined;
    }
  }

  /**
   * Makes a call to the client with the budget meter knowing its conversation: the client asks
   * the budget synchronously within the call (see `BudgetMeter`), so the mark is set just for it.
   */
  #metered<T>(conversationId: number, call: () => Promise<T>): Promise<T> {
    const meter = this.#meter;
    if (!meter) return call();
    meter.conversationId = conversationId;
    try {
      return call();
    } finally {
      meter.conversationId = undefined;
    }
  }

  /** Sends queued and running. */
  get pending(): number {
    return this.#inFlight.size;
  }

  /** Resolves when every queued send has been accepted or has failed. */
  async idle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all(this.#inFlight);
  }
}
