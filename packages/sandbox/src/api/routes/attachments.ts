import { ApiError } from '../api-error.js';
import type { Params } from '../params.js';
import type { Route } from '../router.js';
import { uploadSource } from '../upload-source.js';
import { httpUrl } from '../../util/http-url.js';
import { conversationOf } from './lookup.js';

function bad(message: string): ApiError {
  return new ApiError(400, message);
}

function fileUrlOf(params: Params): URL | undefined {
  const value = params.string('file_url');
  if (value === undefined) return undefined;
  const url = httpUrl(value);
  if (!url) {
    throw bad(`file_url must be an http or https URL, got ${JSON.stringify(value)}`);
  }
  return url;
}

/** `metadata` is JSON text (or, in a JSON body, an object): `{"data":{"width":…,"height":…}}`. */
function checkMetadata(params: Params): void {
  const raw = params.values.metadata;
  if (raw === undefined || raw === null || raw === '') return;
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      value = undefined;
    }
  }
  const data = (value as { data?: { width?: unknown; height?: unknown } } | undefined)?.data;
  if (!Number.isInteger(data?.width) || !Number.isInteger(data?.height)) {
    throw bad('metadata must be JSON like {"data":{"width":640,"height":480}}');
  }
}

/**
 * `POST …/messages/attachments`: a multipart `file` (kept in memory and served back by the
 * sandbox) or a `file_url` (kept as given; the sandbox fetches nothing). Answers the id to put in
 * `attachments_ids`.
 */
export const attachmentRoutes: Route[] = [
  {
    method: 'POST',
    pattern: '/p1/companies/:company/conversations/:conversation/messages/attachments',
    handler: (ctx) => {
      const conversation = conversationOf(ctx);
      const { params, files } = ctx.request;
      const file = files.get('file');
      if (!file && params.has('file')) {
        throw bad('file must be a file sent as multipart/form-data (curl -F "file=@path")');
      }
      const fileUrl = fileUrlOf(params);
      if (file && fileUrl) throw bad('send either file or file_url, not both');
      if (!file && !fileUrl) {
        throw bad('file (a multipart file) or file_url (an http or https URL) is required');
      }
      const pushToTalk = params.boolean('push_to_talk') ?? false;
      checkMetadata(params);
      const { store, fileUrl: urlOf } = ctx.services;
      const base = {
        company_id: conversation.company_id,
        conversation_id: conversation.external_id,
        push_to_talk: pushToTalk,
      };
      const attachment = store.addAttachment({ ...base, ...uploadSource(file, fileUrl) }, urlOf);
      return { body: { status: 'ok', data: { external_id: attachment.external_id } } };
    },
  },
];
