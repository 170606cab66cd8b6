import type { V2MessageStatus } from '../api/v2/types.js';

/** What a v2 message's status says of its delivery: delivered (or read), failed, or not yet known. */
export type V2StatusOutcome = 'delivered' | 'failed' | undefined;

/** `delivered` and `read` settle a delivery; `error` fails it; `created` and `sent` tell nothing yet. */
export function v2StatusOutcome(status: V2MessageStatus): V2StatusOutcome {
  if (status === 'delivered' || status === 'read') return 'delivered';
  if (status === 'error') return 'failed';
  return undefined;
}

const MAX_REASON = 500;

/** The readable part of one provider error inside `internal_reason.errors`. */
function describeError(error: unknown): string | undefined {
  if (typeof error === 'string') return error;
  if (error === null || typeof error !== 'object') return undefined;
  const { message, title, code, error_data: data } = error as Record<string, unknown>;
  const detail = (data as { details?: unknown } | null | undefined)?.details;
  const text = [message, title, detail].find(
    (value): value is string => typeof value === 'string' && value !== '',
  );
  const codeText =
    typeof code === 'number' || typeof code === 'string' ? `code ${code}` : undefined;
  if (text === undefined) return codeText;
  return codeText === undefined ? text : `${text} (${codeText})`;
}

/**
 * Pact's reason for a failed v2 delivery, read from the message's `details`. The reference shows
 * one shape, `{ result: "NOT DELIVERED", internal_reason: { errors: [{ code, message, title,
 * error_data: { details } }] } }` (the provider's own error, passed through); a `reason` string
 * (v1's form) or a string `internal_reason` are read too, and anything else is shown as JSON.
 * `result` alone says no more than the failure itself, so it gives no reason.
 */
export function v2FailureReason(details: unknown): string | undefined {
  if (details === null || typeof details !== 'object') {
    return typeof details === 'string' && details !== '' ? details : undefined;
  }
  const { reason, internal_reason: internal } = details as Record<string, unknown>;
  if (typeof reason === 'string' && reason !== '') return reason;
  if (typeof internal === 'string' && internal !== '') return internal;
  if (internal !== null && typeof internal === 'object') {
    const errors = (internal as { errors?: unknown }).errors;
    if (Array.isArray(errors)) {
      const described = errors.map(describeError).filter((text) => text !== undefined);
      if (described.length > 0) return described.join('; ').slice(0, MAX_REASON);
    }
    const json = JSON.stringify(internal);
    return json === '{}' ? undefined : json.slice(0, MAX_REASON);
  }
  return undefined;
}
