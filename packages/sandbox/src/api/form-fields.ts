/**
 * Reads form fields written in Rails' bracket notation, the form Pact's reference uses with curl
 * (`attachments_ids[]=7&template[id]=x&template[parameters][]=name`), into nested values:
 * `{ attachments_ids: ['7'], template: { id: 'x', parameters: ['name'] } }`.
 */

type Container = Record<string, unknown> | unknown[];

/** Keys that would reach an object's prototype; such fields are dropped. */
const UNSAFE = new Set(['__proto__', 'constructor', 'prototype']);

function segmentsOf(key: string): string[] | undefined {
  const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
  if (!match) return undefined;
  const rest = [...match[2]!.matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1]!);
  return [match[1]!, ...rest];
}

function child(container: Container, segment: string, nextIsList: boolean): Container {
  const fresh = (): Container => (nextIsList ? [] : {});
  if (Array.isArray(container)) {
    // `a[][b]=1&a[][c]=2` is ambiguous; a list of objects is read as one object per field.
    const made = fresh();
    container.push(made);
    return made;
  }
  const existing = container[segment];
  if (existing !== null && typeof existing === 'object') return existing as Container;
  const made = fresh();
  container[segment] = made;
  return made;
}

/** Builds nested values from `key=value` pairs in bracket notation. Later plain keys win. */
export function formFields<V>(entries: Iterable<[string, V]>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    const segments = segmentsOf(key);
    if (!segments || segments.some((s) => UNSAFE.has(s))) continue;
    let container: Container = root;
    for (let i = 0; i < segments.length - 1; i++) {
      container = child(container, segments[i]!, segments[i + 1] === '');
    }
    const last = segments[segments.length - 1]!;
    if (Array.isArray(container)) container.push(value);
    else container[last] = value;
  }
  return root;
}
