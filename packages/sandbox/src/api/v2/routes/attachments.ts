import { httpUrl } from '../../../util/http-url.js';
import { ApiError } from '../../api-error.js';
import { Params } from '../../params.js';
import type { Route } from '../../router.js';
import { uploadSource } from '../../upload-source.js';
import { companyParam } from '../lookup.js';
import { UPLOAD_LIMITS } from '../rate-limits.js';
import { attachmentV2 } from '../shapes.js';

function bad(message: string): ApiError {
  return new ApiError(400, message);
}

function pixels(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number <= 0) {
    throw bad(
      `metadata[data][${name}] must be a whole number of pixels, got ${JSON.stringify(value)}`,
    );
  }
  return number;
}

/** `metadata`: `push_to_talk` (a voice message), and `data` with an image's `width` and `height`. */
function metadataOf(params: Params) {
  const metadata = params.object('metadata') ?? {};
  const data = metadata.data;
  if (data !== undefined && (data === null || typeof data !== 'object' || Array.isArray(data))) {
    throw bad('metadata[data] must be an object with width and height');
  }
  const dims = (data ?? {}) as Record<string, unknown>;
  const pushToTalk = new Params({ 'metadata[push_to_talk]': metadata.push_to_talk }).boolean(
    'metadata[push_to_talk]',
  );
  return {
    pushToTalk: pushToTalk ?? false,
    width: pixels(dims.width, 'width'),
    height: pixels(dims.height, 'height'),
  };
}

/**
 * `POST /api/p2/attachments/`: a multipart `file` (kept and served back by the sandbox) or a JSON
 * `file_url` (kept as given: the sandbox fetches nothing, so its size is unknown). The upload
 * belongs to the company, not to a conversation, until a message carries it.
 */
export const attachmentRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/api/p2/attachments',
    rateLimit: UPLOAD_LIMITS,
    handler: (ctx) => {
      const company = companyParam(ctx);
      const { params, files } = ctx.request;
      const file = files.get('file');
      if (!file && params.has('file')) {
        throw bad('file must be a file sent as multipart/form-data (curl --form "file=@path")');
      }
      const fileUrlText = params.string('file_url');
      const fileUrl = fileUrlText === undefined ? undefined : httpUrl(fileUrlText);
      if (fileUrlText !== undefined && !fileUrl) {
        throw bad(`file_url must be an http or https URL, got ${JSON.stringify(fileUrlText)}`);
      }
      if (file && fileUrl) throw bad('send either file or file_url, not both');
      if (!file && !fileUrl)
        throw bad('file (a multipart file) or file_url (an http or https URL) is required');
      const { pushToTalk, width, height } = metadataOf(params);
      const base = {
        company_id: company.external_id,
        conversation_id: null,
        push_to_talk: pushToTalk,
        ...(width !== undefined ? { width } : {}),
        ...(height !== undefined ? { height } : {}),
      };
      const { store, fileUrl: urlOf } = ctx.services;
      const attachment = store.addAttachment({ ...base, ...uploadSource(file, fileUrl) }, urlOf);
      return { body: { attachment: attachmentV2(attachment) } };
    },
  },
];
