import { EventEmitter } from 'eventemitter3';
import type { Dispatcher } from 'undici';
import { PactArgumentError } from './errors.js';
import type { ApiContext } from './pagination.js';
import {
  DEFAULT_RATE_LIMIT,
  LocalRateLimiter,
  type RateLimiter,
  type RateLimitOptions,
} from './rate-limit.js';
import { execute, type ApiCall, type PactClientEvents, type RequestOptions } from './request.js';
import { AttachmentsApi } from './resources/attachments.js';
import { ChannelsApi } from './resources/channels.js';
import { CompaniesApi } from './resources/companies.js';
import { ConversationsApi } from './resources/conversations.js';
import { JobsApi } from './resources/jobs.js';
import { MessagesApi } from './resources/messages.js';
import { WabaTemplatesApi } from './resources/waba-templates.js';
import { retryPolicy, type RetryOptions } from './retry.js';
import { budgetKey } from './rate-budgets.js';
import { HttpTransport } from './transport.js';
import { V2Api } from './v2/client.js';
import { requireId, show } from './validate.js';

/** Pact's production API. */
export const PACT_API_URL = 'https://api.pact.im';

/** The versions of Pact's API: v1 (`/p1`) and v2 (`/api/p2`). */
export type PactApiVersion = 1 | 2;

/** Options of {@link PactClient}. */
export interface PactClientOptions {
  /** The private API token from Pact's account settings. Sent only as the `X-Private-Api-Token` header. */
  token: string;
  /** The company calls act on unless a call names another in its options. */
  companyId?: number | undefined;
  /** Base URL of the API: the origin both `/p1` and `/api/p2` live on. Default `https://api.pact.im`; the sandbox passes its own. */
  apiUrl?: string | undefined;
  /**
   * The API version the bot works through: 1 (the default) or 2. The client itself serves both
   * whatever this says — v1 resources on the client, v2 ones on `client.v2` — and reports it as
   * `client.apiVersion` for code (such as a Bot) that picks one.
   */
  apiVersion?: PactApiVersion | undefined;
  /** Per-request timeout in ms. Default 30 000. */
  timeoutMs?: number | undefined;
  /** Retry policy; see {@link RetryOptions}. */
  retry?: RetryOptions | undefined;
  /**
   * Rate budgets per company. `sends`/`perMs` (and `windows`) budget v1 messages, uploads and
   * first messages, default 5 per second; `budgets` the v2 classes, default Pact's published
   * limits (`DEFAULT_RATE_BUDGETS`: v2 sends 5 a second and 30 a minute, …). `false` turns every
   * budget off.
   */
  rateLimit?: RateLimitOptions | false | undefined;
  /** A budget shared with other processes (such as `redisState(...).rateLimiter`); overrides `rateLimit`. */
  rateLimiter?: RateLimiter | undefined;
  /** An undici dispatcher (agent, pool, proxy) instead of the client's own keep-alive pool. */
  dispatcher?: Dispatcher | undefined;
  /** Most sockets the client keeps open to Pact. Default 64. */
  connections?: number | undefined;
}

/**
 * A typed client for every endpoint of Pact's API, grouped by resource:
 * `client.messages.send(conversationId, { message: 'hi' })`.
 *
 * Calls are rate limited per company, retried with backoff where that is safe, and bounded by a
 * per-request timeout and a total deadline. Failures reject with `PactApiError`,
 * `PactNetworkError`, `PactTimeoutError` or, before any request, `PactArgumentError`.
 */
export class PactClient {
  /** Lifecycle events: `retry` before every retry, `error` for every call that failed for good. */
  readonly events = new EventEmitter<PactClientEvents, unknown>();
  /** The default company of calls. */
  readonly companyId: number | undefined;
  /** The API version the bot works through (`apiVersion` option; default 1). Both are served either way. */
  readonly apiVersion: PactApiVersion;
  /** Pact's API v2: conversations, messages, attachments, templates, auths and webhooks. */
  readonly v2: V2Api;
  /** The companies of the token's user. */
  readonly companies: CompaniesApi;
  /** The company's channels. */
  readonly channels: ChannelsApi;
  /** The company's conversations. */
  readonly conversations: ConversationsApi;
  /** Messages of a conversation. */
  readonly messages: MessagesApi;
  /** Files to attach to messages. */
  readonly attachments: AttachmentsApi;
  /** WhatsApp Business templates. */
  readonly wabaTemplates: WabaTemplatesApi;
  /** Delivery jobs. */
  readonly jobs: JobsApi;

  readonly #transport: HttpTransport;
  /** The token, and other values no error or event may show. */
  readonly #secrets: string[] = [];
  readonly #execute: <T>(call: ApiCall<T>) => Promise<T>;

  constructor(options: PactClientOptions) {
    if (typeof options?.token !== 'string' || options.token.trim() === '') {
      throw new PactArgumentError(
        'token must be the private API token from Pact account settings, got none',
      );
    }
    this.#secrets.push(options.token);
    this.companyId =
      options.companyId === undefined ? undefined : requireId('companyId', options.companyId);
    const version: unknown = options.apiVersion ?? 1;
    if (version !== 1 && version !== 2) {
      throw new PactArgumentError(`apiVersion must be 1 or 2, got ${show(version)}`);
    }
    this.apiVersion = version;
    const apiUrl = options.apiUrl ?? PACT_API_URL;
    try {
      new URL(apiUrl);
    } catch {
      throw new PactArgumentError(
        `apiUrl must be an absolute URL such as ${PACT_API_URL}, got ${show(apiUrl)}`,
      );
    }
    this.#transport = new HttpTransport({
      baseUrl: apiUrl,
      token: options.token,
      dispatcher: options.dispatcher,
      connections: options.connections,
    });
    const limiter =
      options.rateLimiter ??
      (options.rateLimit === false
        ? undefined
        : new LocalRateLimiter(options.rateLimit ?? DEFAULT_RATE_LIMIT));
    const deps = {
      transport: this.#transport,
      policy: retryPolicy(options.retry),
      timeoutMs: options.timeoutMs ?? 30_000,
      limiter,
      events: this.events,
      secrets: this.#secrets,
    };
    this.#execute = <T>(call: ApiCall<T>) => execute(deps, call);

    const api: ApiContext = {
      call: this.#execute,
      companyPath: (callOptions) => `/p1/companies/${this.#companyOf(callOptions)}`,
      budgetKey: (callOptions) => `company:${this.#companyOf(callOptions)}`,
    };
    this.companies = new CompaniesApi(api);
    this.channels = new ChannelsApi(api);
    this.conversations = new ConversationsApi(api);
    this.messages = new MessagesApi(api);
    this.attachments = new AttachmentsApi(api);
    this.wabaTemplates = new WabaTemplatesApi(api);
    this.jobs = new JobsApi(api);
    this.v2 = new V2Api({
      call: this.#execute,
      companyId: (callOptions) => this.#companyOf(callOptions),
      companyIdIfAny: (callOptions) => {
        const id = callOptions?.companyId ?? this.companyId;
        return id === undefined ? undefined : requireId('companyId', id);
      },
      budgetKey: (callOptions, budget) => {
        const id = callOptions?.companyId ?? this.companyId;
        // Without a company (templates of every company) the budget is the token's own.
        return budgetKey(
          id === undefined ? 'account' : `company:${requireId('companyId', id)}`,
          budget,
        );
      },
    });
  }

  #companyOf(options: RequestOptions | undefined): number {
    const id = options?.companyId ?? this.companyId;
    if (id === undefined) {
      throw new PactArgumentError(
        'companyId is missing: pass it to new PactClient({ companyId }) or in the call options',
      );
    }
    return requireId('companyId', id);
  }

  /** Closes the client's connections. Pending calls finish first. */
  close(): Promise<void> {
    return this.#transport.close();
  }

  /** Closes the client's connections at once: calls in flight fail (`PactNetworkError`). */
  destroy(): Promise<void> {
    return this.#transport.destroy();
  }

  /**
   * Keeps a value out of every error and event of this client, as the token is kept: the bot
   * registers its webhook secret here, since Pact may echo a webhook URL carrying it (a 422
   * repeating `webhook_url`). Values shorter than 4 characters are not taken (they would blank
   * out ordinary text).
   */
  redactSecret(value: string): void {
    if (typeof value === 'string' && value.length >= 4 && !this.#secrets.includes(value))
      this.#secrets.push(value);
  }

  /** Hides the token from `console.log(client)` and `util.inspect`. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `PactClient { companyId: ${this.companyId}, apiVersion: ${this.apiVersion} }`;
  }
}
