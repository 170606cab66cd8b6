import type { SandboxStore } from '../store/store.js';
import { IN_PROCESS } from './bot-target.js';
import { httpTarget, webhookAgents } from './http-target.js';
import type { ApiVersion, WebhookRoute } from './outbox.js';
import type { WebhookTarget } from './target.js';

/** Options of {@link WebhookRoutes}. */
export interface WebhookRoutesOptions {
  store: SandboxStore;
  /** The envelope a bot connected in-process gets. */
  version: ApiVersion;
  /** Attempts per webhook of each version, the first included. */
  maxAttempts: Readonly<Record<ApiVersion, number>>;
  /** How long a webhook URL may take to answer, in ms. */
  timeoutMs: number;
}

/**
 * Where a company's webhooks go. A bot connected in-process takes them all, in the sandbox's
 * version. Without one, they go where Pact posts them: v1 webhooks to the company's
 * `webhook_url`, v2 webhooks to each of its active company webhooks.
 */
export class WebhookRoutes {
  readonly #options: WebhookRoutesOptions;
  readonly #bots = new Map<number, WebhookTarget>();
  readonly #urls = new Map<string, WebhookTarget>();
  readonly #agents = webhookAgents();

  constructor(options: WebhookRoutesOptions) {
    this.#options = options;
  }

  /** Hands the company's webhooks to a bot in this process until the returned function is called. */
  connect(companyId: number, bot: WebhookTarget): () => boolean {
    this.#bots.set(companyId, bot);
    return () => {
      if (this.#bots.get(companyId) !== bot) return false;
      this.#bots.delete(companyId);
      return true;
    };
  }

  /** The bot connected to the company in-process, if any. */
  bot(companyId: number): WebhookTarget | undefined {
    return this.#bots.get(companyId);
  }

  /** A target posting to a URL (one per URL, on shared keep-alive agents). */
  http(url: string): WebhookTarget {
    let target = this.#urls.get(url);
    if (!target) {
      target = httpTarget(url, this.#agents, this.#options.timeoutMs);
      this.#urls.set(url, target);
    }
    return target;
  }

  #webhookUrl(companyId: number): string | undefined {
    return this.#options.store.company(companyId)?.webhook_url ?? undefined;
  }

  /** The routes of a company's webhooks right now. */
  routesOf(companyId: number): WebhookRoute[] {
    const { store, version, maxAttempts } = this.#options;
    const bot = this.#bots.get(companyId);
    const routes: WebhookRoute[] = [];
    if (version === 1) {
      // v1's one place: the bot, else the webhook_url, whichever is there at each attempt.
      routes.push({
        key: 'v1',
        version: 1,
        maxAttempts: maxAttempts[1],
        target: () => {
          const url = this.#webhookUrl(companyId);
          return this.#bots.get(companyId) ?? (url ? this.http(url) : undefined);
        },
        nowhere: 'no bot is connected and the company has no webhook_url',
      });
    } else if (bot) {
      routes.push({
        key: 'bot',
        version: 2,
        maxAttempts: maxAttempts[2],
        target: () => (this.#bots.get(companyId) === bot ? bot : undefined),
        nowhere: 'the bot was disconnected',
      });
    } else {
      const url = this.#webhookUrl(companyId);
      if (url) {
        routes.push({
          key: `url:${url}`,
          version: 1,
          maxAttempts: maxAttempts[1],
          target: () =>
            !this.#bots.has(companyId) && this.#webhookUrl(companyId) === url
              ? this.http(url)
              : undefined,
          nowhere: 'the webhook_url changed',
        });
      }
    }
    if (bot) return routes;
    for (const webhook of store.webhooksOf(companyId)) {
      if (!webhook.active) continue;
      routes.push({
        key: `webhook:${webhook.id}`,
        version: 2,
        maxAttempts: maxAttempts[2],
        target: () =>
          !this.#bots.has(companyId) && webhook.active && store.webhook(webhook.id) === webhook
            ? this.http(webhook.url)
            : undefined,
        nowhere: `company webhook ${webhook.id} was turned off or deleted`,
      });
    }
    return routes;
  }

  /** Where the company's webhooks go, in words: the bot, the URLs, or null for nowhere. */
  describe(companyId: number): string | null {
    if (this.#bots.has(companyId)) return IN_PROCESS;
    const urls = [
      this.#webhookUrl(companyId),
      ...this.#options.store
        .webhooksOf(companyId)
        .filter((webhook) => webhook.active)
        .map((webhook) => webhook.url),
    ].filter((url): url is string => Boolean(url));
    return urls.length > 0 ? [...new Set(urls)].join(', ') : null;
  }

  /** Ends the keep-alive connections of webhook posts. */
  close(): void {
    this.#bots.clear();
    this.#agents.http.destroy();
    this.#agents.https.destroy();
  }
}
