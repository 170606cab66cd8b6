import { setTimeout as sleep } from 'node:timers/promises';
import type { EventEmitter } from 'eventemitter3';
import { AnswerShapeError, type AnswerReader } from './answers.js';
import {
  PactApiError,
  PactArgumentError,
  PactNetworkError,
  PactTimeoutError,
  type HttpMethod,
} from './errors.js';
import type { MultipartBody } from './multipart.js';
import type { RateLimiter } from './rate-limit.js';
import { isRetryable, retryDelayMs, type RequestEffect, type RetryPolicy } from './retry.js';
import type { HttpTransport } from './transport.js';

/** Per-call options every client method accepts as its last argument. */
export interface RequestOptions {
  /** The company to act on, when the client was created without `companyId` or for another one. */
  companyId?: number | undefined;
  /** Aborts the call (and its retries). */
  signal?: AbortSignal | undefined;
  /** Per-request timeout for this call, in ms. */
  timeoutMs?: number | undefined;
}

/** Reported before every retry. */
export interface RetryEvent {
  method: HttpMethod;
  path: string;
  /** The attempt that failed, counting from 1. */
  attempt: number;
  /** How long the client waits before the next attempt, in ms. */
  delayMs: number;
  /** Why the attempt failed. */
  error: Error;
}

/** Events of a `PactClient`. */
export interface PactClientEvents {
  /** An attempt failed and the call will be tried again. */
  retry: (event: RetryEvent) => void;
  /** A call failed for good; its promise rejects with this error. */
  error: (error: Error) => void;
}

/** A call, described for the retrying executor; it resolves with what `read` makes of the answer. */
export interface ApiCall<T = unknown> {
  method: HttpMethod;
  /** Path below the base URL, with its query string. */
  path: string;
  json?: unknown;
  /** Builds the multipart body, once; every attempt streams it anew (a one-shot stream only while unread). */
  multipart?: (() => Promise<MultipartBody>) | undefined;
  effect: RequestEffect;
  /** Rate-limit key: set for calls that spend a budget (see `BudgetClass`). */
  budgetKey?: string | undefined;
  options?: RequestOptions | undefined;
  /**
   * Reads the 2xx answer into what the call resolves with, throwing `AnswerShapeError` when it
   * lacks what the endpoint promises. Without it the call resolves with the parsed body.
   */
  read?: AnswerReader<T> | undefined;
}

/** What the executor needs from its client. */
export interface ExecutorDeps {
  transport: HttpTransport;
  policy: RetryPolicy;
  timeoutMs: number;
  limiter: RateLimiter | undefined;
  events: EventEmitter<PactClientEvents, unknown>;
  /** Values no error or event may show: the token, and secrets given to `redactSecret`. */
  secrets: readonly string[];
}

/** Replaces every occurrence of a secret (as is, or URL-encoded) in a text. */
function redactText(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    for (const form of new Set([secret, encodeURIComponent(secret)])) {
      if (result.includes(form)) result = result.split(form).join('[redacted]');
    }
  }
  return result;
}

/** Replaces every secret in a parsed body, in case Pact echoes one back. */
function redact(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return redactText(value, secrets);
  if (Array.isArray(value)) return value.map((item: unknown) => redact(item, secrets));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, secrets)]));
  }
  return value;
}

/**
 * Re-creates a failure without the secrets Pact's body may echo, and with the number of attempts
 * made, for its message. Retry events carry such a copy too: they reach logs as often as the
 * final error does.
 */
function finalError(error: unknown, attempts: number, secrets: readonly string[]): unknown {
  if (error instanceof PactApiError) {
    return new PactApiError({
      status: error.status,
      method: error.method,
      path: error.path,
      body: redact(error.body, secrets),
      retryAfterSeconds: error.retryAfterSeconds,
      problem: error.problem === undefined ? undefined : redactText(error.problem, secrets),
      attempts,
    });
  }
  if (attempts === 1) return error;
  if (error instanceof PactNetworkError) {
    return new PactNetworkError({
      method: error.method,
      path: error.path,
      code: error.code,
      requestSent: error.requestSent,
      cause: error.cause,
      attempts,
    });
  }
  if (error instanceof PactTimeoutError) {
    return new PactTimeoutError({
      method: error.method,
      path: error.path,
      timeoutMs: error.timeoutMs,
      attempts,
    });
  }
  return error;
}

/**
 * Runs a call with the client's policies: the sending budget, the per-request timeout, and
 * retries with backoff while they are safe (see `isRetryable`), within a number of attempts and
 * a total deadline.
 */
export async function execute<T>(deps: ExecutorDeps, call: ApiCall<T>): Promise<T> {
  const { transport, policy, limiter, events } = deps;
  const signal = call.options?.signal;
  const timeoutMs = call.options?.timeoutMs ?? deps.timeoutMs;
  const startedAt = Date.now();
  let body: MultipartBody | undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      if (call.multipart && !body) body = await call.multipart();
      if (limiter && call.budgetKey) await limiter.acquire(call.budgetKey, signal);
      const response = await transport.send({
        method: call.method,
        path: call.path,
        json: call.json,
        multipart: body,
        timeoutMs,
        signal,
      });
      if (!call.read) return response.body as T;
      try {
        return call.read(response.body);
      } catch (error) {
        if (!(error instanceof AnswerShapeError)) throw error;
        throw new PactApiError({
          status: response.status,
          method: call.method,
          path: call.path,
          body: response.body,
          problem: error.message,
        });
      }
    } catch (error) {
      if (error instanceof PactArgumentError || signal?.aborted) throw error;
      const delayMs = retryDelayMs(error, attempt, policy);
      if (error instanceof PactApiError && error.status === 429 && limiter && call.budgetKey) {
        await limiter.pause(call.budgetKey, delayMs);
      }
      const retry =
        attempt < policy.maxAttempts &&
        isRetryable(error, call.effect, body?.replayable ?? true) &&
        Date.now() - startedAt + delayMs <= policy.deadlineMs;
      if (!retry) {
        const failure = finalError(error, attempt, deps.secrets);
        if (failure instanceof Error) events.emit('error', failure);
        throw failure;
      }
      events.emit('retry', {
        method: call.method,
        path: call.path,
        attempt,
        delayMs,
        error: finalError(error, 1, deps.secrets) as Error,
      });
      await sleep(delayMs, undefined, signal ? { signal } : undefined);
    }
  }
}
