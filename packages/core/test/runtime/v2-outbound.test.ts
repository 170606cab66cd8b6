import { describe, expect, it } from 'vitest';
import { PactArgumentError } from '@pactbot/core';
import { v2Sends, v2Upload } from '../../src/outbound/v2-sends.js';
import { v2FailureReason } from '../../src/outbound/v2-status.js';

describe('the outbound queue on API v2', () => {
  it('sends several files as several messages, in order, the text with the first', () => {
    expect(
      v2Sends({ message: 'three photos', attachments_ids: [1, 2, 3], send_to_crm: false }),
    ).toEqual([
      { text: 'three photos', attachment_ids: [1], send_to_crm: false },
      { text: undefined, attachment_ids: [2], send_to_crm: false },
      { text: undefined, attachment_ids: [3], send_to_crm: false },
    ]);
    expect(v2Sends({ message: 'one', attachments_ids: [9] })).toEqual([
      { text: 'one', attachment_ids: [9], send_to_crm: undefined },
    ]);
  });

  it('refuses interactive buttons, which v2 does not have, pointing at ctx.buttons', () => {
    expect(() =>
      v2Sends({ message: 'Pick', interactive: { type: 'button', buttons: ['A'] } }),
    ).toThrow(PactArgumentError);
    expect(() =>
      v2Sends({ message: 'Pick', interactive: { type: 'button', buttons: ['A'] } }),
    ).toThrow(/ctx\.buttons\(\), which sends numbered options on v2/);
  });

  it("moves v1's push_to_talk and size into v2's metadata", () => {
    expect(v2Upload({ file_url: 'https://example.com/a.ogg', push_to_talk: true })).toEqual({
      file_url: 'https://example.com/a.ogg',
      metadata: { push_to_talk: true, data: undefined },
    });
    expect(v2Upload({ path: '/tmp/a.png', metadata: { width: 2, height: 3 } })).toEqual({
      path: '/tmp/a.png',
      metadata: { push_to_talk: undefined, data: { width: 2, height: 3 } },
    });
    expect(v2Upload({ file_url: 'https://example.com/a.png' })).toEqual({
      file_url: 'https://example.com/a.png',
    });
  });
});

describe("Pact's reason for a failed v2 delivery", () => {
  it.each<[string, unknown, string | undefined]>([
    [
      "the reference's provider errors",
      {
        result: 'NOT DELIVERED',
        internal_reason: {
          errors: [
            { code: 131026, message: 'Message undeliverable', title: 'x' },
            { code: 1, error_data: { details: 'Second.' } },
          ],
        },
      },
      'Message undeliverable (code 131026); Second. (code 1)',
    ],
    ["v1's reason string", { reason: 'Contact is not present' }, 'Contact is not present'],
    ['a string internal_reason', { internal_reason: 'blocked' }, 'blocked'],
    ['an unknown shape, as JSON', { internal_reason: { why: 'no' } }, '{"why":"no"}'],
    ['the result alone', { result: 'NOT DELIVERED' }, undefined],
    ['no details', null, undefined],
  ])('reads %s', (_name, details, reason) => {
    expect(v2FailureReason(details)).toBe(reason);
  });
});
