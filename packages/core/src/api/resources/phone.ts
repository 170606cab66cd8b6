import { PactArgumentError } from '../errors.js';
import { show } from '../validate.js';

/**
 * Checks a phone number and writes it as Pact wants it: digits only, country code first
 * (`79250000001`). Spaces, dashes, brackets and a leading `+` are dropped.
 */
export function requirePhone(name: string, value: unknown): string {
  const digits =
    typeof value === 'string'
      ? value.replace(/[\s\-()]/g, '').replace(/^\+/, '')
      : typeof value === 'number'
        ? String(value)
        : '';
  if (!/^\d{5,15}$/.test(digits)) {
    throw new PactArgumentError(
      `${name} must be a phone number of 5 to 15 digits with the country code, like 79250000001, got ${show(value)}`,
    );
  }
  return digits;
}
