import type http from 'node:http';
import { show } from '../util/show.js';
import { ApiError } from './api-error.js';
import { formFields } from './form-fields.js';
import { Params } from './params.js';
import { mediaType, readBody } from '../server/http-util.js';

/** A file of a multipart request. */
export interface UploadedFile {
  name: string;
  type: string;
  bytes: Buffer;
}

/** A call to the API, its parameters read from wherever they came. */
export interface ApiRequest {
  method: string;
  /** The path, without the query string. */
  path: string;
  /** Query, form fields and JSON body merged (the body wins); the token parameter left out. */
  params: Params;
  /** Files of a multipart body, by field name. */
  files: Map<string, UploadedFile>;
  /** A `private_api_token` field of the body (v2 takes the token there too). */
  bodyToken: unknown;
  /** The body as the log shows it: JSON or fields, files summarized by name, type and size. */
  loggedBody: unknown;
}

/** Limits of request bodies, in bytes. */
export interface BodyLimits {
  /** JSON and form bodies. */
  body: number;
  /** Multipart uploads. */
  upload: number;
}

async function multipart(
  raw: Buffer,
  contentType: string,
): Promise<{ fields: Record<string, unknown>; files: Map<string, UploadedFile> }> {
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(raw), {
      headers: { 'content-type': contentType },
    }).formData();
  } catch (error) {
    throw new ApiError(400, `the multipart body could not be read: ${(error as Error).message}`);
  }
  const strings: Array<[string, string]> = [];
  const files = new Map<string, UploadedFile>();
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') strings.push([name, value]);
    else {
      files.set(name, {
        name: value.name || 'file',
        type: value.type || 'application/octet-stream',
        bytes: Buffer.from(await value.arrayBuffer()),
      });
    }
  }
  return { fields: formFields(strings), files };
}

function parseJson(raw: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw new ApiError(400, `the body is not valid JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ApiError(400, `the JSON body must be an object, got ${show(value)}`);
  }
  return value as Record<string, unknown>;
}

/**
 * Reads an API call: its query, and a body as JSON, form fields (`curl -d`, the reference's
 * examples) or multipart (`curl -F`, uploads). Bodies of any other type are refused with 415.
 */
export async function readApiRequest(
  req: http.IncomingMessage,
  url: URL,
  limits: BodyLimits,
): Promise<ApiRequest> {
  const query = formFields([...url.searchParams].filter(([key]) => key !== 'private_api_token'));
  const type = mediaType(req.headers['content-type']);
  const raw = await readBody(req, type === 'multipart/form-data' ? limits.upload : limits.body);
  let body: Record<string, unknown> = {};
  let files = new Map<string, UploadedFile>();
  let loggedBody: unknown;
  if (raw.length > 0) {
    if (type === 'application/json' || type.endsWith('+json')) {
      body = parseJson(raw);
      loggedBody = body;
    } else if (type === 'application/x-www-form-urlencoded') {
      body = formFields(new URLSearchParams(raw.toString('utf8')));
      loggedBody = body;
    } else if (type === 'multipart/form-data') {
      ({ fields: body, files } = await multipart(raw, String(req.headers['content-type'])));
      const summary: Record<string, unknown> = { ...body };
      for (const [name, file] of files) {
        summary[name] = { file: file.name, type: file.type, bytes: file.bytes.length };
      }
      loggedBody = summary;
    } else {
      throw new ApiError(
        415,
        `the body's content type ${JSON.stringify(type || 'none')} is not one Pact reads; send application/json, form fields or multipart/form-data`,
      );
    }
  }
  const { private_api_token: bodyToken, ...fields } = body;
  return {
    method: req.method ?? 'GET',
    path: url.pathname,
    params: new Params({ ...query, ...fields }),
    files,
    bodyToken,
    loggedBody,
  };
}
