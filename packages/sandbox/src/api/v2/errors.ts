import type { ApiError } from '../api-error.js';

/** `code` and `title` of each status, as the reference's 401 and 429 show them and the rest alike. */
const KINDS: Readonly<Record<number, [code: string, title: string]>> = {
  400: ['bad_request', 'Bad Request'],
  401: ['unauthorized', 'Unauthorized'],
  404: ['not_found', 'Not Found'],
  405: ['method_not_allowed', 'Method Not Allowed'],
  413: ['payload_too_large', 'Payload Too Large'],
  415: ['unsupported_media_type', 'Unsupported Media Type'],
  429: ['too_many_requests', 'Too many requests error'],
  500: ['internal_server_error', 'Internal Server Error'],
  501: ['not_implemented', 'Not Implemented'],
  502: ['bad_gateway', 'Bad Gateway'],
  503: ['service_unavailable', 'Service Unavailable'],
};

/**
 * The body of a v2 error: `{"errors":[{status, code, title, detail}]}`. The reference shows it
 * for 401 and 429 only; the sandbox answers every error so, `detail` saying what was wrong.
 */
export function errorsBody(error: ApiError) {
  const [code, title] = KINDS[error.status] ?? ['error', 'Error'];
  return { errors: [{ status: error.status, code, title, detail: error.message }] };
}
