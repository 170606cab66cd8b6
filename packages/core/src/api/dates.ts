/**
 * Reads a date as Pact writes it — ISO 8601 (`2017-04-25T18:30:23.076Z`), `2017-11-11 12:45:53 UTC`,
 * or Unix seconds — into a Date. Returns undefined for anything else.
 */
export function parsePactDate(value: string | number | null | undefined): Date | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? new Date(value * 1000) : undefined;
  const utc = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?) UTC$/.exec(value.trim());
  const date = new Date(utc ? `${utc[1]}T${utc[2]}Z` : value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
