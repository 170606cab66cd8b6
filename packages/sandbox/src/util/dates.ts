/**
 * Pact writes dates two ways: its API answers in ISO 8601 (`2017-11-11T10:17:10.655Z`), its
 * webhooks as `2017-11-11 12:45:53 UTC`. The sandbox writes each where the reference shows it, so
 * a bot meets both forms here before it meets them in production.
 */

/** ISO 8601 with milliseconds, as the API's answers show it. */
export function isoDate(date: Date): string {
  return date.toISOString();
}

/** `2017-11-11 12:45:53 UTC`, as the webhooks show it. */
export function utcDate(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** Unix time in whole seconds. */
export function unixSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/**
 * ISO 8601 cut to whole seconds (`2025-02-05T09:01:47.000Z`), as v2 writes a messenger's own
 * times (`external_created_at`).
 */
export function isoSeconds(date: Date): string {
  return new Date(Math.floor(date.getTime() / 1000) * 1000).toISOString();
}
