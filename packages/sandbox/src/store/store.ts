import { usesPhoneNumbers, type ChannelType } from '../channels.js';
import type {
  AttachmentRecord,
  AuthState,
  ChannelRecord,
  CompanyRecord,
  CompanyWebhookRecord,
  ConversationRecord,
  JobRecord,
  MessageRecord,
  WabaTemplateRecord,
} from './records.js';
import { imageSize } from '../util/image-size.js';
import { SandboxClock } from '../clock.js';
import { templateFixtures } from '../waba/templates.js';

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

/** Fields of a channel (auth) made through the API; one made for a customer is simply enabled. */
export interface NewChannel {
  state: AuthState;
  phone_number?: string | null | undefined;
  sync_period?: ChannelRecord['sync_period'] | undefined;
}

/** A message's fields the store fills in itself. */
type StoredByStore = 'external_id' | 'created_at' | 'provider_id' | 'deleted' | 'failure';

const NAMES = ['Alex', 'Maria', 'Ivan', 'Sofia', 'Omar', 'Lena', 'Kenji', 'Ana', 'Tom', 'Zoe'];

/**
 * The sandbox's memory: companies, their channels, conversations, messages, attachments, delivery
 * jobs and templates. Ids come from one counter per kind, in ranges that tell the kinds apart in a
 * log (conversations 1001…, messages 20001…, jobs 501…), the way a real database's would differ.
 * Times come from the sandbox's clock; a conversation's messages and jobs, from its own.
 */
export class SandboxStore {
  /** The clock every stored time is read from. */
  readonly clock: SandboxClock;
  readonly #companies = new Map<number, CompanyRecord>();
  readonly #channels = new Map<number, ChannelRecord>();
  readonly #conversations = new Map<number, ConversationRecord>();
  readonly #messages = new Map<number, MessageRecord>();
  readonly #messagesOf = new Map<number, MessageRecord[]>();
  readonly #attachments = new Map<number, AttachmentRecord>();
  readonly #jobs = new Map<number, JobRecord>();
  readonly #templates = new Map<number, WabaTemplateRecord[]>();
  readonly #webhooks = new Map<number, CompanyWebhookRecord>();
  readonly #next = {
    channel: 101,
    conversation: 1001,
    message: 20001,
    attachment: 7001,
    job: 501,
    template: 7754,
    customer: 1,
    contact: 40001,
    webhook: 1,
  };

  constructor(clock: SandboxClock = new SandboxClock()) {
    this.clock = clock;
  }

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
      contact_id: this.#next.contact++,
    };
    this.#companies.set(externalId, company);
    const createdAt = this.clock.now();
    this.#templates.set(
      externalId,
      templateFixtures(externalId).map((template) => {
        const templateId = this.#next.template++;
        return { ...template, id: templateId, position: templateId, created_at: createdAt };
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
    return (
      this.findChannel(companyId, provider) ??
      this.addChannel(companyId, provider, { state: 'enabled' })
    );
  }

  /** Adds a channel (auth) of a provider; the caller checks there is none yet. */
  addChannel(companyId: number, provider: ChannelType, fields: NewChannel): ChannelRecord {
    const now = this.clock.now();
    const channel: ChannelRecord = {
      external_id: this.#next.channel++,
      company_id: companyId,
      provider,
      state: fields.state,
      phone_number: fields.phone_number ?? null,
      username: null,
      created_at: now,
      updated_at: now,
      sync_messages_at: fields.state === 'enabled' ? now : null,
      sync_period: fields.sync_period ?? 'day',
    };
    this.#channels.set(channel.external_id, channel);
    return channel;
  }

  /** Forgets a channel and its conversations; resolves the conversations it had. */
  removeChannel(id: number): ConversationRecord[] {
    const channel = this.#channels.get(id);
    if (!channel) return [];
    this.#channels.delete(id);
    const gone = [...this.#conversations.values()].filter((c) => c.channel_id === id);
    for (const conversation of gone) this.removeConversation(conversation.external_id);
    return gone;
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
      (usesPhoneNumbers(fields.channelType)
        ? `7900${String(n).padStart(7, '0')}`
        : String(100_000_000 + n));
    const conversation: ConversationRecord = {
      external_id: this.#next.conversation++,
      company_id: fields.companyId,
      channel_id: channel.external_id,
      channel_type: fields.channelType,
      name: fields.name ?? NAMES[(n - 1) % NAMES.length]!,
      sender_external_id: senderId,
      created_at: this.clock.now(),
      announced: false,
      last_message_at: null,
      last_income_message_at: null,
      last_message_id: null,
      note: null,
      assignee_id: null,
      contact_id: this.#next.contact++,
      operational_state: 'open',
      replied_state: 'initialized',
      clock_offset_ms: 0,
    };
    this.#conversations.set(conversation.external_id, conversation);
    this.#messagesOf.set(conversation.external_id, []);
    return conversation;
  }

  /** Forgets a conversation and its messages. */
  removeConversation(id: number): void {
    for (const message of this.#messagesOf.get(id) ?? [])
      this.#messages.delete(message.external_id);
    this.#messagesOf.delete(id);
    this.#conversations.delete(id);
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
  addMessage(fields: Omit<MessageRecord, StoredByStore>): MessageRecord {
    const id = this.#next.message++;
    const message: MessageRecord = {
      ...fields,
      external_id: id,
      created_at: this.clock.now(this.#conversations.get(fields.conversation_id)),
      // A messenger's own id, in the form WhatsApp's Cloud API gives them (`wamid.…`) or a plain one.
      provider_id: fields.channel_type.startsWith('whatsapp')
        ? `wamid.SBX${Buffer.from(`sandbox-message-${id}`).toString('base64url')}`
        : `msg_${id}`,
      deleted: false,
      failure: null,
    };
    this.#messages.set(message.external_id, message);
    this.#messagesOf.get(message.conversation_id)?.push(message);
    for (const attachment of message.attachments) attachment.message_id = message.external_id;
    const conversation = this.#conversations.get(message.conversation_id);
    if (conversation) {
      conversation.last_message_at = message.created_at;
      conversation.last_message_id = message.external_id;
      conversation.replied_state = message.income ? 'unreplied' : 'replied';
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
    fields: Omit<AttachmentRecord, 'external_id' | 'url' | 'message_id' | 'width' | 'height'> &
      Partial<Pick<AttachmentRecord, 'url' | 'width' | 'height'>>,
    urlOf: (id: number, fileName: string) => string,
  ): AttachmentRecord {
    const id = this.#next.attachment++;
    const size =
      fields.bytes && fields.mime_type.startsWith('image/') ? imageSize(fields.bytes) : undefined;
    const attachment: AttachmentRecord = {
      ...fields,
      external_id: id,
      message_id: null,
      url: fields.url ?? urlOf(id, fields.file_name),
      width: fields.width ?? size?.width ?? null,
      height: fields.height ?? size?.height ?? null,
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
    const job: JobRecord = {
      ...fields,
      id: this.#next.job++,
      created_at: this.clock.now(this.#conversations.get(fields.conversation_id)),
    };
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

  /** Adds a v2 company webhook. */
  addWebhook(fields: Omit<CompanyWebhookRecord, 'id'>): CompanyWebhookRecord {
    const webhook: CompanyWebhookRecord = { ...fields, id: this.#next.webhook++ };
    this.#webhooks.set(webhook.id, webhook);
    return webhook;
  }

  /** A v2 company webhook by id. */
  webhook(id: number): CompanyWebhookRecord | undefined {
    return this.#webhooks.get(id);
  }

  /** A company's v2 webhooks, oldest first. */
  webhooksOf(companyId: number): CompanyWebhookRecord[] {
    return [...this.#webhooks.values()].filter((webhook) => webhook.company_id === companyId);
  }

  /** Forgets a v2 company webhook. */
  removeWebhook(id: number): void {
    this.#webhooks.delete(id);
  }
}
