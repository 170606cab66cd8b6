import { PactArgumentError } from '../../errors.js';
import { multipartBody, type FileInput } from '../../multipart.js';
import type { RequestOptions } from '../../request.js';
import { checkOneSource } from '../../resources/attachments.js';
import { optionalBoolean, requireHttpUrl, show } from '../../validate.js';
import { V2_BASE, type V2Context } from '../context.js';
import { singleAnswer } from '../read.js';
import type { V2Attachment, V2UploadMetadata } from '../types.js';

/**
 * What `v2.attachments.upload` takes: a file (`{ path }`, or `{ data }` holding bytes, a Blob or
 * a stream — the forms of v1's upload) sent as multipart, or a `file_url` for Pact to fetch; not
 * both. `metadata` marks a voice message or gives an image's size.
 */
export type V2UploadParams = (
  (FileInput & { file_url?: never }) | { file_url: string; path?: never; data?: never }
) & {
  metadata?: V2UploadMetadata | undefined;
};

function checkMetadata(metadata: unknown): V2UploadMetadata | undefined {
  if (metadata === undefined) return undefined;
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw new PactArgumentError(
      `metadata must be an object like { push_to_talk: true } or { data: { width, height } }, got ${show(metadata)}`,
    );
  }
  const { push_to_talk, data } = metadata as V2UploadMetadata;
  optionalBoolean('metadata.push_to_talk', push_to_talk);
  if (data !== undefined) {
    const { width, height } = data ?? {};
    if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
      throw new PactArgumentError(
        `metadata.data must be { width, height } in positive whole pixels, got ${show(data)}`,
      );
    }
  }
  return { push_to_talk, data: data && { width: data.width, height: data.height } };
}

/**
 * `client.v2.attachments`: files to send. An upload belongs to the company, not to a
 * conversation; its `id` goes into `attachment_ids` of a send. Uploads spend the company's
 * `v2-upload` budget (5 a second and 30 a minute).
 */
export class V2AttachmentsApi {
  readonly #api: V2Context;

  constructor(api: V2Context) {
    this.#api = api;
  }

  /**
   * Uploads a file, or has Pact fetch one from `file_url`. A file from disk, bytes or a Blob is
   * streamed and may be retried; a one-shot stream is sent once.
   */
  async upload(params: V2UploadParams, options?: RequestOptions): Promise<V2Attachment> {
    if (params === null || typeof params !== 'object') {
      throw new PactArgumentError(
        `upload needs { path }, { data } or { file_url }, got ${show(params)}`,
      );
    }
    checkOneSource(params);
    const metadata = checkMetadata(params.metadata);
    const companyId = this.#api.companyId(options);
    const call = {
      method: 'POST' as const,
      // Every version of the reference writes the trailing slash.
      path: `${V2_BASE}/attachments/`,
      effect: 'create' as const,
      budgetKey: this.#api.budgetKey(options, 'v2-upload'),
      options,
      read: singleAnswer<V2Attachment>('attachment', 'v2.attachments.upload'),
    };
    if ('file_url' in params) {
      const json = {
        company_id: companyId,
        file_url: requireHttpUrl('file_url', params.file_url),
        metadata,
      };
      return this.#api.call({ ...call, json });
    }
    if (!('path' in params) && !('data' in params)) {
      throw new PactArgumentError(
        'upload needs { path }, { data } or { file_url }; got none of them',
      );
    }
    // Nested metadata goes as Rails bracket fields, as the reference's multipart example does.
    const fields = {
      company_id: String(companyId),
      'metadata[push_to_talk]':
        metadata?.push_to_talk === undefined ? undefined : String(metadata.push_to_talk),
      'metadata[data][width]': metadata?.data ? String(metadata.data.width) : undefined,
      'metadata[data][height]': metadata?.data ? String(metadata.data.height) : undefined,
    };
    return this.#api.call({ ...call, multipart: () => multipartBody(fields, 'file', params) });
  }
}
