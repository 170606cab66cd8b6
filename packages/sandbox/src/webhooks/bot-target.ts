import type { WebhookRequest, WebhookResult } from '@pactbot/core';
import type { WebhookBody } from './payloads.js';
import type { TargetAnswer, WebhookTarget } from './target.js';

/** What the sandbox needs of a bot to hand it webhooks in-process: a `Bot` has it. */
export interface WebhookReceiver {
  /** The company the bot serves. */
  readonly companyId: number;
  /** Handles one webhook and tells the answer (see `bot.handleWebhook`). */
  handleWebhook(body: unknown, request?: WebhookRequest): Promise<WebhookResult>;
}

/** The name logs give a bot connected in-process. */
export const IN_PROCESS = 'bot (in-process)';

/**
 * Hands webhooks to a bot in this process through `bot.handleWebhook`: the raw JSON bytes, as an
 * HTTP framework would pass them, and the secret as the query parameter Pact's URL would carry.
 */
export function botTarget(bot: WebhookReceiver, secret: string | undefined): WebhookTarget {
  return {
    name: IN_PROCESS,
    async deliver(body: WebhookBody): Promise<TargetAnswer> {
      const result = await bot.handleWebhook(Buffer.from(JSON.stringify(body)), {
        query: secret === undefined ? undefined : { secret },
        contentType: 'application/json',
      });
      return { status: result.status, response: JSON.stringify(result.body) };
    },
  };
}
