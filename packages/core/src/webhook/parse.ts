import type { ChannelRef, MessageLocation } from '../api/types.js';
import type { AckLevel, Update } from './types.js';

/** A webhook refused at the door, with the HTTP status to answer and a one-line reason. */
export class WebhookError extends Error {
  override name = 'WebhookError';
  /** 400 malformed, 401 wrong secret, 413 too large, 415 wrong content type. */
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** What a webhook body turned out to be. */
export type ParsedWebhook =
  | { kind: 'update'; update: Update }
  /** Pact's `{"source":"pact.im","operation":"test"}` probe, sent when a webhook URL is saved. */
  | { kind: 'probe' }
  /** A well-formed body of a type or event pactbot does not know: acknowledged and reported. */
  | { kind: 'unknown'; type: unknown; event: unknown; body: Record<string, unknown> };

/** Types pactbot knows, for error messages. */
const KNOWN_TYPE_NAMES = new Set([
  'message',
  'conversation',
  'job',
  'qr_code',
  'system',
  'group_conversation',
  'group_message',
  'group_conversation_contact',
]);
const KNOWN_TYPES = [...KNOWN_TYPE_NAMES].join(', ');

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'string' ? 'a string' : `a ${typeof value}`;
}

/** Reads an id written as a number or a string of digits. */
function asId(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d{1,15}$/.test(value)) return Number(value);
  return undefined;
}

function requireId(label: string, data: Json, field: string): number {
  const id = asId(data[field]);
  if (id === undefined)
    throw new WebhookError(400, `${label} webhook lacks data.${field} (an integer id)`);
  return id;
}

function asBoolean(value: unknown): boolean | undefined {
  if (value === true || value === 'true' || value === 1 || value === '1') return true;
  if (value === false || value === 'false' || value === 0 || value === '0') return false;
  return undefined;
}

function asAck(label: string, value: unknown): AckLevel {
  const ack = asId(value);
  if (ack === undefined || ack < -1 || ack > 3) {
    throw new WebhookError(
      400,
      `${label} webhook has data.ack ${JSON.stringify(value)}; expected -1, 0, 1, 2 or 3`,
    );
  }
  return ack as AckLevel;
}

/** `location` comes as `{}`, `null` or a filled object: only the last is a location. */
function asLocation(value: unknown): MessageLocation | null {
  return isObject(value) && Object.keys(value).length > 0 ? value : null;
}

function asChannel(data: Json): ChannelRef {
  const channel = isObject(data.channel) ? data.channel : {};
  const id = asId(channel.id) ?? asId(data.channel_id) ?? 0;
  const type =
    typeof channel.type === 'string'
      ? channel.type
      : typeof data.channel_type === 'string'
        ? data.channel_type
        : 'unknown';
  return { ...channel, id, type };
}

function dataObject(label: string, body: Json): Json {
  if (!isObject(body.data)) {
    throw new WebhookError(
      400,
      `${label} webhook has no data object (got ${body.data === undefined ? 'nothing' : describe(body.data)})`,
    );
  }
  return body.data;
}

function message(label: string, body: Json): Json {
  const data = dataObject(label, body);
  if (typeof data.external_id !== 'number' && typeof data.external_id !== 'string') {
    throw new WebhookError(400, `${label} webhook lacks data.external_id (the message id)`);
  }
  const income = asBoolean(data.income);
  if (income === undefined)
    throw new WebhookError(400, `${label} webhook lacks data.income (true or false)`);
  const text = data.message;
  if (text !== undefined && text !== null && typeof text !== 'string' && typeof text !== 'number') {
    throw new WebhookError(
      400,
      `${label} webhook has data.message of ${describe(text)}; expected text or null`,
    );
  }
  const channel = asChannel(data);
  return {
    ...data,
    conversation_id: requireId(label, data, 'conversation_id'),
    income,
    message: text === undefined || text === null ? null : String(text),
    location: asLocation(data.location),
    attachments: Array.isArray(data.attachments) ? data.attachments.filter(isObject) : [],
    channel,
    channel_id: asId(data.channel_id) ?? channel.id,
    channel_type: typeof data.channel_type === 'string' ? data.channel_type : channel.type,
    job_id: asId(data.job_id) ?? null,
    ...(data.ack === undefined ? {} : { ack: asAck(label, data.ack) }),
  };
}

function ack(label: string, body: Json): Json {
  const data = dataObject(label, body);
  if (typeof data.external_id !== 'number' && typeof data.external_id !== 'string') {
    throw new WebhookError(400, `${label} webhook lacks data.external_id (the message id)`);
  }
  return {
    ...data,
    conversation_id: requireId(label, data, 'conversation_id'),
    ack: asAck(label, data.ack),
    channel: asChannel(data),
  };
}

function conversation(label: string, body: Json): Json {
  const data = dataObject(label, body);
  return {
    ...data,
    external_id: requireId(label, data, 'external_id'),
    channel_id: asId(data.channel_id) ?? null,
  };
}

/**
 * Turns a JSON-parsed webhook body into a typed update. Throws {@link WebhookError} (status 400,
 * a one-line reason) for malformed input; answers `unknown` for well-formed bodies of types or
 * events it does not know, so they are acknowledged and reported, never thrown.
 */
export function parseWebhook(body: unknown): ParsedWebhook {
  if (!isObject(body))
    throw new WebhookError(400, `webhook body must be a JSON object, got ${describe(body)}`);
  if (body.source === 'pact.im' && body.operation === 'test') return { kind: 'probe' };
  const { type, event } = body;
  if (typeof type !== 'string' || type === '') {
    throw new WebhookError(400, `webhook has no type; expected one of ${KNOWN_TYPES}`);
  }
  const label = `${type}${typeof event === 'string' ? `/${event}` : ''}`;
  const update = (data: Json): ParsedWebhook => ({
    kind: 'update',
    update: { ...body, data } as unknown as Update,
  });

  switch (`${type}:${typeof event === 'string' ? event : ''}`) {
    case 'message:new':
    case 'group_message:new':
      return update(message(label, body));
    case 'message:ack':
    case 'group_message:ack':
      return update(ack(label, body));
    case 'conversation:new':
    case 'conversation:update':
    case 'group_conversation:new':
      return update(conversation(label, body));
    case 'job:executed': {
      const data = dataObject(label, body);
      if (typeof data.result !== 'string')
        throw new WebhookError(
          400,
          `${label} webhook lacks data.result (DELIVERED or NOT DELIVERED)`,
        );
      return update({
        ...data,
        id: requireId(label, data, 'id'),
        message_id: asId(data.message_id) ?? null,
      });
    }
    case 'qr_code:new':
      if (typeof body.data !== 'string')
        throw new WebhookError(
          400,
          `${label} webhook lacks data (the QR code image as base64 text)`,
        );
      return {
        kind: 'update',
        update: {
          ...body,
          company_id: asId(body.company_id),
          channel_id: asId(body.channel_id),
        } as unknown as Update,
      };
    case 'group_conversation_contact:new': {
      const data = dataObject(label, body);
      return update({
        ...data,
        conversation_id: requireId(label, data, 'conversation_id'),
        contact: isObject(data.contact) ? data.contact : {},
      });
    }
    default:
      if (type === 'system') {
        const data = dataObject(label, body);
        if (typeof data.message !== 'string')
          throw new WebhookError(400, 'system webhook lacks data.message (the channel state)');
        // Channel events are ordered by channel: keep details only when they name one.
        const entityId = isObject(data.details) ? asId(data.details.entity_id) : undefined;
        const details =
          entityId === undefined ? undefined : { ...(data.details as Json), entity_id: entityId };
        return update({ ...data, details });
      }
      // A known type with an event not known yet is acknowledged (Pact may add events); without
      // any data at all it is no webhook of Pact's.
      if (KNOWN_TYPE_NAMES.has(type) && (body.data === undefined || body.data === null))
        throw new WebhookError(400, `${label} webhook lacks data`);
      return { kind: 'unknown', type, event, body };
  }
}

/** Parses the raw bytes or text of a webhook; a body that is not JSON is a 400. */
export function parseWebhookBody(raw: string | Uint8Array): ParsedWebhook {
  const text =
    typeof raw === 'string'
      ? raw
      : Buffer.isBuffer(raw)
        ? raw.toString('utf8')
        : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new WebhookError(
      400,
      `webhook body is not JSON: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  return parseWebhook(value);
}
