// @ts-check
// Builders of the inspector: the live log of webhooks and API calls, and the fault settings.
import { clockTime, h } from './dom.js';

/** @typedef {import('../server/page-wire.js').Wire<import('../server/page-log.js').LogEntry>} LogEntry */

/**
 * How a status looks: `ok`, `warn` (4xx, a webhook to retry) or `bad` (5xx, no answer).
 * @param {LogEntry} entry
 * @returns {'ok' | 'warn' | 'bad'}
 */
function statusClass(entry) {
  if (entry.outcome === 'retrying' || entry.outcome === 'no-target') return 'warn';
  if (entry.status === null) return 'bad';
  if (entry.status >= 200 && entry.status < 300) return 'ok';
  return entry.status >= 500 ? 'bad' : 'warn';
}

/**
 * The status shown: the code, or what happened instead of one.
 * @param {LogEntry} entry
 * @returns {string}
 */
function statusText(entry) {
  if (entry.status !== null) return String(entry.status);
  if (entry.fault === 'connection-reset') return 'reset';
  if (entry.outcome === 'no-target') return 'nowhere';
  return 'no answer';
}

const OUTCOMES = {
  delivered: 'delivered',
  retrying: 'will be sent again',
  dropped: 'dropped: Pact gives up after this attempt',
  'no-target': 'not sent: no bot connected and no webhook_url',
  cancelled: 'cancelled: the sandbox closed',
};

/**
 * The line under the summary: where it went, which attempt, how long, what became of it.
 * @param {LogEntry} entry
 * @returns {string}
 */
function subline(entry) {
  const parts = [];
  if (entry.kind === 'webhook') {
    if (entry.target) parts.push(`→ ${entry.target}`);
    if (entry.attempt && entry.maxAttempts && entry.outcome !== 'no-target') {
      parts.push(`attempt ${entry.attempt}/${entry.maxAttempts}`);
    }
    parts.push(OUTCOMES[/** @type {keyof typeof OUTCOMES} */ (entry.outcome)] ?? entry.outcome);
    if (entry.error && entry.outcome !== 'no-target') parts.push(entry.error);
  } else if (entry.fault) {
    parts.push(`fault: ${entry.fault.replace('-', ' ')}`);
  }
  parts.push(`${entry.durationMs} ms`);
  return parts.join(' · ');
}

/**
 * A body as pretty JSON (or as it came, when it is text).
 * @param {string} title
 * @param {unknown} value
 * @returns {HTMLElement[]}
 */
function body(title, value) {
  if (value === undefined || value === null || value === '') return [];
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  return [h('h3', {}, title), h('pre', {}, text)];
}

/**
 * One log line: a collapsed summary (kind, method, path, status, time) that opens on the bodies.
 * @param {LogEntry} entry
 * @returns {HTMLElement}
 */
export function logEntryElement(entry) {
  const isWebhook = entry.kind === 'webhook';
  return h(
    'li',
    { class: `entry kind-${entry.kind}`, 'data-id': entry.id },
    h(
      'details',
      {},
      h(
        'summary',
        {},
        h('span', { class: 'kind' }, isWebhook ? 'Webhook' : 'API'),
        h('span', { class: 'method' }, entry.method),
        h(
          'span',
          { class: 'path', title: entry.note ? `${entry.path} · ${entry.note}` : entry.path },
          entry.path,
          entry.note && h('span', { class: 'note' }, ` · ${entry.note}`),
        ),
        h('span', { class: 'code', 'data-class': statusClass(entry) }, statusText(entry)),
        h('span', { class: 'entry-sub' }, `${clockTime(entry.at)} · ${subline(entry)}`),
      ),
      h(
        'div',
        { class: 'bodies' },
        body(isWebhook ? 'Webhook body' : 'Request body', entry.request),
        body(isWebhook ? "The bot's answer" : 'Answer', entry.response),
      ),
    ),
  );
}

/** @typedef {import('../server/page-wire.js').Wire<import('../faults.js').Faults>} Faults */
/** @typedef {keyof Faults} FaultName */

/** @type {ReadonlySet<FaultName>} The settings shown as percentages (shares from 0 to 1 on the wire). */
const SHARES = new Set(['rateLimited', 'serverErrors', 'connectionResets', 'undelivered']);

/** @type {readonly FaultName[]} */
const FAULT_NAMES = [
  'rateLimited',
  'serverErrors',
  'connectionResets',
  'latencyMs',
  'retryAfterSeconds',
  'undelivered',
];

/**
 * Whether a name from the page (a row's `data-fault`) is one of the sandbox's fault settings.
 * @param {string | undefined} name
 * @returns {name is FaultName}
 */
export function isFaultName(name) {
  return FAULT_NAMES.includes(/** @type {FaultName} */ (name));
}

/**
 * The value a fault's slider shows.
 * @param {FaultName} name
 * @param {number} value
 * @returns {number}
 */
export function sliderValue(name, value) {
  return SHARES.has(name) ? Math.round(value * 100) : value;
}

/**
 * The value a fault's slider stands for.
 * @param {FaultName} name
 * @param {number} value
 * @returns {number}
 */
export function faultValue(name, value) {
  return SHARES.has(name) ? value / 100 : value;
}

/**
 * How many faults are on (latency counts; the 429s' Retry-After is not a fault by itself).
 * @param {Faults} faults
 * @returns {number}
 */
export function activeFaults(faults) {
  return Object.entries(faults).filter(([name, value]) => name !== 'retryAfterSeconds' && value > 0)
    .length;
}
