import { asId, asRecord, missing, objectAnswer, type AnswerReader } from '../answers.js';

/** Turns one object of an answer into its typed form, reading Pact's ids as numbers. */
export type Normalizer<T> = (record: Record<string, unknown>) => T;

/** Reads the named fields as ids where they are ids (numbers or digit strings); leaves others as they are. */
function withIds(
  record: Record<string, unknown>,
  fields: readonly string[],
): Record<string, unknown> {
  const out = { ...record };
  for (const field of fields) {
    const id = asId(out[field]);
    if (id !== null) out[field] = id;
  }
  return out;
}

function each(
  value: unknown,
  normalize: (record: Record<string, unknown>) => Record<string, unknown>,
): unknown {
  return Array.isArray(value)
    ? value.map((item: unknown) => {
        const record = asRecord(item);
        return record ? normalize(record) : item;
      })
    : value;
}

/** An attachment with numeric `id` and `message_id`. */
export function attachmentOf(record: Record<string, unknown>): Record<string, unknown> {
  return withIds(record, ['id', 'message_id']);
}

/** Normalizers of every v2 object, by the name it is wrapped in. */
export const normalize = {
  conversation: (r: Record<string, unknown>) => withIds(r, ['id', 'company_id', 'last_message_id']),
  message: (r: Record<string, unknown>) => {
    const out = withIds(r, ['id', 'company_id', 'conversation_id', 'contact_id']);
    out.attachments = each(out.attachments, attachmentOf);
    return out;
  },
  attachment: attachmentOf,
  waba_template: (r: Record<string, unknown>) => withIds(r, ['id', 'company_id']),
  auth: (r: Record<string, unknown>) => {
    const out = withIds(r, ['id', 'company_id']);
    const pageOf = (p: Record<string, unknown>) => withIds(p, ['id', 'auth_id', 'company_id']);
    const single = asRecord(out.pages);
    out.pages = single ? pageOf(single) : each(out.pages, pageOf);
    return out;
  },
  webhook: (r: Record<string, unknown>) => withIds(r, ['id']),
} satisfies Record<string, (r: Record<string, unknown>) => Record<string, unknown>>;

/** The object kinds v2 answers wrap. */
export type V2ObjectKind = keyof typeof normalize;

/** Reads one object of a kind, which must carry its `id`; `where` names it in the error. */
export function objectOf<T>(
  kind: V2ObjectKind,
  value: unknown,
  endpoint: string,
  where: string,
  body: unknown,
): T {
  const record = asRecord(value);
  if (!record) return missing(endpoint, `${where} object`, body);
  const out = normalize[kind](record);
  if (asId(out.id) === null) missing(endpoint, `${where}.id`, body);
  return out as T;
}

/** Reads `{"<kind>": {...}}`, the answer of v2's single-object endpoints. */
export function singleAnswer<T>(kind: V2ObjectKind, endpoint: string): AnswerReader<T> {
  return (body) => objectOf<T>(kind, objectAnswer(endpoint, body)[kind], endpoint, kind, body);
}
