import { afterEach, describe, expect, it } from 'vitest';
import { Bot, PactNetworkError } from '@pactbot/core';
import { FaultyPact } from '@pactbot/testkit/support/faulty-pact';
import { messageNew } from '@pactbot/testkit/support/webhooks';

let pact: FaultyPact | undefined;
let bot: Bot | undefined;
afterEach(async () => {
  await bot?.stop({ timeoutMs: 1000 });
  await pact?.close();
  bot = pact = undefined;
});

/** Rolls that pick each fault in turn (one per send); once they run out, sends go through (1 is no fault). */
function rolls(...values: number[]): () => number {
  return () => values.shift() ?? 1;
}

async function setup(random: () => number, handler: (bot: Bot) => void) {
  pact = await new FaultyPact(random).start();
  pact.faults = { resetBefore: 0.5, resetAfter: 0.5 };
  bot = new Bot({ token: 't', companyId: 42, apiUrl: pact.url, rateLimit: false });
  handler(bot);
  return { pact, bot };
}

/** A customer writes; the bot handles the webhook. */
async function customerWrites(conversationId: number, text: string): Promise<void> {
  const message = pact!.customerWrites(conversationId, text);
  const result = await bot!.handleWebhook(
    JSON.stringify(messageNew({ conversationId, text, externalId: message.external_id })),
  );
  expect(result.status).toBe(200);
}

describe('a send whose connection broke after it was written', () => {
  // Pact may or may not have taken it, and may deliver it later (asynchronous delivery): sending it
  // again could show the customer the message twice, so the failure is passed on instead.
  it('is not sent again when Pact had accepted it, and the failure is reported', async () => {
    const errors: unknown[] = [];
    const apiErrors: Error[] = [];
    await setup(rolls(0.75), (b) => {
      b.events.on('api:error', (error) => apiErrors.push(error));
      b.on('message', async (ctx) => {
        await ctx.reply('answer').catch((e: unknown) => errors.push(e));
        await ctx.reply('next');
      });
    });
    await customerWrites(1, 'question');
    expect(pact!.faultsInjected.resetAfter).toBe(1);
    expect(pact!.sentTo(1)).toEqual(['answer', 'next']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(PactNetworkError);
    expect((errors[0] as PactNetworkError).requestSent).toBe(true);
    expect(apiErrors).toEqual(errors);
  });

  it('is not sent again when Pact had not taken it either: reported, never guessed at', async () => {
    const errors: unknown[] = [];
    await setup(rolls(0.25), (b) =>
      b.on('message', async (ctx) => {
        await ctx.reply('answer').catch((e: unknown) => errors.push(e));
      }),
    );
    await customerWrites(1, 'question');
    expect(pact!.faultsInjected.resetBefore).toBe(1);
    expect(pact!.sentTo(1)).toEqual([]);
    expect(errors[0]).toBeInstanceOf(PactNetworkError);
  });
});
