import type http from 'node:http';
import type { EventEmitter } from 'eventemitter3';
import { PactClient, type PactApiVersion } from './api/client.js';
import { PactArgumentError } from './api/errors.js';
import {
  DEFAULT_RATE_LIMIT,
  LocalRateLimiter,
  type RateLimiter,
  type RateLimitOptions,
} from './api/rate-limit.js';
import type { RetryOptions } from './api/retry.js';
import { requirePhone } from './api/resources/phone.js';
import { requireId, show } from './api/validate.js';
import { Composer } from './composer/composer.js';
import { DIALOG_SERVICES, type DialogServices } from './conversation/host.js';
import { ButtonMenus } from './context/button-menus.js';
import { buttonPresses } from './context/button-presses.js';
import { Context, type ContextServices, type ReplyOptions } from './context/context.js';
import { splitText, textLimitOf, type TextLimit } from './context/split-text.js';
import {
  handleWebhook,
  type WebhookDeps,
  type WebhookRequest,
  type WebhookResult,
} from './http/handle-webhook.js';
import { checkWebhookRequest } from './http/check-request.js';
import {
  checkListenOptions,
  createWebhookServer,
  listenOn,
  type ListenOptions,
} from './http/listener.js';
import { BotEmitter } from './log/bot-emitter.js';
import { resolveLogger, type Logger } from './log/logger.js';
import { SendWatch } from './log/send-watch.js';
import { startTrace } from './log/trace.js';
import { TracedOutbound } from './log/traced-outbound.js';
import { UnhandledLog } from './log/unhandled.js';
import { BudgetMeter } from './outbound/budget-meter.js';
import { DeliveryTracker, type DeliveryOptions } from './outbound/delivery-tracker.js';
import { Outbound } from './outbound/outbound.js';
import type { BotEvents } from './runtime/events.js';
import { createRunner, type RunOutcome, type UpdateRunner } from './runtime/update-runner.js';
import { memoryState } from './state/memory-state.js';
import type { BotState, ConversationLock } from './state/types.js';
import { Deadlines } from './util/deadlines.js';
import { waitAtMost } from './util/timeout.js';
import { updateIdentity } from './webhook/update-kinds.js';
import type { Sent } from './outbound/sent.js';
import { ConversationDirectory } from './waba/directory.js';
import { WindowClosedError } from './waba/errors.js';
import { wabaOptions, type WabaOptions } from './waba/options.js';
import { TemplateSender } from './waba/template-sender.js';
import { checkTemplateRequest, TemplateBook, type TemplateOptions } from './waba/templates.js';
import { WindowBook } from './waba/window-book.js';
import type { WabaWindow } from './waba/window.js';
import { compose, type MiddlewareFn } from './composer/middleware.js';
import type { Update } from './webhook/types.js';

/** The end of the middleware chain. */
const done = (): Promise<void> => Promise.resolve();

/** Waits for a send's outcome without taking it: its failure is the handler's or reported elsewhere. */
const ignore = (): void => undefined;

/** Builds the context of each update; pass a subclass of `Context` to add your own fields. */
export type ContextConstructor<C extends Context> = new (
  update: Update,
  services: ContextServices,
  lock?: ConversationLock,
) => C;

/** Options of {@link Bot}. */
export interface BotOptions<C extends Context = Context> {
  /** The private API token from Pact's account settings. Not needed when `client` is given. */
  token?: string | undefined;
  /** The company this bot serves: the one whose `webhook_url` points at it. */
  companyId: number;
  /** Pact's API address. Default `https://api.pact.im`; the sandbox passes its own. */
  apiUrl?: string | undefined;
  /**
   * The version of Pact's API the bot works through: 1 (the default) or 2. The one option that
   * switches: the same handlers run on either. On 2, replies go through `v2.messages.send`, files
   * through `v2.attachments.upload` (one a message), buttons as numbered text on every channel
   * (v2 has no interactive messages), and `Sent.delivered()` follows the message's v2 `update`
   * webhooks; point Pact's v2 webhooks at the bot with `bot.api.v2.webhooks.ensure(url)`.
   * Webhooks of both versions are accepted either way. With `client` given, its `apiVersion`
   * decides (giving a different one here is an error).
   */
  apiVersion?: PactApiVersion | undefined;
  /**
   * A ready client to use instead of creating one from `token` and `apiUrl`. Its rate budget is
   * its own: `bot.events` `budget:wait` then reports no waits (give the client a limiter you
   * measure yourself).
   */
  client?: PactClient | undefined;
  /** Require this value as the `secret` query parameter of every webhook (401 otherwise). */
  secret?: string | undefined;
  /** Coordination state: dedup claims, conversation locks, button menus, WhatsApp Business windows. Default: this process's memory; see `redisState` to share it. */
  state?: BotState | undefined;
  /** Handlers running at once, across conversations. Default 64. */
  concurrency?: number | undefined;
  /**
   * How long the webhook answer waits for the handler, in ms; past it the answer is 503 and the
   * update keeps its place (Pact's redelivery is answered 200 once it was handled). Default 8000.
   * With a durable inbox (`redisState`) the answer does not wait for the handler at all.
   */
  webhookTimeoutMs?: number | undefined;
  /** Answer 5xx when a handler throws, so Pact delivers the webhook again (up to 10 times). Default false. */
  redeliverOnError?: boolean | undefined;
  /**
   * Updates waiting or running at most; past it, webhooks get 503 and Pact re-sends them. Default
   * 10 000. With a durable inbox (`redisState`) it bounds the updates this process has answered for
   * in the lines it works but not run yet, so a flood it cannot keep up with is shed, not queued
   * without end.
   */
  maxQueuedUpdates?: number | undefined;
  /** How long a handled update is remembered against redeliveries, in ms. Default one hour (Pact retries for 10 minutes). */
  dedupTtlMs?: number | undefined;
  /**
   * How long a claim, lock or inbox turn outlives a crashed holder, in ms; live holders extend
   * theirs. Under 60 000, Pact's redelivery interval, so a redelivery after a crash finds it
   * lapsed. Default 30 000.
   */
  leaseMs?: number | undefined;
  /** How long buttons stay pressable, in ms. Default 24 hours. */
  buttonsTtlMs?: number | undefined;
  /** Message length limits per channel type, over the built-in ones (`TEXT_LIMITS`). */
  textLimits?: Record<string, TextLimit> | undefined;
  /** Timing of `Sent.delivered()`. */
  delivery?: DeliveryOptions | undefined;
  /** Per-request timeout of calls to Pact, in ms. Default 30 000. */
  timeoutMs?: number | undefined;
  /** Retry policy of calls to Pact. */
  retry?: RetryOptions | undefined;
  /**
   * Sending budgets. Default Pact's published limits: 5 sends per second on v1; per endpoint on
   * v2 (sends 5 a second and 30 a minute, …; see `DEFAULT_RATE_BUDGETS`). `false` turns them off.
   * A state with a shared budget overrides it. Waits for the budget are reported on `bot.events`
   * as `budget:wait`.
   */
  rateLimit?: RateLimitOptions | false | undefined;
  /** The context class to build for each update. Default `Context`. */
  contextType?: ContextConstructor<C> | undefined;
  /**
   * Where the bot tells of what nobody handled — a handler's error with no `bot.catch`, a send
   * that failed with nothing awaiting it, a send after its handler returned, work cut off by
   * `stop()` — one line each, saying what to do, and each kind once (then counted). `console`
   * by default; any object with `error` and `warn` (pino, winston, bunyan); `false` for none.
   * A listener on the matching `bot.events` event (`error`, `api:error`, `send:late`, `dropped`)
   * takes its kind over. Traces of every update go through the `debug` package instead:
   * `DEBUG=pactbot:*`.
   */
  logger?: Logger | false | undefined;
  /**
   * WhatsApp Business: whether free-form sends on a closed 24-hour window are refused (default
   * yes, with `WindowClosedError`), and how long the template list is kept.
   */
  waba?: WabaOptions | undefined;
}

/** A message for `bot.send`: its text, and the options of `ctx.reply`. */
export interface SendOptions extends ReplyOptions {
  /** The text. Longer than the channel allows, it is split and sent in parts, as `ctx.reply` does. */
  text: string;
}

/** Who `bot.sendTemplate` writes to: a conversation by its id, or a phone number. */
export type TemplateRecipient =
  | number
  | {
      /** The customer's phone, country code first: `79250000001` (`+`, spaces and dashes are dropped). */
      phone: string;
      /** The WhatsApp Business channel to send through (API v1), when the company has several. */
      channelId?: number | undefined;
    };

/** What `bot.stop()` could not finish before its deadline. */
export interface StopReport {
  /** Updates still waiting or running when the deadline came. */
  unfinishedUpdates: number;
  /** Sends still queued or in flight when the deadline came. */
  pendingSends: number;
}

/** Handles an error thrown by middleware; gets the context it was thrown on. */
export type ErrorHandler<C extends Context> = (error: unknown, ctx: C) => unknown;

/**
 * A Pact bot: middleware over Pact's webhooks, and a client to answer through.
 *
 * ```ts
 * const bot = new Bot({ token, companyId: 42 });
 * bot.on('message:text', ctx => ctx.reply(`You said: ${ctx.text}`));
 * await bot.listen({ port: 3000, path: '/pact', secret: 's3cr3t' });
 * ```
 *
 * Webhooks are deduplicated, updates of one conversation run one at a time in arrival order,
 * replies to a conversation leave in order within Pact's rate limit, and echoes of the bot's own
 * messages never reach `message` handlers.
 */
export class Bot<C extends Context = Context> extends Composer<C> {
  /** The Pact API client. */
  readonly api: PactClient;
  /** The company this bot serves. */
  readonly companyId: number;
  /** The coordination state. */
  readonly state: BotState;
  readonly #emitter = new BotEmitter();
  /** Lifecycle and observability events; see {@link BotEvents}. */
  readonly events: EventEmitter<BotEvents, unknown> = this.#emitter;

  readonly #services: ContextServices;
  readonly #outbound: Outbound;
  readonly #windows: WindowBook;
  readonly #templates: TemplateSender;
  readonly #enforceWindow: boolean;
  readonly #textLimits: Record<string, TextLimit> | undefined;
  readonly #runner: UpdateRunner;
  readonly #contextType: ContextConstructor<C>;
  readonly #secret: string | undefined;
  readonly #answerDeadlines: Deadlines;
  readonly #webhookDeps: WebhookDeps;
  readonly #ownsClient: boolean;
  readonly #servers = new Set<http.Server>();
  /** What nobody handled goes here; undefined with `logger: false`. */
  readonly #unhandled: UnhandledLog | undefined;
  readonly #sendWatch: SendWatch;
  /** The built-in middleware, then the bot's own tree (read on every call, so handlers added later run). */
  readonly #chain: MiddlewareFn<C>;
  #errorHandler: ErrorHandler<C> | undefined;
  #stopping = false;
  #stopped: Promise<StopReport> | undefined;

  constructor(options: BotOptions<C>) {
    super();
    if (options === null || typeof options !== 'object') {
      throw new PactArgumentError('new Bot() needs options: { token, companyId }');
    }
    this.companyId = requireId('companyId', options.companyId);
    this.state = options.state ?? memoryState();
    this.#ownsClient = options.client === undefined;
    // The bot's own client spends a budget measured for `budget:wait`.
    const meter = options.client ? undefined : this.#budgetMeter(options);
    if (
      options.client &&
      options.apiVersion !== undefined &&
      options.apiVersion !== options.client.apiVersion
    ) {
      throw new PactArgumentError(
        `apiVersion ${String(options.apiVersion)} was given, but the client given works through v${options.client.apiVersion}; leave apiVersion out (the client's decides) or create the client with new PactClient({ apiVersion: ${String(options.apiVersion)} })`,
      );
    }
    this.api =
      options.client ??
      new PactClient({
        token: options.token as string,
        companyId: this.companyId,
        apiUrl: options.apiUrl,
        apiVersion: options.apiVersion,
        timeoutMs: options.timeoutMs,
        retry: options.retry,
        rateLimit: options.rateLimit,
        rateLimiter: meter,
      });
    this.api.events.on('retry', (event) => this.events.emit('api:retry', event));
    this.api.events.on('error', (error) => this.events.emit('api:error', error));
    if (
      options.secret !== undefined &&
      (typeof options.secret !== 'string' || options.secret === '')
    ) {
      throw new PactArgumentError('secret must be a non-empty string when given');
    }
    this.#secret = options.secret;
    if (options.secret !== undefined) this.api.redactSecret(options.secret);
    this.#answerDeadlines = new Deadlines(options.webhookTimeoutMs ?? 8000);
    const leaseMs = options.leaseMs ?? 30_000;
    if (!(Number.isFinite(leaseMs) && leaseMs >= 100 && leaseMs < 60_000)) {
      throw new PactArgumentError(
        `leaseMs must be from 100 to 59 999 ms (under Pact's 60 s redelivery interval, so a redelivery after a crash finds the lease lapsed), got ${String(leaseMs)}`,
      );
    }
    this.#contextType = options.contextType ?? (Context as unknown as ContextConstructor<C>);
    const logger = resolveLogger(options.logger);
    this.#unhandled = logger && new UnhandledLog(logger);
    const unhandled = this.#unhandled;
    if (unhandled) this.#emitter.unheard = (info) => unhandled.unheardError(info);
    this.#sendWatch = new SendWatch(this.api, this.#emitter, this.#unhandled);
    const trace = startTrace(this.#emitter, this.api, this.companyId, !!this.state.inbox);

    const tracker = new DeliveryTracker(
      this.api,
      (event) => this.events.emit('delivery', event),
      options.delivery,
    );
    this.#outbound = new (trace?.sends ? TracedOutbound : Outbound)(this.api, tracker, meter);
    const waba = wabaOptions(options.waba);
    const directory = new ConversationDirectory(this.api);
    this.#windows = new WindowBook({
      state: this.state,
      companyId: this.companyId,
      directory,
      report: (error, update) => this.#reportWindow(error, update),
    });
    this.#templates = new TemplateSender(
      this.api,
      this.#outbound,
      new TemplateBook(this.api, waba.templatesTtlMs),
      directory,
    );
    this.#enforceWindow = waba.enforceWindow;
    this.#textLimits = options.textLimits;
    const menus = new ButtonMenus(
      this.state,
      this.companyId,
      options.buttonsTtlMs ?? 24 * 60 * 60 * 1000,
    );
    this.#chain = compose<C>([
      buttonPresses(menus, (error, ctx) =>
        this.events.emit('error', { error, update: ctx.update, id: updateIdentity(ctx.update) }),
      ),
      this.middleware(),
    ]);
    this.#services = {
      bot: this as unknown as Bot,
      api: this.api,
      companyId: this.companyId,
      outbound: this.#outbound,
      menus,
      textLimits: options.textLimits,
      waba: {
        windows: this.#windows,
        templates: this.#templates,
        enforceWindow: waba.enforceWindow,
      },
      reportUnawaited: (error, ctx) =>
        void this.#report(error, ctx as C, updateIdentity(ctx.update)),
    };
    this.#runner = createRunner({
      state: this.state,
      events: this.events,
      companyId: this.companyId,
      redeliverOnError: options.redeliverOnError ?? false,
      options: {
        concurrency: options.concurrency ?? 64,
        maxQueuedUpdates: options.maxQueuedUpdates ?? 10_000,
        dedupTtlMs: options.dedupTtlMs ?? 60 * 60 * 1000,
        leaseMs,
      },
      handle: (update, id, lock) => this.#handle(update, id, lock),
      observe: (update) => this.#observe(update),
      trace: trace?.run,
    });
    this.#webhookDeps = {
      runner: this.#runner,
      events: this.events,
      secret: this.#secret,
      answerDeadlines: this.#answerDeadlines,
      isStopping: () => this.#stopping,
    };
  }

  /**
   * The budget the bot's client spends — the state's shared one, else one in this process from
   * `rateLimit` — measured for `bot.events` `budget:wait`; none when budgets are off.
   */
  #budgetMeter(options: BotOptions<C>): BudgetMeter | undefined {
    const limiter: RateLimiter | undefined =
      this.state.rateLimiter ??
      (options.rateLimit === false
        ? undefined
        : new LocalRateLimiter(options.rateLimit ?? DEFAULT_RATE_LIMIT));
    if (!limiter) return undefined;
    return new BudgetMeter(
      limiter,
      () => this.events.listenerCount('budget:wait') > 0,
      (info) => this.events.emit('budget:wait', info),
    );
  }

  /**
   * Lends dialogs what they need to rebuild this bot's contexts and sends (see `conversations()`).
   * @internal
   */
  [DIALOG_SERVICES](): DialogServices {
    return {
      createContext: (update, lock) => new this.#contextType(update, this.#services, lock),
      tracker: this.#outbound.tracker,
    };
  }

  /**
   * Sets the handler of errors thrown by middleware. Without one, errors go to the bot's `logger`
   * (the console by default; each kind once, then counted) unless someone listens to
   * `bot.events` `error`. Errors are reported on `bot.events` either way.
   */
  catch(handler: ErrorHandler<C>): this {
    this.#errorHandler = handler;
    return this;
  }

  async #handle(update: Update, id: string, lock: ConversationLock | undefined): Promise<void> {
    // A WhatsApp Business conversation's window, read before the handler so `ctx.window` can tell it.
    const window = this.#windows.prepare(update);
    if (window) await window;
    // Watched for sends after the handler returned, and failed sends nothing awaited.
    const watch =
      lock && this.#sendWatch.wanted ? this.#sendWatch.start(update, id, lock) : undefined;
    const ctx = new this.#contextType(update, this.#services, watch?.lock ?? lock);
    let failure: { error: unknown } | undefined;
    try {
      await this.#chain(ctx, done);
    } catch (error) {
      failure = { error };
    }
    watch?.returned(ctx);
    // The conversation's next update waits until this one's sends were accepted, keeping replies in order.
    const sends = ctx.pendingSends;
    // One send (a reply), the usual case: one promise to wait on, not allSettled's three.
    if (sends.length === 1) await sends[0]!.then(ignore, ignore);
    else if (sends.length > 1) await Promise.allSettled(sends);
    // And until the window its customer's message opened is in the state, for whoever handles it.
    const written = this.#windows.settled(ctx.conversationId);
    if (written) await written;
    watch?.settled(ctx);
    if (failure) await this.#report(failure.error, ctx, id);
    const finishing = watch?.finish(ctx, failure?.error);
    if (finishing) await finishing;
    if (failure) throw failure.error;
  }

  /**
   * Feeds what an update tells about deliveries to `Sent.delivered()`: v1's job webhooks and
   * acks, v2's outgoing messages (an `update` with status `delivered`, `read` or `error`, or a
   * `create` already telling one). Called when the update is admitted, before it waits for its
   * conversation's turn: a handler awaiting `delivered()` holds that turn, and the ack it waits
   * for must not wait behind it.
   */
  #observe(update: Update): void {
    // A customer's message on WhatsApp Business opens the window, from the message's own time.
    try {
      this.#windows.observe(update);
    } catch (error) {
      this.#reportWindow(error, update);
    }
    const { tracker } = this.#outbound;
    if ('object' in update) {
      if (update.type === 'message' && (update.event === 'update' || !update.object.income)) {
        tracker.messageStatus(update.object);
      }
    } else if (update.type === 'job') tracker.jobExecuted(update.data);
    else if (update.type === 'message' && update.event === 'ack') tracker.messageAck(update.data);
  }

  /** A failure to keep or read a WhatsApp Business window: reported, never thrown at the update. */
  #reportWindow(error: unknown, update: Update | undefined): void {
    const id = update === undefined ? undefined : updateIdentity(update);
    this.events.emit('error', { error, update, id });
    if (this.events.listenerCount('error') === 0) {
      console.error("pactbot: could not keep a WhatsApp Business conversation's window:", error);
    }
  }

  #refuseStopped(method: string): void {
    if (this.#stopping) {
      throw new PactArgumentError(
        `${method} was called after bot.stop(); create a new bot to send`,
        {
          code: 'PACTBOT_BOT_STOPPED',
        },
      );
    }
  }

  /**
   * Sends a message the bot starts itself — a notification, a reminder — outside any handler:
   * `await bot.send(conversationId, 'Your order shipped')`, or `{ text, send_to_crm }`. The same
   * path as `ctx.reply`: in the conversation's line (in order with the replies of its handlers
   * in this process), within the rate budget, retried where Pact cannot have taken it, split over
   * the channel's length limit. On WhatsApp Business it is refused with `WindowClosedError`
   * before reaching Pact when the conversation's 24-hour window is closed (send a template with
   * `bot.sendTemplate` then). The conversation's messenger and window come from what the bot saw
   * of it, else from the state, else from Pact (read once).
   */
  async send(conversationId: number, message: string | SendOptions): Promise<Sent> {
    this.#refuseStopped('bot.send()');
    const id = requireId('conversationId', conversationId);
    const { text, send_to_crm } =
      typeof message === 'string'
        ? { text: message, send_to_crm: undefined }
        : message !== null && typeof message === 'object'
          ? message
          : { text: message as unknown, send_to_crm: undefined };
    if (typeof text !== 'string' || text.trim() === '') {
      throw new PactArgumentError(
        `bot.send() needs non-empty text, as a string or { text }, got ${show(typeof message === 'string' ? message : text)}`,
      );
    }
    return this.#outbound.inLine(id, async () => {
      const { provider, channelId, window } = await this.#windows.lookup(id);
      if (window && !window.open && this.#enforceWindow) {
        throw new WindowClosedError(id, window.closesAt, 'bot.send()');
      }
      const limit = textLimitOf(provider, this.#textLimits);
      const messages = splitText(text, limit).map((part) => ({ message: part, send_to_crm }));
      return this.#outbound.sendNow(id, messages, undefined, {
        id: channelId ?? 0,
        type: provider,
      });
    });
  }

  /**
   * Sends an approved WhatsApp Business template the bot starts itself — a reminder, an order
   * update — to a conversation (by its id) or a phone number (`{ phone }`, writing first or into
   * the conversation that phone has): `await bot.sendTemplate(conversationId, 'order_update', {
   * language: 'en', parameters: ['#123'] })`. The template is found by name (or `waba_id`, or
   * Pact's id) in the company's list, and the parameters checked against its placeholders before
   * anything is sent. A template is delivered whether or not the window is open, and opens none.
   */
  async sendTemplate(
    to: TemplateRecipient,
    nameOrId: string,
    options: TemplateOptions = {},
  ): Promise<Sent> {
    const method = 'bot.sendTemplate()';
    this.#refuseStopped(method);
    const request = checkTemplateRequest(method, nameOrId, options);
    if (typeof to === 'number') {
      return this.#templates.toConversation(method, requireId('conversationId', to), request);
    }
    if (to !== null && typeof to === 'object' && 'phone' in to) {
      const phone = requirePhone('phone', to.phone);
      const channelId =
        to.channelId === undefined ? undefined : requireId('channelId', to.channelId);
      return this.#templates.toPhone(method, phone, request, channelId);
    }
    throw new PactArgumentError(
      `${method} sends to a conversation id or { phone }, got ${show(to)}`,
    );
  }

  /**
   * The 24-hour window of a WhatsApp Business conversation, as `ctx.window` tells it inside
   * handlers: `{ open, closesAt }`; undefined for conversations on other messengers. Read from
   * the state (shared with the bot's other processes), else from Pact.
   */
  async window(conversationId: number): Promise<WabaWindow | undefined> {
    const { window } = await this.#windows.lookup(requireId('conversationId', conversationId));
    return window;
  }

  async #report(error: unknown, ctx: C, id: string): Promise<void> {
    const heard = this.#emitter.emitError({ error, update: ctx.update, id });
    if (this.#errorHandler) {
      try {
        await this.#errorHandler(error, ctx);
      } catch (handlerError) {
        if (!this.#emitter.emitError({ error: handlerError, update: ctx.update, id }))
          this.#unhandled?.catchFailed(handlerError, ctx.update);
      }
    } else if (!heard) this.#unhandled?.handlerFailed(error, ctx.update);
  }

  /**
   * Handles one webhook delivery from any HTTP framework: pass the raw body (string or bytes) or
   * the parsed JSON, and the request's query (for the `secret` parameter). Answer Pact with the
   * returned status and JSON body.
   */
  handleWebhook(body: unknown, request?: WebhookRequest): Promise<WebhookResult> {
    // An adapter's own secret is kept out of errors and events like the bot's.
    if (request?.secret !== undefined) this.api.redactSecret(request.secret);
    return handleWebhook(this.#webhookDeps, body, request);
  }

  /**
   * Decides what can be decided about a webhook before its body is read: 503 while the bot stops,
   * 401 for a wrong or missing secret, 415 for a content type that is not JSON. Returns that
   * answer, or `undefined` when the body should be read and given to `handleWebhook` (which
   * checks the same again). HTTP front ends call it first, so a refused request costs no body.
   */
  checkWebhook(request?: WebhookRequest): WebhookResult | undefined {
    return checkWebhookRequest(this.#webhookDeps, request);
  }

  /**
   * Runs an already parsed update through the bot, with the same dedup and ordering as a webhook,
   * and resolves when it has been handled (its outcome), or with why it was not run here:
   * `duplicate` (handled before), `held` (being handled elsewhere), `busy` (too many waiting), or
   * `queued` (in the durable inbox, for another process to run). For custom transports and tests.
   */
  async handleUpdate(
    update: Update,
  ): Promise<RunOutcome | 'duplicate' | 'busy' | 'held' | 'queued'> {
    const admission = await this.#runner.admit(update, updateIdentity(update));
    if (admission.status === 'accepted') return admission.done;
    if (admission.status === 'queued' && admission.done) return admission.done;
    return admission.status;
  }

  /** Starts a node:http server for webhooks and resolves with it once it listens. */
  async listen(options: ListenOptions = {}): Promise<http.Server> {
    if (this.#stopping)
      throw new PactArgumentError('the bot is stopped; create a new one to listen again', {
        code: 'PACTBOT_BOT_STOPPED',
      });
    checkListenOptions(options);
    if (options.secret !== undefined) this.api.redactSecret(options.secret);
    const server = createWebhookServer(this, options);
    this.#servers.add(server);
    server.once('close', () => this.#servers.delete(server));
    try {
      return await listenOn(server, options);
    } catch (error) {
      this.#servers.delete(server);
      throw error;
    }
  }

  /**
   * Stops: new webhooks get 503 (Pact delivers them again later), servers from `listen` stop
   * accepting, running handlers and queued sends get up to `timeoutMs` to finish; updates still
   * waiting for their turn then give their claims back for redelivery. Resolves with what could
   * not be finished.
   */
  stop(options: { timeoutMs?: number } = {}): Promise<StopReport> {
    this.#stopped ??= this.#stop(options.timeoutMs ?? 10_000);
    return this.#stopped;
  }

  async #stop(timeoutMs: number): Promise<StopReport> {
    const deadline = Date.now() + timeoutMs;
    this.#stopping = true;
    for (const server of this.#servers) {
      server.close();
      server.closeIdleConnections();
    }
    await this.#runner.shutdown(timeoutMs);
    await waitAtMost(this.#outbound.idle(), deadline - Date.now());
    // Past the deadline: webhooks still waiting for their update are answered 503 now (what
    // finishes after this is not counted as handled), and sends still in flight are cut off.
    this.#answerDeadlines.expireAll();
    const report: StopReport = {
      unfinishedUpdates: this.#runner.queued,
      pendingSends: this.#outbound.pending,
    };
    if (report.unfinishedUpdates > 0 || report.pendingSends > 0) {
      const heard = this.events.emit('dropped', {
        reason: `the bot stopped with ${report.unfinishedUpdates} updates and ${report.pendingSends} sends unfinished`,
      });
      if (!heard) this.#unhandled?.stopUnfinished(report.unfinishedUpdates, report.pendingSends);
    }
    this.#unhandled?.flush();
    // Let the answers just given reach their sockets before the connections go.
    await new Promise((resolve) => setImmediate(resolve));
    for (const server of this.#servers) server.closeAllConnections();
    if (this.#ownsClient) {
      if (this.#outbound.pending > 0) await this.api.destroy();
      else await this.api.close();
    }
    return report;
  }
}
