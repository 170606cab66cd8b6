import { PactArgumentError } from '../api/errors.js';
import type { UploadParams } from '../api/resources/attachments.js';
import type { SendMessageParams } from '../api/resources/messages.js';
import type { V2UploadParams } from '../api/v2/resources/attachments.js';
import type { V2SendMessageParams } from '../api/v2/types.js';

/**
 * The v2 sends of one message as the outbound queue takes it (v1's parameters, the form every
 * caller speaks): `message` becomes `text`, and since v2 takes one attachment per message, each
 * attachment id goes in a message of its own, in order, the text with the first. v2 has no
 * interactive messages: buttons reach it as text (`ctx.buttons` sends numbered options there).
 */
export function v2Sends(params: SendMessageParams): V2SendMessageParams[] {
  if (params.interactive !== undefined) {
    throw new PactArgumentError(
      'Pact API v2 has no interactive messages; use ctx.buttons(), which sends numbered options on v2 and routes the typed number or title to bot.action()',
    );
  }
  const { message: text, attachments_ids: ids, send_to_crm } = params;
  if (ids === undefined || ids.length <= 1) {
    return [{ text, attachment_ids: ids, send_to_crm }];
  }
  return ids.map((id, i) => ({
    text: i === 0 ? text : undefined,
    attachment_ids: [id],
    send_to_crm,
  }));
}

/** A v1 upload's parameters in v2's form: `push_to_talk` and the size go inside `metadata`. */
export function v2Upload(upload: UploadParams): V2UploadParams {
  const { push_to_talk, metadata, ...source } = upload;
  if (push_to_talk === undefined && metadata === undefined) return source;
  return { ...source, metadata: { push_to_talk, data: metadata } };
}
