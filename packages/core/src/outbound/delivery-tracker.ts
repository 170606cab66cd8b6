import type { PactClient } from '../api/client.js';
import type { Job } from '../api/types.js';
import type { V2Message } from '../api/v2/types.js';
import { TtlMap } from '../util/ttl-map.js';
import type { JobExecutedData, MessageAckData } from '../webhook/types.js';
import { DeliveryError, DeliveryTimeoutError } from './errors.js';
import { v2FailureReason, v2StatusOutcome } from './v2-status.js';

/** How a delivery's outcome became known. */
export type DeliverySource = 'sync' | 'webhook' | 'ack' | 'poll';

/** A message reached the messenger. */
export interface DeliveryReport {
  /** The delivery job; 0 on API v2, whose sends have no job. */
  jobId: number;
  /** The message: v1's id once known, the v2 message's id on v2. */
  messageId: number | null;
  /**
   * `sync`: Pact delivered while sending; `webhook`: the job webhook (v1); `ack`: a delivered/read
   * ack (v1) or a message `update` webhook with status `delivered`/`read` (v2); `poll`: the job
   * endpoint (v1) or the message read back (v2).
   */
  source: DeliverySource;
}

/**
 * Reported for every `job`/`executed` webhook (API v1), delivered or not, and on API v2 for the
 * first outcome Pact reports of an outgoing message (status `delivered`, `read` or `error`; then
 * `jobId` is 0 and `result` `DELIVERED` or `NOT DELIVERED`, as on v1).
 */
export interface DeliveryEvent {
  jobId: number;
  messageId: number | null;
  result: string;
  reason?: string | undefined;
}

/** Options of waiting for a delivery. */
export interface DeliveredOptions {
  /** Wait this long for a webhook before asking Pact, in ms. Default: the bot's `delivery.pollAfterMs`. */
  pollAfterMs?: number | undefined;
  /** Give up after this long, in ms. Default: the bot's `delivery.timeoutMs`. */
  timeoutMs?: number | undefined;
}

/** Timing of delivery tracking. */
export interface DeliveryOptions {
  /**
   * Wait this long for a webhook before asking Pact (the job endpoint on v1, the message on v2),
   * in ms; then ask again at growing intervals up to a minute. Default 30 000.
   */
  pollAfterMs?: number | undefined;
  /** Give up waiting for an outcome after this long, in ms. Default 600 000. */
  timeoutMs?: number | undefined;
}

type Outcome =
  | { delivered: true; messageId: number | null; source: DeliverySource }
  | { delivered: false; reason: string | undefined; details?: unknown };
type Waiter = (outcome: Outcome) => void;

/** How long an outcome that came before anyone asked is kept for them. */
const OUTCOME_TTL_MS = 15 * 60_000;

/** One delivery to follow, whatever the API version. */
interface Follow {
  /** Listens for the webhooks that settle it; returns how to stop listening. */
  listen(finish: Waiter): () => void;
  /** Asks Pact for the outcome (undefined: still unknown); rejects when asking failed. */
  ask(): Promise<Outcome | undefined>;
  /** The report of a delivery. */
  report(outcome: Extract<Outcome, { delivered: true }>): DeliveryReport;
  /** The error of a failed delivery. */
  failure(outcome: Extract<Outcome, { delivered: false }>): Error;
  /** The error of giving up after `waitedMs`. */
  timeout(waitedMs: number): Error;
}

/**
 * Follows the delivery of sent messages. Learns outcomes from webhooks, which may arrive before
 * anyone asks, even before the send returned — on API v1 `job`/`executed` and `message`/`ack`, on
 * v2 the message's `update` — and asks Pact when no webhook came in time (for instance when it
 * reached another process of the bot): v1's job endpoint, or the v2 message itself.
 */
export class DeliveryTracker {
  readonly #api: PactClient;
  readonly #onDelivery: (event: DeliveryEvent) => void;
  readonly #options: Required<{ [K in keyof DeliveryOptions]: number }>;
  readonly #outcomes = new TtlMap<number, Outcome>(50_000);
  readonly #deliveredMessages = new TtlMap<string, true>(50_000);
  readonly #jobWaiters = new Map<number, Set<Waiter>>();
  readonly #messageWaiters = new Map<string, Set<Waiter>>();
  /** API v2: outcomes and waiters by Pact's message id. */
  readonly #v2Outcomes = new TtlMap<number, Outcome>(50_000);
  readonly #v2Waiters = new Map<number, Set<Waiter>>();

  constructor(
    api: PactClient,
    onDelivery: (event: DeliveryEvent) => void,
    options: DeliveryOptions = {},
  ) {
    this.#api = api;
    this.#onDelivery = onDelivery;
    this.#options = {
      pollAfterMs: options.pollAfterMs ?? 30_000,
      timeoutMs: options.timeoutMs ?? 600_000,
    };
  }

  /** Feeds a `job`/`executed` webhook. */
  jobExecuted(data: JobExecutedData): void {
    const delivered = data.result === 'DELIVERED';
    const outcome: Outcome = delivered
      ? { delivered: true, messageId: data.message_id, source: 'webhook' }
      : { delivered: false, reason: data.reason };
    this.#outcomes.set(data.id, outcome, OUTCOME_TTL_MS);
    this.#onDelivery({
      jobId: data.id,
      messageId: data.message_id,
      result: data.result,
      reason: data.reason,
    });
    this.#settle(this.#jobWaiters, data.id, outcome);
  }

  /** Feeds a `message`/`ack` webhook: ack 2 (delivered) or 3 (read) settles a delivery. */
  messageAck(data: MessageAckData): void {
    if (data.ack < 2) return;
    const key = String(data.external_id);
    this.#deliveredMessages.set(key, true, OUTCOME_TTL_MS);
    this.#settle(this.#messageWaiters, key, {
      delivered: true,
      messageId: Number(data.external_id),
      source: 'ack',
    });
  }

  /**
   * Feeds an outgoing v2 message as a webhook carries it (`update`, or a `create` that already
   * tells an outcome): status `delivered` or `read` settles its delivery, `error` fails it with the
   * reason in `details`; `sent` tells nothing yet. The first outcome stands: a later `read` after
   * `delivered`, or a redelivery, is no news.
   */
  messageStatus(message: V2Message): void {
    const verdict = v2StatusOutcome(message.status);
    if (verdict === undefined || this.#v2Outcomes.get(message.id) !== undefined) return;
    const outcome = this.#v2Outcome(message, verdict, 'ack');
    this.#v2Outcomes.set(message.id, outcome, OUTCOME_TTL_MS);
    this.#onDelivery({
      jobId: 0,
      messageId: message.id,
      result: outcome.delivered ? 'DELIVERED' : 'NOT DELIVERED',
      reason: outcome.delivered ? undefined : outcome.reason,
    });
    this.#settle(this.#v2Waiters, message.id, outcome);
  }

  #v2Outcome(message: V2Message, verdict: 'delivered' | 'failed', source: DeliverySource): Outcome {
    return verdict === 'delivered'
      ? { delivered: true, messageId: message.id, source }
      : { delivered: false, reason: v2FailureReason(message.details), details: message.details };
  }

  #settle<K>(waiters: Map<K, Set<Waiter>>, key: K, outcome: Outcome): void {
    const set = waiters.get(key);
    if (!set) return;
    waiters.delete(key);
    for (const waiter of set) waiter(outcome);
  }

  /** Resolves when the job's message is delivered; rejects when it was not, or when nobody could tell in time. */
  wait(job: Job, options: DeliveredOptions = {}): Promise<DeliveryReport> {
    const jobId = job.id;
    const messageId = job.message_id;
    if (job.state === 'delivered' || job.details?.result === 'DELIVERED') {
      return Promise.resolve({ jobId, messageId, source: 'sync' });
    }
    // A message found after an ambiguous send has no known job (id 0): only its acks can tell.
    const pollable = jobId !== 0;
    const known = pollable ? this.#outcomes.get(jobId) : undefined;
    if (known)
      return known.delivered
        ? Promise.resolve({ jobId, messageId: known.messageId ?? messageId, source: known.source })
        : Promise.reject(new DeliveryError(jobId, known.reason));
    if (messageId !== null && this.#deliveredMessages.get(String(messageId))) {
      return Promise.resolve({ jobId, messageId, source: 'ack' });
    }
    return this.#follow(
      {
        listen: (finish) => {
          if (pollable) listen(this.#jobWaiters, jobId, finish);
          if (messageId !== null) listen(this.#messageWaiters, String(messageId), finish);
          return () => {
            unlisten(this.#jobWaiters, jobId, finish);
            if (messageId !== null) unlisten(this.#messageWaiters, String(messageId), finish);
          };
        },
        ask: async () => {
          if (!pollable) throw new Error('no job to ask about');
          const current = await this.#api.jobs.get(job.channel.id, jobId);
          const result = current.details?.result;
          if (current.state === 'delivered' || result === 'DELIVERED') {
            return { delivered: true, messageId: current.message_id, source: 'poll' };
          }
          if (current.state === 'not_delivered' || result === 'NOT DELIVERED') {
            const reason = current.details?.reason;
            return { delivered: false, reason: typeof reason === 'string' ? reason : undefined };
          }
          return undefined;
        },
        report: (outcome) => ({
          jobId,
          messageId: outcome.messageId ?? messageId,
          source: outcome.source,
        }),
        failure: (outcome) => new DeliveryError(jobId, outcome.reason),
        timeout: (waitedMs) => new DeliveryTimeoutError(jobId, waitedMs),
      },
      options,
    );
  }

  /**
   * API v2: resolves when the message is delivered (or read); rejects with `DeliveryError` when
   * its status became `error`, or `DeliveryTimeoutError` when nobody could tell in time.
   */
  waitMessage(message: V2Message, options: DeliveredOptions = {}): Promise<DeliveryReport> {
    const messageId = message.id;
    const failure = (outcome: Extract<Outcome, { delivered: false }>): Error =>
      new DeliveryError(0, outcome.reason, { messageId, details: outcome.details });
    const sync = v2StatusOutcome(message.status);
    const known =
      this.#v2Outcomes.get(messageId) ?? (sync && this.#v2Outcome(message, sync, 'sync'));
    if (known) {
      return known.delivered
        ? Promise.resolve({ jobId: 0, messageId, source: known.source })
        : Promise.reject(failure(known));
    }
    return this.#follow(
      {
        listen: (finish) => {
          listen(this.#v2Waiters, messageId, finish);
          return () => unlisten(this.#v2Waiters, messageId, finish);
        },
        ask: async () => {
          const current = await this.#api.v2.messages.get(message.conversation_id, messageId);
          const verdict = v2StatusOutcome(current.status);
          return verdict && this.#v2Outcome(current, verdict, 'poll');
        },
        report: (outcome) => ({ jobId: 0, messageId, source: outcome.source }),
        failure,
        timeout: (waitedMs) => new DeliveryTimeoutError(0, waitedMs, { messageId }),
      },
      options,
    );
  }

  /**
   * Waits for a webhook to settle the delivery; past `pollAfterMs` asks Pact, then again at
   * doubling intervals (at most a minute apart) until an outcome or `timeoutMs`.
   */
  #follow(follow: Follow, options: DeliveredOptions): Promise<DeliveryReport> {
    const pollAfterMs = options.pollAfterMs ?? this.#options.pollAfterMs;
    const timeoutMs = options.timeoutMs ?? this.#options.timeoutMs;
    const startedAt = Date.now();
    return new Promise<DeliveryReport>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      let settled = false;
      const finish: Waiter = (outcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        stopListening();
        if (outcome.delivered) resolve(follow.report(outcome));
        else reject(follow.failure(outcome));
      };
      const stopListening = follow.listen(finish);

      const poll = async (delayMs: number): Promise<void> => {
        if (settled) return;
        const elapsed = Date.now() - startedAt;
        if (elapsed >= timeoutMs) {
          settled = true;
          stopListening();
          reject(follow.timeout(elapsed));
          return;
        }
        try {
          const outcome = await follow.ask();
          if (outcome) {
            finish(outcome);
            return;
          }
        } catch {
          // Asking failed (the client already reported it); ask again later.
        }
        if (settled) return;
        const next = Math.min(
          delayMs * 2,
          60_000,
          Math.max(1, timeoutMs - (Date.now() - startedAt)),
        );
        timer = setTimeout(() => void poll(next), next);
      };
      timer = setTimeout(() => void poll(pollAfterMs), Math.min(pollAfterMs, timeoutMs));
    });
  }
}

/** Adds a waiter under `key`. */
function listen<K>(waiters: Map<K, Set<Waiter>>, key: K, finish: Waiter): void {
  let set = waiters.get(key);
  if (!set) waiters.set(key, (set = new Set()));
  set.add(finish);
}

/** Removes a waiter from under `key`, and the key once nobody waits there. */
function unlisten<K>(waiters: Map<K, Set<Waiter>>, key: K, finish: Waiter): void {
  const set = waiters.get(key);
  if (set?.delete(finish) && set.size === 0) waiters.delete(key);
}
