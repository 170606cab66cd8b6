import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { mimeTypeOf } from '../util/mime.js';
import { PactArgumentError } from './errors.js';

/** Bytes of a file to upload: a path on disk, bytes in memory, a Blob, or a stream. */
export type FileData = Uint8Array | Blob | Readable | AsyncIterable<Uint8Array>;

/** A file to upload, with the name and type Pact should record. */
export type FileInput =
  | { path: string; filename?: string | undefined; contentType?: string | undefined }
  | {
      data: FileData;
      filename?: string | undefined;
      contentType?: string | undefined;
      size?: number | undefined;
    };

/** A multipart/form-data body that is produced as it is sent, never buffered whole. */
export interface MultipartBody {
  /** `multipart/form-data; boundary=…` */
  contentType: string;
  /** Total bytes, when every part's size is known (then sent as Content-Length). */
  length: number | undefined;
  /** False when the file is a one-shot stream: the body cannot be sent a second time. */
  replayable: boolean;
  /** Produces the body's bytes. */
  stream(): AsyncIterable<Uint8Array>;
}

function isAsyncIterable(value: unknown): value is AsyncIterable<Uint8Array> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/** Keeps a header value on one line and inside its quotes. */
function quote(value: string): string {
  return value.replace(/[\r\n"]/g, (c) => (c === '"' ? '%22' : ' '));
}

interface ResolvedFile {
  filename: string;
  contentType: string;
  size: number | undefined;
  replayable: boolean;
  open(): AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
}

async function resolveFile(input: FileInput): Promise<ResolvedFile> {
  if ('path' in input) {
    const { path } = input;
    let size: number;
    try {
      const info = await stat(path);
      if (!info.isFile()) throw new Error('not a regular file');
      size = info.size;
    } catch (error) {
      throw new PactArgumentError(
        `file path ${JSON.stringify(path)} cannot be uploaded: ${(error as Error).message}; pass the path of a readable file`,
      );
    }
    const filename = input.filename ?? basename(path);
    return {
      filename,
      contentType: input.contentType ?? mimeTypeOf(filename),
      size,
      replayable: true,
      open: () => createReadStream(path),
    };
  }
  const { data } = input;
  if (data instanceof Uint8Array) {
    const filename = input.filename ?? 'file';
    return {
      filename,
      contentType: input.contentType ?? mimeTypeOf(filename),
      size: data.byteLength,
      replayable: true,
      open: () => [data],
    };
  }
  if (data instanceof Blob) {
    const filename = input.filename ?? ((data as Partial<File>).name || 'file');
    return {
      filename,
      contentType: input.contentType ?? (data.type || mimeTypeOf(filename)),
      size: data.size,
      replayable: true,
      open: () => Readable.fromWeb(data.stream() as WebReadableStream<Uint8Array>),
    };
  }
  if (isAsyncIterable(data)) {
    const filename = input.filename ?? 'file';
    let opened = false;
    return {
      filename,
      contentType: input.contentType ?? mimeTypeOf(filename),
      size: input.size,
      replayable: false,
      open: () => {
        if (opened)
          throw new PactArgumentError(
            'a stream can be uploaded once only; pass a path, bytes or a Blob to allow retries',
          );
        opened = true;
        return data;
      },
    };
  }
  throw new PactArgumentError(
    'file must be { path }, or { data } holding a Buffer/Uint8Array, Blob or readable stream',
  );
}

/**
 * Builds a streaming multipart body from text fields and one file. The file's bytes are read as
 * the request is written, so a large file or a stream never sits in memory whole.
 */
export async function multipartBody(
  fields: Record<string, string | undefined>,
  fileField: string,
  input: FileInput,
): Promise<MultipartBody> {
  const file = await resolveFile(input);
  const boundary = `pactbot-${randomBytes(12).toString('hex')}`;
  const encoder = new TextEncoder();
  let head = '';
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    head += `--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"\r\n\r\n${value}\r\n`;
  }
  head +=
    `--${boundary}\r\nContent-Disposition: form-data; name="${quote(fileField)}"; filename="${quote(file.filename)}"\r\n` +
    `Content-Type: ${quote(file.contentType)}\r\n\r\n`;
  const headBytes = encoder.encode(head);
  const tailBytes = encoder.encode(`\r\n--${boundary}--\r\n`);
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    length:
      file.size === undefined ? undefined : headBytes.byteLength + file.size + tailBytes.byteLength,
    replayable: file.replayable,
    stream: async function* () {
      yield headBytes;
      for await (const chunk of file.open()) {
        yield typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
      }
      yield tailBytes;
    },
  };
}
