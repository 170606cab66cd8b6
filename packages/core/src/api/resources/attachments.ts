import { PactArgumentError } from '../errors.js';
import { multipartBody, type FileInput } from '../multipart.js';
import type { ApiContext } from '../pagination.js';
import type { RequestOptions } from '../request.js';
import type { ExternalIdResult } from '../types.js';
import { requireId, show } from '../validate.js';
import { asId, externalIdOf } from './results.js';

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
 * stream) sent as multipart, or a `file_url` for Pact to fetch.
 */
export type UploadParams = (FileInput | { file_url: string }) & UploadOptions;

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
function attachmentIdOf(body: unknown): ExternalIdResult {
  const result = externalIdOf(body);
  if (asId(result.external_id) !== null) return result;
  const nested = (result as { conversation?: { external_id?: unknown } }).conversation;
  const id = asId(nested?.external_id);
  if (id === null) {
    throw new Error(`Pact's answer to an upload carries no attachment id: ${show(body)}`);
  }
  return { ...result, external_id: id };
}

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
    const metadata = metadataField(params.metadata);
    const pushToTalk = params.push_to_talk;
    if (pushToTalk !== undefined && typeof pushToTalk !== 'boolean') {
      throw new PactArgumentError(`push_to_talk must be true or false, got ${show(pushToTalk)}`);
    }
    const budgetKey = this.#api.budgetKey(options);
    if ('file_url' in params) {
      const json = { file_url: checkFileUrl(params.file_url), push_to_talk: pushToTalk, metadata };
      return attachmentIdOf(
        await this.#api.call({ method: 'POST', path, json, effect: 'create', budgetKey, options }),
      );
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
    const body = await this.#api.call({
      method: 'POST',
      path,
      multipart: () => multipartBody(fields, 'file', params),
      effect: 'create',
      budgetKey,
      options,
    });
    return attachmentIdOf(body);
  }
}
