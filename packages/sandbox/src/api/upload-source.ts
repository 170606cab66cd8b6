import { basename } from 'node:path';
import type { AttachmentRecord } from '../store/records.js';
import { mimeTypeOf } from '../util/mime.js';
import type { UploadedFile } from './read-request.js';

/**
 * What an upload's source makes of its attachment, on v1 and v2 alike: a multipart file is kept
 * with its bytes (its type guessed from its name when the client sent none), a `file_url` is kept
 * as given, named after its path (the sandbox fetches nothing). The route has made sure there is
 * one of the two.
 */
export function uploadSource(
  file: UploadedFile | undefined,
  fileUrl: URL | undefined,
): Pick<AttachmentRecord, 'file_name' | 'mime_type' | 'size' | 'bytes'> & { url?: string } {
  if (file) {
    return {
      file_name: file.name,
      mime_type: file.type === 'application/octet-stream' ? mimeTypeOf(file.name) : file.type,
      size: file.bytes.length,
      bytes: file.bytes,
    };
  }
  return {
    file_name: decodeURIComponent(basename(fileUrl!.pathname)) || 'file',
    mime_type: mimeTypeOf(fileUrl!.pathname),
    size: null,
    bytes: null,
    url: fileUrl!.toString(),
  };
}
