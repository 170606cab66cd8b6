import { WebhookError } from './webhook-error.js';

/** A JSON object. */
export type Json = Record<string, unknown>;

/** How deeply a webhook body may nest. Pact's nest four or five levels; anything far deeper is no webhook. */
export const MAX_WEBHOOK_DEPTH = 64;

/** Keys that would reach an object's prototype when copied with `Object.assign` or a merge. */
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/** Whether a value is a JSON object (not null, not an array). */
export function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Names a value's kind for an error message. */
export function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'string' ? 'a string' : `a ${typeof value}`;
}

/**
 * Makes a parsed body safe to hand to handlers: refuses nesting deeper than
 * {@link MAX_WEBHOOK_DEPTH} (a 400 instead of a stack overflow later, in a digest or a handler's
 * own recursion), and removes own `__proto__`, `constructor` and `prototype` keys, which could
 * reach a prototype when a handler copies the object. Walks without recursion, in place.
 */
export function sanitizeBody(body: Json): void {
  const stack: Array<[value: unknown, depth: number]> = [[body, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (depth > MAX_WEBHOOK_DEPTH) {
      throw new WebhookError(
        400,
        `webhook body nests deeper than ${MAX_WEBHOOK_DEPTH} levels; Pact's webhooks nest a few`,
      );
    }
    if (Array.isArray(value)) {
      for (const item of value as unknown[])
        if (item !== null && typeof item === 'object') stack.push([item, depth + 1]);
      continue;
    }
    const object = value as Json;
    for (const key of PROTOTYPE_KEYS) if (Object.hasOwn(object, key)) delete object[key];
    for (const key in object) {
      const child = object[key];
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
}

/** Reads an id written as a safe integer or a string of digits; anything else is undefined. */
export function asId(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value === 'string' && /^-?\d{1,15}$/.test(value)) return Number(value);
  return undefined;
}

/** Reads a required id field, or refuses the webhook naming it. */
export function requireId(label: string, data: Json, field: string): number {
  const id = asId(data[field]);
  if (id === undefined) {
    throw new WebhookError(
      400,
      `${label} webhook lacks data.${field} (an integer id, got ${describe(data[field])})`,
    );
  }
  return id;
}

/**
 * Reads a message id, which v1 writes as a number or a string: a safe integer, or a string of
 * digits kept as it came (two huge numbers that both read as Infinity must not be one id).
 */
export function requireMessageId(label: string, data: Json, where = 'data'): number | string {
  const value = data.external_id;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && /^\d{1,40}$/.test(value)) return value;
  throw new WebhookError(
    400,
    `${label} webhook lacks ${where}.external_id (the message id: an integer or a string of digits)`,
  );
}

/** Reads a flag Pact writes as a boolean, `"true"`, 1, …; undefined when it is none of them. */
export function asBoolean(value: unknown): boolean | undefined {
  if (value === true || value === 'true' || value === 1 || value === '1') return true;
  if (value === false || value === 'false' || value === 0 || value === '0') return false;
  return undefined;
}

/** A string field, or undefined. */
export function optString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A string-or-null field: a string, null when it is null or missing. */
export function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** A finite number field, or undefined. */
export function optNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** An id-or-null field. */
export function idOrNull(value: unknown): number | null {
  return asId(value) ?? null;
}
