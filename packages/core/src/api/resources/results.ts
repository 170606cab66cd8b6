import { dataOf } from '../pagination.js';
import type { ExternalIdResult } from '../types.js';

/** Pact writes ids as numbers, and sometimes as strings of digits: read both as numbers. */
export function asId(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return null;
}

/** The `{ external_id }` of a create or update answer. */
export function externalIdOf(body: unknown): ExternalIdResult {
  const data = dataOf(body);
  return { ...data, external_id: asId(data.external_id) ?? (data.external_id as number) };
}
