import { afterEach, describe, expect, it } from 'vitest';
import { Bot, PactNetworkError, type Sent } from '@pactbot/core';
import { FaultyPact } from '../../../../test/support/faulty-pact.js';
import { messageNew } from '../../../../test/support/webhooks.js';

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
  it('is not sent again when Pact had accepted it', async () => {
    const sent: Sent[] = [];
    await setup(rolls(0.75), (b) =>
      b.on('message', async (ctx) => void sent.push(await ctx.reply('answer'))),
    );
    await customerWrites(1, 'question');
    expect(pact!.sentTo(1)).toEqual(['answer']);
    expect(pact!.faultsInjected.resetAfter).toBe(1);
    expect(sent[0]?.messageId).toBe(pact!.messagesOf(1)[1]!.external_id);
  });

  it('is sent again when Pact had not accepted it', async () => {
    await setup(rolls(0.25), (b) => b.on('message', (ctx) => ctx.reply('answer')));
    await customerWrites(1, 'question');
    expect(pact!.faultsInjected.resetBefore).toBe(1);
    expect(pact!.sentTo(1)).toEqual(['answer']);
  });

  it('tells apart identical messages sent one after another', async () => {
    // First "OK" goes through; the second is accepted but its answer is lost, then a third "OK"
    // is lost before acceptance and must be sent again.
    await setup(rolls(1, 0.75, 0.25), (b) =>
      b.on('message', async (ctx) => {
        await ctx.reply('OK');
        await ctx.reply('OK');
        await ctx.reply('OK');
      }),
    );
    await customerWrites(3, 'three times');
    expect(pact!.sentTo(3)).toEqual(['OK', 'OK', 'OK']);
    expect(pact!.faultsInjected).toMatchObject({ resetAfter: 1, resetBefore: 1 });
  });

  it('passes the error on when nothing tells which messages came before it', async () => {
    const errors: unknown[] = [];
    await setup(rolls(0.75), (b) => {
      // A conversation:new update carries no message id to measure against.
      b.on('conversation:new', async (ctx) => {
        await ctx.reply('welcome').catch((e: unknown) => errors.push(e));
      });
    });
    const result = await bot!.handleWebhook({
      type: 'conversation',
      event: 'new',
      data: { external_id: 4, name: 'N', channel_id: 1, channel_type: 'whatsapp' },
    });
    expect(result.status).toBe(200);
    expect(errors[0]).toBeInstanceOf(PactNetworkError);
    expect(pact!.sentTo(4)).toEqual(['welcome']);
  });
});
