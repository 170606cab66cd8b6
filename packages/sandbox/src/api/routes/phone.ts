import { ApiError } from '../api-error.js';
import type { Params } from '../params.js';

/**
 * A phone number parameter in the reference's format, `79250000001`: digits, the country code
 * first. A leading `+` is taken too, and dropped, as people write numbers so.
 */
export function phoneOf(params: Params, required: boolean): string | undefined {
  const phone = params.string('phone', { required });
  if (phone === undefined) return undefined;
  const digits = phone.trim().replace(/^\+/, '');
  if (!/^\d{5,15}$/.test(digits)) {
    throw new ApiError(
      400,
      `phone must be in the format 79250000001 (digits only, country code first), got ${JSON.stringify(phone)}`,
    );
  }
  return digits;
}
