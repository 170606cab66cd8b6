import { textProblem } from '../../pact-limits.js';
import type { AttachmentRecord, CompanyRecord } from '../../store/records.js';
import type { SandboxStore } from '../../store/store.js';
import { ApiError } from '../api-error.js';
import type { Params } from '../params.js';

function bad(message: string): ApiError {
  return new ApiError(400, message);
}

/**
 * The attachment of a v2 send: `attachment_ids` holds one id per message (the reference's rule
 * since 2025-10-01), as a number or a string of digits (its example sends `["ID"]`).
 */
export function attachmentOf(
  store: SandboxStore,
  company: CompanyRecord,
  params: Params,
): AttachmentRecord[] {
  const ids = params.ids('attachment_ids') ?? [];
  if (ids.length > 1) {
    throw bad(
      `attachment_ids has ${ids.length} ids, but a message carries one attachment; send several messages for several files`,
    );
  }
  return ids.map((id) => {
    const attachment = store.attachment(id);
    if (!attachment || attachment.company_id !== company.external_id) {
      throw bad(
        `attachment_ids[0] is ${id}, which is no attachment of company ${company.external_id}; upload the file first with POST /api/p2/attachments/`,
      );
    }
    return attachment;
  });
}

/** The text of a v2 send, checked against the messenger's limit. */
export function textOf(params: Params, provider: string): string | undefined {
  const text = params.string('text');
  if (text === undefined) return undefined;
  const problem = textProblem(text, provider);
  if (problem) throw bad(`text ${problem}`);
  return text;
}

/** v2 has no interactive messages; a bot sends the options as numbered text instead. */
export function refuseInteractive(params: Params): void {
  if (params.has('interactive') || params.has('buttons')) {
    throw bad(
      'API v2 has no interactive messages (buttons): send the options as text, such as "1. Pizza", and read the answer as a message',
    );
  }
}
