import { show } from '../util/show.js';
import { ApiError } from './api-error.js';

function bad(message: string): ApiError {
  return new ApiError(400, message);
}

function isBlank(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

/**
 * A request's parameters (query, form or JSON body, merged) with checks that answer 400 and a
 * message naming the parameter, what it must be and what came. Numbers and booleans are accepted
 * both as JSON values and as the strings forms and query strings carry.
 */
export class Params {
  readonly values: Readonly<Record<string, unknown>>;

  constructor(values: Record<string, unknown>) {
    this.values = values;
  }

  /** Whether the parameter was given at all (even empty). */
  has(name: string): boolean {
    return this.values[name] !== undefined;
  }

  /** A string; with `required`, a missing or empty one is an error. */
  string(name: string, rule: { required?: boolean; max?: number } = {}): string | undefined {
    const value = this.values[name];
    if (isBlank(value)) {
      if (rule.required) throw bad(`${name} is required: a string`);
      return undefined;
    }
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw bad(`${name} must be a string, got ${show(value)}`);
    }
    const text = String(value);
    if (rule.max !== undefined && text.length > rule.max) {
      throw bad(`${name} must be a string of at most ${rule.max} characters, got ${text.length}`);
    }
    return text;
  }

  /** A whole number within bounds. */
  integer(
    name: string,
    rule: { min: number; max: number; required?: boolean },
  ): number | undefined {
    const value = this.values[name];
    if (isBlank(value)) {
      if (rule.required) throw bad(`${name} is required: a number from ${rule.min} to ${rule.max}`);
      return undefined;
    }
    const number =
      typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
    if (!Number.isInteger(number) || number < rule.min || number > rule.max) {
      throw bad(`${name} must be a number between ${rule.min} and ${rule.max}, got ${show(value)}`);
    }
    return number;
  }

  /** true or false (also `"true"`, `"false"`, `1`, `0`). */
  boolean(name: string): boolean | undefined {
    const value = this.values[name];
    if (isBlank(value)) return undefined;
    if (value === true || value === 'true' || value === 1 || value === '1') return true;
    if (value === false || value === 'false' || value === 0 || value === '0') return false;
    throw bad(`${name} must be true or false, got ${show(value)}`);
  }

  /** One of a list of strings. */
  oneOf<T extends string>(
    name: string,
    allowed: readonly T[],
    rule: { required?: boolean } = {},
  ): T | undefined {
    const value = this.values[name];
    if (isBlank(value)) {
      if (rule.required) throw bad(`${name} is required: one of ${allowed.join(', ')}`);
      return undefined;
    }
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      throw bad(`${name} must be one of ${allowed.join(', ')}, got ${show(value)}`);
    }
    return value as T;
  }

  /** A list of ids (numbers or strings of digits); a single id counts as a list of one. */
  ids(name: string, what = 'an attachment id'): number[] | undefined {
    const value = this.values[name];
    if (isBlank(value)) return undefined;
    const list: unknown[] = Array.isArray(value) ? value : [value];
    return list.map((item, i) => {
      const id = typeof item === 'string' && /^\d+$/.test(item) ? Number(item) : item;
      if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) {
        throw bad(`${name}[${i}] must be ${what} (a positive integer), got ${show(item)}`);
      }
      return id;
    });
  }

  /** An object (a JSON object, or form fields in bracket notation). */
  object(name: string): Record<string, unknown> | undefined {
    const value = this.values[name];
    if (isBlank(value)) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw bad(`${name} must be an object, got ${show(value)}`);
    }
    return value as Record<string, unknown>;
  }
}
