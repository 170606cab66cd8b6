import { asId as answerId, dataAnswer, missing, type AnswerReader } from '../answers.js';
import type { Conversation, ExternalIdResult, Job } from '../types.js';

/** Pact writes ids as numbers, and sometimes as strings of digits: read both as numbers. */
export function asId(value: unknown): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return null;
}

/** Reads the `{ external_id }` of a create or update answer; an answer without one fails the call. */
export function externalIdAnswer(endpoint: string): AnswerReader<ExternalIdResult> {
  return (body) => {
    const data = dataAnswer(endpoint, body);
    const id = answerId(data.external_id);
    if (id === null) missing(endpoint, 'data.external_id', body);
    return { ...data, external_id: id };
  };
}

/** Reads a delivery job (`data` with its `id`); an answer without the job's id fails the call. */
export function jobAnswer(endpoint: string): AnswerReader<Job> {
  return (body) => {
    const data = dataAnswer(endpoint, body);
    const id = answerId(data.id);
    if (id === null) missing(endpoint, "data.id (the delivery job's id)", body);
    return { ...data, id } as unknown as Job;
  };
}

/** Reads a conversation (`data.conversation`, or `data` itself) with its `external_id`. */
export function conversationAnswer(endpoint: string): AnswerReader<Conversation> {
  return (body) => {
    const data = dataAnswer(endpoint, body);
    const conversation = (data.conversation ?? data) as Record<string, unknown>;
    const id =
      conversation !== null && typeof conversation === 'object'
        ? answerId(conversation.external_id)
        : null;
    if (id === null) missing(endpoint, 'data.conversation.external_id', body);
    return { ...conversation, external_id: id } as unknown as Conversation;
  };
}
