import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bot, type Update } from '@pactbot/core';
import { seededRandom } from '@pactbot/testkit/support/faulty-pact';
import { webhooks, SYSTEM_MESSAGES } from '@pactbot/testkit/support/reference-webhooks';
import { messageNew } from '@pactbot/testkit/support/webhooks';

const SEED = Number(process.env.FAULT_SEED ?? 7);
const BODIES = 10_000;
const random = seededRandom(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const CORPUS: unknown[] = [
  ...Object.values(webhooks).filter((w) => typeof w === 'object'),
  ...SYSTEM_MESSAGES.map((m) => webhooks.system(m)),
  messageNew({ text: 'hello' }),
  messageNew({ text: null, attachments: [{ url: 'https://x/y.png' }] }),
  messageNew({ text: null, location: { latitude: 1, longitude: 2 } }),
];

const ODD_VALUES: unknown[] = [
  null,
  0,
  -1,
  1.5,
  2 ** 53,
  -(2 ** 63),
  1e308,
  '',
  ' ',
  '12',
  'true',
  'null',
  '💥'.repeat(50),
  'x'.repeat(5000),
  true,
  false,
  [],
  [1, 'a', null],
  {},
  { nested: { deeper: [{}] } },
  '__proto__',
  '<script>',
  '\u0000\uffff',
];
const KEYS = [
  'type',
  'event',
  'data',
  'conversation_id',
  'income',
  'message',
  'external_id',
  'ack',
  'id',
  'result',
  'channel',
  'attachments',
  'location',
  'details',
  'constructor',
  'toString',
];

/** Every object and array inside `value`, with `value` itself first. */
function containers(
  value: unknown,
  found: Array<Record<string, unknown> | unknown[]> = [],
): Array<Record<string, unknown> | unknown[]> {
  if (value !== null && typeof value === 'object') {
    found.push(value as Record<string, unknown>);
    for (const child of Object.values(value)) containers(child, found);
  }
  return found;
}

function mutate(value: unknown): unknown {
  const copy = structuredClone(value);
  const times = 1 + Math.floor(random() * 3);
  for (let i = 0; i < times; i++) {
    const target = pick(containers(copy));
    const keys = Object.keys(target);
    const roll = random();
    if (roll < 0.25 && keys.length > 0) delete (target as Record<string, unknown>)[pick(keys)];
    else if (roll < 0.7 && keys.length > 0)
      (target as Record<string, unknown>)[pick(keys)] = structuredClone(pick(ODD_VALUES));
    else if (roll < 0.95)
      (target as Record<string, unknown>)[pick(KEYS)] = structuredClone(pick(ODD_VALUES));
    else return pick(ODD_VALUES);
  }
  return copy;
}

/** Bytes of a webhook body: a mutated webhook, sometimes damaged as text or as bytes. */
function fuzzBody(): Uint8Array | string {
  const text = JSON.stringify(mutate(pick(CORPUS))) ?? 'undefined';
  const roll = random();
  // JSON.parse makes "__proto__" an own property: a classic way to pollute prototypes downstream.
  if (roll < 0.05)
    return text.replace(
      '{',
      '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},',
    );
  if (roll < 0.1) return text.slice(0, Math.floor(random() * text.length));
  if (roll < 0.15) return text.replace(/[{}[\]",:]/, pick(['', '{', ']', '\\', '"']));
  if (roll < 0.18)
    return Uint8Array.from({ length: Math.floor(random() * 200) }, () =>
      Math.floor(random() * 256),
    );
  if (roll < 0.2) return '';
  return text;
}

const isId = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v);
const isObject = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** What the types promise about an update that reached a handler; empty when all holds. */
function broken(update: Update): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, what: string) => ok || problems.push(what);
  check(isObject(update), 'update is an object');
  const data = (update as unknown as { data: Record<string, unknown> }).data;
  switch (`${update.type}:${'event' in update ? update.event : ''}`) {
    case 'message:new':
    case 'group_message:new':
      check(isObject(data), 'data is an object');
      check(isId(data.conversation_id), 'conversation_id is an integer');
      check(typeof data.income === 'boolean', 'income is a boolean');
      check(data.message === null || typeof data.message === 'string', 'message is text or null');
      check(
        Array.isArray(data.attachments) && (data.attachments as unknown[]).every(isObject),
        'attachments are objects',
      );
      check(data.location === null || isObject(data.location), 'location is an object or null');
      check(
        isObject(data.channel) &&
          isId((data.channel as { id: unknown }).id) &&
          typeof (data.channel as { type: unknown }).type === 'string',
        'channel is { id, type }',
      );
      break;
    case 'message:ack':
    case 'group_message:ack':
      check(isId(data.conversation_id), 'conversation_id is an integer');
      check([-1, 0, 1, 2, 3].includes(data.ack as number), 'ack is -1..3');
      break;
    case 'conversation:new':
    case 'conversation:update':
    case 'group_conversation:new':
      check(isId(data.external_id), 'external_id is an integer');
      break;
    case 'job:executed':
      check(
        isId(data.id) &&
          typeof data.result === 'string' &&
          (data.message_id === null || isId(data.message_id)),
        'job is { id, result, message_id }',
      );
      break;
    case 'qr_code:new':
      check(typeof (update as { data: unknown }).data === 'string', 'QR code is text');
      break;
    case 'group_conversation_contact:new':
      check(
        isId(data.conversation_id) && isObject(data.contact),
        'member has conversation and contact',
      );
      break;
    default:
      check(
        update.type === 'system' && isObject(data) && typeof data.message === 'string',
        `known update (${update.type})`,
      );
  }
  return problems;
}

let bot: Bot;
let url: string;
const reached: Update[] = [];

beforeAll(async () => {
  bot = new Bot({ token: 't', companyId: 42, apiUrl: 'http://127.0.0.1:9', rateLimit: false });
  bot.use((ctx) => void reached.push(ctx.update));
  const server = await bot.listen({ port: 0, host: '127.0.0.1', path: '/pact' });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/pact`;
});
afterAll(async () => {
  await bot.stop({ timeoutMs: 1000 });
});

describe(`webhook fuzzing (seed ${SEED})`, () => {
  it(`answers ${BODIES} random and mutated bodies 200 or 4xx, and lets only well-formed updates reach handlers`, async () => {
    const statuses = new Map<number, number>();
    for (let i = 0; i < BODIES; i++) {
      const body = fuzzBody();
      const before = reached.length;
      const contentType =
        random() < 0.02
          ? pick([
              'text/plain',
              'application/x-www-form-urlencoded',
              'application/json; charset=utf-8',
              '',
            ])
          : 'application/json';
      const { status } = await bot.handleWebhook(body, { contentType });
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      expect([200, 400, 415]).toContain(status);
      if (status !== 200) expect(reached.length).toBe(before);
      for (const update of reached.slice(before))
        expect(broken(update), JSON.stringify(update).slice(0, 300)).toEqual([]);
    }
    expect(statuses.get(200)).toBeGreaterThan(500);
    expect(statuses.get(400)).toBeGreaterThan(500);
    expect(reached.length).toBeGreaterThan(300);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('answers random bytes over HTTP, including bodies over the limit, without a 5xx', async () => {
    const agent = new Agent({ connections: 8 });
    for (let i = 0; i < 300; i++) {
      const body = i % 50 === 0 ? Buffer.alloc(1024 * 1024 + 1, 0x7b) : Buffer.from(fuzzBody());
      const response = await request(url, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
        dispatcher: agent,
      });
      await response.body.text();
      expect([200, 400, 413]).toContain(response.statusCode);
    }
    await agent.close();
  });
});
