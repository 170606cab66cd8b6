import type { WebhookBody } from './payloads.js';

/** A receiver's answer to one webhook. */
export interface TargetAnswer {
  status: number;
  /** The answer's body as text, for the log. */
  response: string | undefined;
}

/** Where a company's webhooks go: its webhook URL, or a bot in this process. */
export interface WebhookTarget {
  /** How logs name it. */
  readonly name: string;
  /** Delivers one webhook; rejects when no answer came. */
  deliver(body: WebhookBody, signal: AbortSignal): Promise<TargetAnswer>;
}
