import type { PactClient } from '../api/client.js';
import type { Job } from '../api/types.js';
import { TtlMap } from '../util/ttl-map.js';
import type { JobExecutedData, MessageAckData } from '../webhook/types.js';
import { DeliveryError, DeliveryTimeoutError } from './errors.js';

/** How a delivery's outcome became known. */
export type DeliverySource = 'sync' | 'webhook' | 'ack' | 'poll';

/** A message reached the messenger. */
export interface DeliveryReport {
  jobId: number;
  messageId: number | null;
  /** `sync`: Pact delivered while sending; `webhook`: the job webhook; `ack`: a delivered/read ack; `poll`: the job endpoint. */
  source: DeliverySource;
}

/** Reported for every `job`/`executed` webhook, delivered or not. */
export interface DeliveryEvent {
  jobId: number;
  messageId: number | null;
  result: string;
  reason?: string | undefined;
}

/** Options of waiting for a delivery. */
export interface DeliveredOptions {
  /** Wait this long for a webhook before asking Pact's job endpoint, in ms. Default: the bot's `delivery.pollAfterMs`. */
  pollAfterMs?: number | undefined;
  /** Give up after this long, in ms. Default: the bot's `delivery.timeoutMs`. */
  timeoutMs?: number | undefined;
}

/** Timing of delivery tracking. */
export interface DeliveryOptions {
  /** Wait this long for the job webhook before polling Pact, in ms. Default 30 000. */
  pollAfterMs?: number | undefined;
  /** Give up waiting for an outcome after this long, in ms. Default 600 000. */
  timeoutMs?: number | undefined;
}

type Outcome =
  | { delivered: true; messageId: number | null; source: DeliverySource }
  | { delivered: false; reason: string | undefined };
type Waiter = (outcome: Outcome) => void;

/**
 * Follows the delivery of sent messages. Learns outcomes from `job`/`executed` webhooks and
 * `message`/`ack` webhooks (which may arrive before anyone asks, even before the send returned),
 * and polls Pact's job endpoint when no webhook came in time — for instance when it reached
 * another process of the bot.
 */
export class DeliveryTracker {
  readonly #api: PactClient;
  readonly #onDelivery: (event: DeliveryEvent) => void;
  readonly #options: Required<{ [K in keyof DeliveryOptions]: number }>;
  readonly #outcomes = new TtlMap<number, Outcome>(50_000);
  readonly #deliveredMessages = new TtlMap<string, true>(50_000);
  readonly #jobWaiters = new Map<number, Set<Waiter>>();
  readonly #messageWaiters = new Map<string, Set<Waiter>>();

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
    this.#outcomes.set(data.id, outcome, 15 * 60_000);
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
    this.#deliveredMessages.set(key, true, 15 * 60_000);
    this.#settle(this.#messageWaiters, key, {
      delivered: true,
      messageId: Number(data.external_id),
      source: 'ack',
    });
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
        this.#jobWaiters.get(jobId)?.delete(finish);
        if (messageId !== null) this.#messageWaiters.get(String(messageId))?.delete(finish);
        if (outcome.delivered)
          resolve({ jobId, messageId: outcome.messageId ?? messageId, source: outcome.source });
        else reject(new DeliveryError(jobId, outcome.reason));
      };
      const listen = <K>(waiters: Map<K, Set<Waiter>>, key: K) => {
        let set = waiters.get(key);
        if (!set) waiters.set(key, (set = new Set()));
        set.add(finish);
      };
      if (pollable) listen(this.#jobWaiters, jobId);
      if (messageId !== null) listen(this.#messageWaiters, String(messageId));

      const poll = async (delayMs: number): Promise<void> => {
        if (settled) return;
        const elapsed = Date.now() - startedAt;
        if (elapsed >= timeoutMs) {
          settled = true;
          this.#jobWaiters.get(jobId)?.delete(finish);
          if (messageId !== null) this.#messageWaiters.get(String(messageId))?.delete(finish);
          reject(new DeliveryTimeoutError(jobId, elapsed));
          return;
        }
        try {
          if (!pollable) throw new Error('no job to ask about');
          const current = await this.#api.jobs.get(job.channel.id, jobId);
          const result = current.details?.result;
          if (current.state === 'delivered' || result === 'DELIVERED') {
            finish({ delivered: true, messageId: current.message_id, source: 'poll' });
            return;
          }
          if (current.state === 'not_delivered' || result === 'NOT DELIVERED') {
            finish({
              delivered: false,
              reason:
                typeof current.details?.reason === 'string' ? current.details.reason : undefined,
            });
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
