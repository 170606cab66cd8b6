import type { ChannelType } from '../channels.js';
import type {
  AttachmentRecord,
  ChannelRecord,
  CompanyRecord,
  ConversationRecord,
  JobRecord,
  MessageRecord,
  WabaTemplateRecord,
} from './records.js';
import { templateFixtures } from './templates.js';

/** Fields of a new company. */
export interface NewCompany {
  name: string;
  phone?: string | null | undefined;
  description?: string | null | undefined;
  webhook_url?: string | null | undefined;
}

/** Fields of a new conversation. */
export interface NewConversation {
  companyId: number;
  channelType: ChannelType;
  /** The customer's name; a friendly one is made up when omitted. */
  name?: string | undefined;
  /** The customer's id in the messenger; made up (a phone number where the messenger uses them) when omitted. */
  senderId?: string | undefined;
}

/** Messengers that know their users by phone number. */
const PHONE_CHANNELS = new Set<string>(['whatsapp', 'whatsapp_business', 'viber']);

const NAMES = ['Alex', 'Maria', 'Ivan', 'Sofia', 'Omar', 'Lena', 'Kenji', 'Ana', 'Tom', 'Zoe'];

/**
 * The sandbox's memory: companies, their channels, conversations, messages, attachments, delivery
 * jobs and templates. Ids come from one counter per kind, in ranges that tell the kinds apart in a
 * log (conversations 1001…, messages 20001…, jobs 501…), the way a real database's would differ.
 */
export class SandboxStore {
  readonly #companies = new Map<number, CompanyRecord>();
  readonly #channels = new Map<number, ChannelRecord>();
  readonly #conversations = new Map<number, ConversationRecord>();
  readonly #messages = new Map<number, MessageRecord>();
  readonly #messagesOf = new Map<number, MessageRecord[]>();
  readonly #attachments = new Map<number, AttachmentRecord>();
  readonly #jobs = new Map<number, JobRecord>();
  readonly #templates = new Map<number, WabaTemplateRecord[]>();
  readonly #next = {
    channel: 101,
    conversation: 1001,
    message: 20001,
    attachment: 7001,
    job: 501,
    template: 7754,
    customer: 1,
  };

  /** Adds a company, with the given id or the next free one, and its template fixtures. */
  addCompany(fields: NewCompany, id?: number): CompanyRecord {
    const externalId = id ?? Math.max(0, ...this.#companies.keys()) + 1;
    const company: CompanyRecord = {
      external_id: externalId,
      name: fields.name,
      phone: fields.phone ?? null,
      description: fields.description ?? null,
      webhook_url: fields.webhook_url ?? null,
      hidden: false,
    };
    this.#companies.set(externalId, company);
    this.#templates.set(
      externalId,
      templateFixtures(externalId).map((template) => {
        const templateId = this.#next.template++;
        return { ...template, id: templateId, position: templateId };
      }),
    );
    return company;
  }

  /** A company by id. */
  company(id: number): CompanyRecord | undefined {
    return this.#companies.get(id);
  }

  /** Every company, by id. */
  companies(): CompanyRecord[] {
    return [...this.#companies.values()];
  }

  /** The company's channel of a provider, created on first use (Pact allows one per provider). */
  channelOf(companyId: number, provider: ChannelType): ChannelRecord {
    for (const channel of this.#channels.values()) {
      if (channel.company_id === companyId && channel.provider === provider) return channel;
    }
    const channel: ChannelRecord = {
      external_id: this.#next.channel++,
      company_id: companyId,
      provider,
    };
    this.#channels.set(channel.external_id, channel);
    return channel;
  }

  /** The company's channel of a provider, if it has one. */
  findChannel(companyId: number, provider: ChannelType): ChannelRecord | undefined {
    return this.channels(companyId).find((channel) => channel.provider === provider);
  }

  /** A channel by id. */
  channel(id: number): ChannelRecord | undefined {
    return this.#channels.get(id);
  }

  /** A company's channels. */
  channels(companyId: number): ChannelRecord[] {
    return [...this.#channels.values()].filter((channel) => channel.company_id === companyId);
  }

  /** The conversation a customer already has with the company on a channel, if any. */
  findConversation(
    companyId: number,
    channelType: ChannelType,
    senderId: string,
  ): ConversationRecord | undefined {
    return this.conversations(companyId).find(
      (c) => c.channel_type === channelType && c.sender_external_id === senderId,
    );
  }

  /** Starts a conversation with a customer (their channel is created on first use). */
  addConversation(fields: NewConversation): ConversationRecord {
    const channel = this.channelOf(fields.companyId, fields.channelType);
    const n = this.#next.customer++;
    const senderId =
      fields.senderId ??
      (PHONE_CHANNELS.has(fields.channelType)
        ? `7900${String(n).padStart(7, '0')}`
        : String(100_000_000 + n));
    const conversation: ConversationRecord = {
      external_id: this.#next.conversation++,
      company_id: fields.companyId,
      channel_id: channel.external_id,
      channel_type: fields.channelType,
      name: fields.name ?? NAMES[(n - 1) % NAMES.length]!,
      sender_external_id: senderId,
      created_at: new Date(),
      announced: false,
      last_message_at: null,
      last_income_message_at: null,
      note: null,
      assignee_id: null,
    };
    this.#conversations.set(conversation.external_id, conversation);
    this.#messagesOf.set(conversation.external_id, []);
    return conversation;
  }

  /** A conversation by id. */
  conversation(id: number): ConversationRecord | undefined {
    return this.#conversations.get(id);
  }

  /** A company's conversations, oldest first. */
  conversations(companyId: number): ConversationRecord[] {
    return [...this.#conversations.values()].filter((c) => c.company_id === companyId);
  }

  /** Adds a message to its conversation. */
  addMessage(fields: Omit<MessageRecord, 'external_id' | 'created_at'>): MessageRecord {
    const message: MessageRecord = {
      ...fields,
      external_id: this.#next.message++,
      created_at: new Date(),
    };
    this.#messages.set(message.external_id, message);
    this.#messagesOf.get(message.conversation_id)?.push(message);
    const conversation = this.#conversations.get(message.conversation_id);
    if (conversation) {
      conversation.last_message_at = message.created_at;
      if (message.income) conversation.last_income_message_at = message.created_at;
    }
    return message;
  }

  /** A message by id. */
  message(id: number): MessageRecord | undefined {
    return this.#messages.get(id);
  }

  /** A conversation's messages, oldest first. */
  messagesOf(conversationId: number): MessageRecord[] {
    return this.#messagesOf.get(conversationId) ?? [];
  }

  /** Keeps a file; `urlOf` tells where the sandbox serves it, from its id and name. */
  addAttachment(
    fields: Omit<AttachmentRecord, 'external_id' | 'url'> & { url?: string },
    urlOf: (id: number, fileName: string) => string,
  ): AttachmentRecord {
    const id = this.#next.attachment++;
    const attachment: AttachmentRecord = {
      ...fields,
      external_id: id,
      url: fields.url ?? urlOf(id, fields.file_name),
    };
    this.#attachments.set(id, attachment);
    return attachment;
  }

  /** An attachment by id. */
  attachment(id: number): AttachmentRecord | undefined {
    return this.#attachments.get(id);
  }

  /** Adds a delivery job. */
  addJob(fields: Omit<JobRecord, 'id' | 'created_at'>): JobRecord {
    const job: JobRecord = { ...fields, id: this.#next.job++, created_at: new Date() };
    this.#jobs.set(job.id, job);
    return job;
  }

  /** A delivery job by id. */
  job(id: number): JobRecord | undefined {
    return this.#jobs.get(id);
  }

  /** A company's WhatsApp Business templates. */
  templatesOf(companyId: number): WabaTemplateRecord[] {
    return this.#templates.get(companyId) ?? [];
  }
}
