import type { ApiCallEvent, WebhookAttemptOutcome, WebhookEvent } from '../events.js';
import type { ProviderError } from '../store/records.js';

/** One line of the page's live log: an API call or a webhook delivery attempt. */
export interface LogEntry {
  /** Unique in the log: `api-12`, `webhook-5-2`. */
  id: string;
  kind: 'api' | 'webhook';
  at: Date;
  /** API calls: the method; webhooks: `POST`. */
  method: string;
  /** API calls: the path; webhooks: `type/event`. */
  path: string;
  /** The answer's status; null when none came. */
  status: number | null;
  durationMs: number;
  /** What a webhook is about, in a few words: `read · message 20006`. */
  note?: string | undefined;
  /** The fault that struck an API call. */
  fault?: string | undefined;
  /** Where a webhook went. */
  target?: string | undefined;
  /** A webhook's attempt, of how many. */
  attempt?: number | undefined;
  maxAttempts?: number | undefined;
  outcome?: WebhookAttemptOutcome | undefined;
  error?: string | undefined;
  conversationId?: number | undefined;
  /** What was sent: an API call's body, a webhook's body. */
  request: unknown;
  /** What came back: the API's JSON, the bot's answer. */
  response: unknown;
}

/** An API call as a log line. */
export function apiEntry(call: ApiCallEvent): LogEntry {
  return {
    id: `api-${call.id}`,
    kind: 'api',
    at: call.at,
    method: call.method,
    path: call.path,
    status: call.status,
    durationMs: call.durationMs,
    fault: call.fault,
    request: call.request,
    response: call.response,
  };
}

function parsed(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

const ACKS: Record<number, string> = {
  [-1]: 'not delivered',
  0: 'delivering',
  1: 'sent',
  2: 'delivered',
  3: 'read',
};

function quote(text: unknown): string {
  if (typeof text !== 'string' || text === '') return 'no text';
  const line = text.split('\n')[0]!;
  return JSON.stringify(line.length > 40 ? `${line.slice(0, 40)}…` : line);
}

/** What a v2 webhook (`{event, type, object}`) is about, in a few words. */
function v2NoteOf(label: string, object: Record<string, unknown>): string | undefined {
  switch (label) {
    case 'conversation/create':
      return `new conversation with ${String(object.sender_name)}`;
    case 'conversation/update':
      return `${String(object.sender_name)} · last message ${String(object.last_message_id)}`;
    case 'conversation/delete':
      return `deleted · conversation ${String(object.id)}`;
    case 'message/create':
      return object.income
        ? `the customer: ${quote(object.message)}`
        : `sent: ${quote(object.message)}`;
    case 'message/update': {
      const error = (object.details as { internal_reason?: { errors?: ProviderError[] } } | null)
        ?.internal_reason?.errors?.[0];
      const why = error ? ` · ${error.code} ${error.title}` : '';
      return `${object.deleted ? 'deleted' : String(object.status)} · message ${String(object.id)}${why}`;
    }
    default: {
      if (!label.startsWith('auth/')) return undefined;
      const extra = object.qr
        ? ' · QR code'
        : object.code
          ? ' · pairing code'
          : object.oauth_provider_url
            ? ' · OAuth link'
            : '';
      return `${String(object.provider)} ${String(object.state)}${extra}`;
    }
  }
}

/** What a webhook is about, in a few words. */
function noteOf(body: Record<string, unknown>): string | undefined {
  const label = `${String(body.type)}/${String(body.event)}`;
  if (body.object !== null && typeof body.object === 'object') {
    return v2NoteOf(label, body.object as Record<string, unknown>);
  }
  const data = (body.data ?? {}) as Record<string, unknown>;
  switch (label) {
    case 'conversation/new':
      return `${String(data.name)} wrote first`;
    case 'message/new':
      return data.income ? `the customer: ${quote(data.message)}` : `echo: ${quote(data.message)}`;
    case 'message/ack':
      return `${ACKS[Number(data.ack)] ?? String(data.ack)} · message ${String(data.external_id)}`;
    case 'job/executed': {
      const why = typeof data.reason === 'string' ? ` · ${data.reason.split(': ')[0]}` : '';
      return `${String(data.result)} · job ${String(data.id)}${why}`;
    }
    default:
      return undefined;
  }
}

/** A webhook attempt as a log line. */
export function webhookEntry(attempt: WebhookEvent): LogEntry {
  return {
    id: `webhook-${attempt.id}-${attempt.attempt}`,
    kind: 'webhook',
    at: attempt.at,
    method: 'POST',
    path: attempt.label,
    note: noteOf(attempt.body),
    status: attempt.status ?? null,
    durationMs: attempt.durationMs,
    target: attempt.target,
    attempt: attempt.attempt,
    maxAttempts: attempt.maxAttempts,
    outcome: attempt.outcome,
    error: attempt.error,
    conversationId: attempt.conversationId,
    request: attempt.body,
    response: parsed(attempt.response),
  };
}

/** The latest log lines, at most `size`. */
export class LogRing {
  readonly #entries: LogEntry[] = [];
  readonly #size: number;

  constructor(size: number) {
    this.#size = size;
  }

  /** Adds a line, forgetting the oldest past the size. */
  add(entry: LogEntry): void {
    this.#entries.push(entry);
    if (this.#entries.length > this.#size) this.#entries.shift();
  }

  /** The lines, oldest first. */
  entries(): LogEntry[] {
    return [...this.#entries];
  }
}
