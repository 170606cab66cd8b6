/**
 * Encodes GET parameters as a Rails-style query string: arrays as `company_ids[]=1&company_ids[]=2`,
 * objects as `sort[position]=asc`. Undefined and null values are left out. Returns `''` or `?…`.
 */
export function railsQuery(params: Record<string, unknown>): string {
  const search = new URLSearchParams();
  const add = (key: string, value: unknown): void => {
    if (value === undefined || value === null) return;
    if (Array.isArray(value)) {
      for (const item of value as unknown[]) add(`${key}[]`, item);
    } else if (typeof value === 'object') {
      for (const [name, item] of Object.entries(value)) add(`${key}[${name}]`, item);
    } else if (
      typeof value === 'string' ||
      typeof value === 'number' ||
      typeof value === 'boolean'
    ) {
      search.append(key, String(value));
    }
  };
  for (const [key, value] of Object.entries(params)) add(key, value);
  const text = search.toString();
  return text ? `?${text}` : '';
}
