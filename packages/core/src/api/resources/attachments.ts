import { dataAnswer, missing, type AnswerReader } from '../answers.js';
import { PactArgumentError } from '../errors.js';
import { multipartBody, type FileInput } from '../multipart.js';
import type { ApiContext } from '../pagination.js';
import type { RequestOptions } from '../request.js';
import type { ExternalIdResult } from '../types.js';
import { optionalBoolean, requireId, show } from '../validate.js';
import { asId } from './results.js';

/** Size of an image or video, so Pact's mobile app can lay it out before it loads. */
export interface AttachmentMetadata {
  width: number;
  height: number;
}

/** Options of an upload besides the file. */
export interface UploadOptions {
  /** Send an audio file as a voice message. */
  push_to_talk?: boolean | undefined;
  /** Width and height of an image or video. */
  metadata?: AttachmentMetadata | undefined;
}

/**
 * What `attachments.upload` takes: a file (`{ path }`, or `{ data }` holding bytes, a Blob or a
 * stream) sent as multipart, or a `file_url` for Pact to fetch — one of them, never both.
 */
export type UploadParams = (
  (FileInput & { file_url?: never }) | { file_url: string; path?: never; data?: never }
) &
  UploadOptions;

function checkFileUrl(value: unknown): string {
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new PactArgumentError(`file_url must be an http or https URL, got ${show(value)}`);
  }
  return url.toString();
}

/**
 * Refuses a file together with a `file_url`: Pact's reference calls them exclusive, and sending
 * one would silently drop the other. Shared by the v1 and v2 uploads.
 */
export function checkOneSource(params: object): void {
  if ('file_url' in params && ('path' in params || 'data' in params)) {
    throw new PactArgumentError(
      'an upload takes a file ({ path } or { data }) or a file_url, not both: Pact accepts only one of them',
    );
  }
}

/** The reference's `metadata`: `{"data":{"width","height"}}` — an object in JSON, its text in a form. */
function metadataField(
  metadata: AttachmentMetadata | undefined,
): { data: { width: number; height: number } } | undefined {
  if (metadata === undefined) return undefined;
  const { width, height } = metadata ?? {};
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new PactArgumentError(
      `metadata must be { width, height } in positive whole pixels, got ${show(metadata)}`,
    );
  }
  return { data: { width, height } };
}

/**
 * The attachment id of an upload's answer. The reference shows it both as `data.external_id` and
 * as `data.conversation.external_id`; a send with a wrong id would go out without its file.
 */
const attachmentIdOf: AnswerReader<ExternalIdResult> = (body) => {
  const data = dataAnswer('attachments.upload', body);
  const direct = asId(data.external_id);
  if (direct !== null) return { ...data, external_id: direct };
  const nested = (data as { conversation?: { external_id?: unknown } }).conversation;
  const id = asId(nested?.external_id);
  if (id === null) missing('attachments.upload', 'data.external_id (the attachment id)', body);
  return { ...data, external_id: id };
};

/** `client.attachments`: files to send in a conversation's messages. */
export class AttachmentsApi {
  readonly #api: ApiContext;

  constructor(api: ApiContext) {
    this.#api = api;
  }

  /**
   * Uploads a file for a later `messages.send({ attachments_ids: [id] })`. A file from disk, bytes
   * or a Blob is streamed and may be retried; a one-shot stream is sent once.
   */
  async upload(
    conversationId: number,
    params: UploadParams,
    options?: RequestOptions,
  ): Promise<ExternalIdResult> {
    const path = `${this.#api.companyPath(options)}/conversations/${requireId('conversationId', conversationId)}/messages/attachments`;
    if (params === null || typeof params !== 'object') {
      throw new PactArgumentError(
        `upload needs { path }, { data } or { file_url }, got ${show(params)}`,
      );
    }
    checkOneSource(params);
    const metadata = metadataField(params.metadata);
    const pushToTalk = optionalBoolean('push_to_talk', params.push_to_talk);
    const budgetKey = this.#api.budgetKey(options);
    if ('file_url' in params) {
      const json = { file_url: checkFileUrl(params.file_url), push_to_talk: pushToTalk, metadata };
      return this.#api.call({
        method: 'POST',
        path,
        json,
        effect: 'create',
        budgetKey,
        options,
        read: attachmentIdOf,
      });
    }
    if (!('path' in params) && !('data' in params)) {
      throw new PactArgumentError(
        'upload needs { path }, { data } or { file_url }; got none of them',
      );
    }
    const fields = {
      push_to_talk: pushToTalk === undefined ? undefined : String(pushToTalk),
      metadata: metadata === undefined ? undefined : JSON.stringify(metadata),
    };
    return this.#api.call({
      method: 'POST',
      path,
      multipart: () => multipartBody(fields, 'file', params),
      effect: 'create',
      budgetKey,
      options,
      read: attachmentIdOf,
    });
  }
}
