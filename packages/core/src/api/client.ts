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
import { HttpTransport } from './transport.js';
import { requireId, show } from './validate.js';

/** Pact's production API. */
export const PACT_API_URL = 'https://api.pact.im';

/** Options of {@link PactClient}. */
export interface PactClientOptions {
  /** The private API token from Pact's account settings. Sent only as the `X-Private-Api-Token` header. */
  token: string;
  /** The company calls act on unless a call names another in its options. */
  companyId?: number | undefined;
  /** Base URL of the API. Default `https://api.pact.im`; the sandbox passes its own. */
  apiUrl?: string | undefined;
  /** Per-request timeout in ms. Default 30 000. */
  timeoutMs?: number | undefined;
  /** Retry policy; see {@link RetryOptions}. */
  retry?: RetryOptions | undefined;
  /**
   * Sending budget per company: messages, uploads and first messages. Default 5 per second,
   * Pact's published limit; `false` turns it off.
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
  readonly #execute: <T>(call: ApiCall<T>) => Promise<T>;

  constructor(options: PactClientOptions) {
    if (typeof options?.token !== 'string' || options.token.trim() === '') {
      throw new PactArgumentError(
        'token must be the private API token from Pact account settings, got none',
      );
    }
    this.companyId =
      options.companyId === undefined ? undefined : requireId('companyId', options.companyId);
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
      token: options.token,
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

  /** Hides the token from `console.log(client)` and `util.inspect`. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `PactClient { companyId: ${this.companyId} }`;
  }
}
