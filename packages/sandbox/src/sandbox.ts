import { EventEmitter, once } from 'node:events';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApiHandler } from './api/api-handler.js';
import type { BodyLimits } from './api/read-request.js';
import type { ApiServices } from './api/router.js';
import { V2_DIALECT } from './api/v2/dialect.js';
import { AuthFlows } from './auth-flows.js';
import {
  CHANNEL_LABELS,
  CHANNEL_TYPES,
  CHANNEL_TYPES_V2,
  requireChannelType,
  type ChannelType,
} from './channels.js';
import { chatMessage, conversationView } from './chat-view.js';
import { Customer, type CustomerDeps } from './customer.js';
import { Emulator } from './emulator.js';
import type { SandboxEvents } from './events.js';
import { applyFaults, type Faults } from './faults.js';
import { resolveOptions, type ResolvedOptions, type SandboxOptions } from './options.js';
import { avatarPath, createAvatarHandler } from './server/avatars.js';
import { createSandboxServer } from './server/dispatch.js';
import { createFileHandler, filePath } from './server/files.js';
import { createPageApi } from './server/page-api.js';
import { apiEntry, LogRing, webhookEntry } from './server/page-log.js';
import type { PageEvents, PageSnapshot } from './server/page-wire.js';
import { SseHub } from './server/sse.js';
import { createStaticHandler, pageDirectory } from './server/static-files.js';
import type { CompanyRecord, ConversationRecord } from './store/records.js';
import { SandboxStore } from './store/store.js';
import { durationMs, type Duration } from './util/duration.js';
import { show } from './util/show.js';
import { botTarget, type WebhookReceiver } from './webhooks/bot-target.js';
import { WebhookOutbox, type WebhookOutcome } from './webhooks/outbox.js';
import { probeWebhook } from './webhooks/payloads.js';
import { WebhookRoutes } from './webhooks/routes.js';

/** Options of `sandbox.newCustomer`. */
export interface NewCustomerOptions {
  /** The messenger the customer writes from. Default `whatsapp_business`. */
  channel?: ChannelType | undefined;
  /** The customer's name. Default: a made-up one. */
  name?: string | undefined;
  /** The customer's id in the messenger; a customer with an id the sandbox knows is that customer again. */
  senderId?: string | undefined;
}

/** Options of `sandbox.connect`. */
export interface ConnectOptions {
  /** The bot's webhook `secret`, passed as the query parameter Pact's webhook URL would carry. */
  secret?: string | undefined;
}

/** The options a `Bot` needs to talk to a sandbox: `new Bot({ ...sandbox.botOptions })`. */
export interface SandboxBotOptions {
  token: string;
  companyId: number;
  apiUrl: string;
  /** The API the sandbox's webhooks speak (its `apiVersion` option); a bot should speak it too. */
  apiVersion?: 1 | 2;
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * A local Pact: the API a bot uses, the webhooks Pact posts, a chat page to talk to the bot as
 * its customers, and faults to make. State lives in memory and ends with `close()`.
 *
 * ```ts
 * const sandbox = await Sandbox.start({ port: 3000 });
 * const bot = new Bot({ ...sandbox.botOptions });
 * bot.on('message:text', (ctx) => ctx.reply(`You said: ${ctx.text}`));
 * sandbox.connect(bot);                 // webhooks go to bot.handleWebhook, in-process
 * console.log(`Chat with it: ${sandbox.chatUrl}`);
 * ```
 */
export class Sandbox {
  /** Everything that happens: API calls, webhook attempts, messages, customers, faults. */
  readonly events = new EventEmitter<SandboxEvents>();
  /** The API token bots must send. */
  readonly token: string;
  /** The company customers write to. */
  readonly companyId: number;

  /** Which of Pact's APIs the sandbox's webhooks (and its bot) speak. */
  readonly apiVersion: 1 | 2;

  readonly #options: ResolvedOptions;
  readonly #store = new SandboxStore();
  readonly #routes: WebhookRoutes;
  readonly #outbox: WebhookOutbox;
  readonly #emulator: Emulator;
  readonly #auths: AuthFlows;
  readonly #sse = new SseHub<PageEvents>();
  readonly #log: LogRing;
  readonly #server: http.Server;
  #faults: Faults;
  #url = '';
  #apiCalls = 0;
  #closed: Promise<void> | undefined;

  private constructor(options: ResolvedOptions) {
    this.#options = options;
    this.token = options.token;
    this.companyId = options.companyId;
    this.apiVersion = options.apiVersion;
    this.#faults = options.faults;
    this.#log = new LogRing(options.logSize);
    const v1 = options.apiVersion === 1;
    this.#store.addCompany(
      { name: options.companyName, webhook_url: v1 ? options.webhookUrl : undefined },
      options.companyId,
    );
    if (!v1 && options.webhookUrl) {
      this.#store.addWebhook({
        company_id: options.companyId,
        url: options.webhookUrl,
        active: true,
      });
    }
    this.#routes = new WebhookRoutes({
      store: this.#store,
      version: options.apiVersion,
      maxAttempts: options.maxDeliveryAttempts,
      timeoutMs: options.webhookTimeoutMs,
    });
    this.#outbox = new WebhookOutbox({
      routesOf: (companyId) => this.#routes.routesOf(companyId),
      version: options.apiVersion,
      nowhere: 'no bot is connected and the company has no active webhook',
      intervalMs: options.redeliveryIntervalMs,
      onAttempt: (attempt) => this.events.emit('webhook', attempt),
    });
    this.#emulator = new Emulator({
      store: this.#store,
      outbox: this.#outbox,
      events: this.events,
      timing: options.delivery,
      faults: () => this.#faults,
      avatarUrl: (conversation) => this.#avatarUrl(conversation),
    });
    this.#auths = new AuthFlows({
      store: this.#store,
      outbox: this.#outbox,
      emulator: this.#emulator,
      oauthUrl: (authId) => `${this.#url}/sandbox/oauth/${authId}`,
    });
    this.#server = this.#createServer();
    this.#relayToPage();
  }

  /** Starts a sandbox and resolves once it listens. */
  static async start(options: SandboxOptions = {}): Promise<Sandbox> {
    const sandbox = new Sandbox(resolveOptions(options));
    await sandbox.#listen();
    return sandbox;
  }

  /** The sandbox's address, such as `http://127.0.0.1:3000`. */
  get url(): string {
    return this.#url;
  }

  /** The API's base URL, for `new Bot({ apiUrl })` or `new PactClient({ apiUrl })`. */
  get apiUrl(): string {
    return this.#url;
  }

  /** The chat page. */
  get chatUrl(): string {
    return `${this.#url}/`;
  }

  /** `{ token, companyId, apiUrl, apiVersion }`: what a `Bot` needs to use this sandbox. */
  get botOptions(): SandboxBotOptions {
    return {
      token: this.token,
      companyId: this.companyId,
      apiUrl: this.apiUrl,
      apiVersion: this.apiVersion,
    };
  }

  /** The fault settings in force. */
  get faults(): Readonly<Faults> {
    return { ...this.#faults };
  }

  /** Changes some fault settings (the rest stay); resolves the settings now in force. */
  setFaults(change: Partial<Faults>): Faults {
    this.#faults = applyFaults(this.#faults, change);
    this.events.emit('faults', { ...this.#faults });
    return { ...this.#faults };
  }

  /**
   * Delivers the webhooks of the bot's company to the bot in this process, through
   * `bot.handleWebhook` — no port, no URL. The bot should talk to this sandbox
   * (`new Bot({ ...sandbox.botOptions })`). Returns a function that disconnects it.
   */
  connect(bot: WebhookReceiver, options: ConnectOptions = {}): () => void {
    if (bot === null || typeof bot !== 'object' || typeof bot.handleWebhook !== 'function') {
      throw new TypeError(`connect() takes a Bot (anything with handleWebhook), got ${show(bot)}`);
    }
    const companyId = bot.companyId;
    if (!this.#store.company(companyId)) {
      throw new TypeError(
        `the bot serves company ${companyId}, which this sandbox does not have (it has ${this.#store
          .companies()
          .map((c) => c.external_id)
          .join(', ')}); create the bot with new Bot({ ...sandbox.botOptions })`,
      );
    }
    if (this.#routes.bot(companyId)) {
      throw new Error(
        `a bot is connected to company ${companyId} already; call the function connect() returned to disconnect it first`,
      );
    }
    const disconnect = this.#routes.connect(companyId, botTarget(bot, options.secret));
    this.#targetChanged(companyId);
    return () => {
      if (disconnect()) this.#targetChanged(companyId);
    };
  }

  /** A customer of the sandbox's company, on a messenger, ready to write to the bot. */
  newCustomer(options: NewCustomerOptions = {}): Customer {
    const channelType = requireChannelType('channel', options.channel ?? 'whatsapp_business');
    const name = options.name;
    if (
      name !== undefined &&
      (typeof name !== 'string' || name.trim() === '' || name.length > 100)
    ) {
      throw new TypeError(
        `name must be a non-empty string of at most 100 characters, got ${show(name)}`,
      );
    }
    const conversation = this.#emulator.conversationFor({
      companyId: this.companyId,
      channelType,
      name: name?.trim(),
      senderId: options.senderId,
    });
    return new Customer(conversation, this.#customerDeps());
  }

  /** The time now by the sandbox's clock: real time, plus what `advance()` added. */
  now(): Date {
    return this.#store.clock.now();
  }

  /**
   * Moves the sandbox's clock forward — every conversation's with it — by a duration such as
   * `'90s'`, `'15m'`, `'25h'`, `'2d'` or a number of milliseconds: message times and the dates of
   * webhooks follow it, and on WhatsApp Business a window whose 24 hours passed is closed.
   * Timers (delivery ticks, redeliveries) keep real time. Returns the sandbox's time now.
   */
  advance(duration: Duration): Date {
    this.#emulator.advance(durationMs(duration, 'sandbox.advance()'));
    return this.now();
  }

  /** The customers of the sandbox's company, oldest first. */
  customers(): Customer[] {
    return this.#store
      .conversations(this.companyId)
      .map((conversation) => new Customer(conversation, this.#customerDeps()));
  }

  #customerDeps(): CustomerDeps {
    return {
      store: this.#store,
      emulator: this.#emulator,
      fileUrl: (id, name) => this.#fileUrl(id, name),
    };
  }

  #fileUrl(id: number, fileName: string): string {
    return `${this.#url}${filePath(id, fileName)}`;
  }

  #avatarUrl(conversation: ConversationRecord): string {
    return `${this.#url}${avatarPath(conversation.external_id)}`;
  }

  #targetChanged(companyId: number): void {
    this.events.emit('target', { companyId, target: this.#routes.describe(companyId) });
  }

  #webhookUrlChanged(company: CompanyRecord): void {
    this.#targetChanged(company.external_id);
    if (company.webhook_url) {
      void this.#outbox.post(company.external_id, `company:${company.external_id}`, {
        1: probeWebhook(),
      });
    }
  }

  /**
   * Pact's URL test of a v2 company webhook: one POST of the test body, to the URL — or to the
   * bot connected in-process, which takes everything the company's URLs would get.
   */
  #testWebhookUrl(companyId: number, url: string): Promise<WebhookOutcome> {
    const target = this.#routes.bot(companyId) ?? this.#routes.http(url);
    const route = {
      key: `url-test:${url}`,
      version: 2 as const,
      maxAttempts: 1,
      target: () => target,
      nowhere: '',
    };
    return this.#outbox.postTo(companyId, route, 'url-test', probeWebhook());
  }

  #snapshot(): PageSnapshot {
    const company = this.#store.company(this.companyId)!;
    return {
      company: { id: company.external_id, name: company.name },
      apiVersion: this.apiVersion,
      channelTypes: (this.apiVersion === 1 ? CHANNEL_TYPES : CHANNEL_TYPES_V2).map((type) => ({
        type,
        label: CHANNEL_LABELS[type],
      })),
      conversations: this.#store.conversations(this.companyId).map((conversation) => ({
        ...conversationView(conversation, this.#store.clock),
        messages: this.#store.messagesOf(conversation.external_id).map(chatMessage),
      })),
      log: this.#log.entries(),
      faults: this.faults,
      target: this.#routes.describe(this.companyId),
    };
  }

  #relayToPage(): void {
    const { events } = this;
    events.on('api', (call) => {
      const entry = apiEntry(call);
      this.#log.add(entry);
      this.#sse.broadcast('log', entry);
    });
    events.on('webhook', (attempt) => {
      if (attempt.companyId !== this.companyId) return;
      const entry = webhookEntry(attempt);
      this.#log.add(entry);
      this.#sse.broadcast('log', entry);
    });
    events.on('message', (event) => this.#sse.broadcast('message', event));
    events.on('conversation', (event) => this.#sse.broadcast('conversation', event.conversation));
    events.on('conversationUpdated', (event) =>
      this.#sse.broadcast('conversationUpdated', event.conversation),
    );
    events.on('conversationDeleted', (event) =>
      this.#sse.broadcast('conversationDeleted', event.conversation),
    );
    events.on('faults', (faults) => this.#sse.broadcast('faults', faults));
    events.on('target', (event) => {
      if (event.companyId === this.companyId) this.#sse.broadcast('target', event.target);
    });
  }

  #services(): ApiServices {
    return {
      store: this.#store,
      emulator: this.#emulator,
      auths: this.#auths,
      fileUrl: (id, name) => this.#fileUrl(id, name),
      avatarUrl: (conversation) => this.#avatarUrl(conversation),
      webhookUrlChanged: (company) => this.#webhookUrlChanged(company),
      targetsChanged: (companyId) => this.#targetChanged(companyId),
      testWebhookUrl: (companyId, url) => this.#testWebhookUrl(companyId, url),
    };
  }

  #createServer(): http.Server {
    const limits: BodyLimits = { body: 1024 * 1024, upload: this.#options.maxUploadBytes };
    const api = {
      token: this.token,
      limits,
      faults: () => this.#faults,
      services: this.#services(),
      onCall: (call: Parameters<Parameters<typeof createApiHandler>[0]['onCall']>[0]) =>
        this.events.emit('api', { id: ++this.#apiCalls, ...call }),
    };
    const page = createPageApi({
      sse: this.#sse,
      limits,
      snapshot: () => this.#snapshot(),
      customer: (id) => {
        const conversation = this.#store.conversation(id);
        return conversation?.company_id === this.companyId
          ? new Customer(conversation, this.#customerDeps())
          : undefined;
      },
      newCustomer: (channel, name) =>
        this.newCustomer({
          channel: channel as ChannelType,
          name: typeof name === 'string' && name.trim() === '' ? undefined : (name as string),
        }),
      setFaults: (change) => this.setFaults(change as Partial<Faults>),
      completeOAuth: (authId) => this.#auths.completeOAuth(authId),
      conversationView: (id) => {
        const conversation = this.#store.conversation(id);
        return conversation && conversationView(conversation, this.#store.clock);
      },
    });
    return createSandboxServer({
      apiV1: createApiHandler(api),
      apiV2: createApiHandler({
        ...api,
        dialect: V2_DIALECT,
        rateLimits: () => this.#options.rateLimits,
      }),
      page,
      files: createFileHandler(this.#store),
      avatars: createAvatarHandler(this.#store),
      statics: createStaticHandler(pageDirectory()),
    });
  }

  async #listen(): Promise<void> {
    const server = this.#server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#options.port, this.#options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    this.#url = `http://${urlHost(this.#options.host)}:${port}`;
  }

  /**
   * Stops: scheduled acks and redeliveries are cancelled, pages' streams end, the server closes.
   * Disconnect and stop your bot first if it may still call the API.
   */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.#emulator.close();
      this.#outbox.close();
      this.#sse.close();
      const closed = this.#server.listening ? once(this.#server, 'close') : Promise.resolve();
      this.#server.close();
      this.#server.closeAllConnections();
      this.#routes.close();
      await closed;
    })();
    return this.#closed;
  }
}
