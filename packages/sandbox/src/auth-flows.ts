import type { ChannelType } from './channels.js';
import type { Emulator } from './emulator.js';
import type { ChannelRecord } from './store/records.js';
import type { SandboxStore } from './store/store.js';
import type { WebhookOutbox } from './webhooks/outbox.js';
import { authEvent, type AuthProgress } from './webhooks/v2-payloads.js';

/** The providers v2 connects as auths (README §8 of `shared/pact-api/v2`). */
export const AUTH_PROVIDERS = [
  'whatsapp',
  'telegram_personal',
  'max',
  'telegram',
  'viber',
  'odnoklassniki',
  'max_bot',
  'vkontakte_direct',
  'vkontakte',
  'facebook',
  'instagram_business',
  'whatsapp_business',
  'avito',
  'custom',
] as const satisfies readonly ChannelType[];

/** A provider v2 connects. */
export type AuthProvider = (typeof AUTH_PROVIDERS)[number];

/** Providers confirmed by scanning a QR code (or, given a phone number, by a code). */
const QR_PROVIDERS: readonly string[] = ['whatsapp', 'telegram_personal', 'max'];
/** Providers confirmed in the provider's OAuth page. */
const OAUTH_PROVIDERS: readonly string[] = [
  'facebook',
  'vkontakte',
  'instagram_business',
  'whatsapp_business',
  'avito',
];
/** Providers connected with a bot token, at once. */
export const TOKEN_PROVIDERS: readonly string[] = [
  'telegram',
  'viber',
  'odnoklassniki',
  'max_bot',
  'vkontakte_direct',
];
/** Providers whose history is synchronized from `sync_period` back. */
const SYNCING: readonly string[] = [
  'telegram_personal',
  'whatsapp',
  'max',
  'instagram_business',
  'vkontakte',
  'vkontakte_direct',
];

const DAY_MS = 24 * 60 * 60 * 1000;
const PERIOD_MS = { day: DAY_MS, week: 7 * DAY_MS, month: 30 * DAY_MS } as const;

/** The QR code an auth shows: a placeholder picture, as a `data:` URL; there is no phone to scan it with. */
const QR_PICTURE =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

/** What creating an auth asks for. */
export interface NewAuth {
  provider: AuthProvider;
  phoneNumber?: string | undefined;
  syncPeriod?: ChannelRecord['sync_period'] | undefined;
}

/** Options of {@link AuthFlows}. */
export interface AuthFlowsOptions {
  store: SandboxStore;
  outbox: WebhookOutbox;
  emulator: Emulator;
  /** Where an auth's OAuth page is: opening it completes the OAuth. */
  oauthUrl(authId: number): string;
}

/**
 * How auths (v2's channels) connect, as Pact's confirm flows go, with the sandbox standing in for
 * the customer's phone and the provider's OAuth page:
 * - QR (`whatsapp`, `telegram_personal`, `max`): created `initial` with a `qr`; once the QR's
 *   `auth`/`update` was delivered, the "phone" scans it and the auth is `enabled`.
 * - Code (`whatsapp` with `phone_number`): the same with a pairing `code`. `telegram_personal`
 *   with `phone_number` waits for `PUT …/enable` with the code Telegram sent (any code will do).
 * - OAuth (`facebook`, `vkontakte`, `instagram_business`, `whatsapp_business`, `avito`): created
 *   `initial` with an `oauth_provider_url` of the sandbox; opening it connects the auth (VK in one
 *   step: the sandbox has no communities to pick).
 * - Token providers and `custom`: connected at once.
 * Every change posts its `auth` webhook (v2 only: v1 channels have no such webhooks here), on the
 * auth's own line.
 */
export class AuthFlows {
  readonly #options: AuthFlowsOptions;

  constructor(options: AuthFlowsOptions) {
    this.#options = options;
  }

  #post(channel: ChannelRecord, event: 'create' | 'update' | 'delete', progress?: AuthProgress) {
    return this.#options.outbox.post(channel.company_id, `auth:${channel.external_id}`, {
      2: authEvent(event, channel, progress),
    });
  }

  /** Creates an auth; resolves it and what its confirmation needs (a QR, a code, an OAuth link). */
  create(companyId: number, auth: NewAuth): { channel: ChannelRecord; progress: AuthProgress } {
    const { provider } = auth;
    const confirmed = TOKEN_PROVIDERS.includes(provider) || provider === 'custom';
    const channel = this.#options.store.addChannel(companyId, provider, {
      state: confirmed ? 'enabled' : 'initial',
      phone_number: auth.phoneNumber,
      sync_period: auth.syncPeriod,
    });
    if (confirmed) this.#synced(channel);
    void this.#post(channel, 'create');
    const progress = this.#progressOf(channel, auth);
    if (progress.qr !== undefined || progress.code !== undefined) {
      // The QR or code reaches whoever shows it; then the phone confirms.
      void this.#post(channel, 'update', progress).then(() => this.#connect(channel));
    } else if (progress.oauth_provider_url !== undefined) {
      void this.#post(channel, 'update', progress);
    }
    return { channel, progress };
  }

  #progressOf(channel: ChannelRecord, auth: NewAuth): AuthProgress {
    if (OAUTH_PROVIDERS.includes(auth.provider)) {
      return { oauth_provider_url: this.#options.oauthUrl(channel.external_id) };
    }
    if (!QR_PROVIDERS.includes(auth.provider)) return {};
    if (auth.phoneNumber === undefined) return { qr: QR_PICTURE };
    // WhatsApp shows a pairing code to type on the phone; Telegram texts one to the phone.
    return auth.provider === 'whatsapp'
      ? { code: `SBX${String(channel.external_id).padStart(5, '0')}` }
      : {};
  }

  /** Whether the auth waits for the code Telegram sent (given to `enable`). */
  waitsForCode(channel: ChannelRecord): boolean {
    return (
      channel.state === 'initial' &&
      channel.provider === 'telegram_personal' &&
      channel.phone_number !== null
    );
  }

  #synced(channel: ChannelRecord): void {
    const now = Date.now();
    const back = SYNCING.includes(channel.provider) ? PERIOD_MS[channel.sync_period] : 0;
    channel.sync_messages_at = new Date(now - back);
  }

  #connect(channel: ChannelRecord): void {
    if (this.#options.store.channel(channel.external_id) !== channel) return;
    if (channel.state !== 'initial') return;
    this.#set(channel, 'enabled');
  }

  #set(channel: ChannelRecord, state: ChannelRecord['state']): void {
    channel.state = state;
    channel.updated_at = new Date();
    if (state === 'enabled' && channel.sync_messages_at === null) this.#synced(channel);
    void this.#post(channel, 'update');
  }

  /** Connects an auth: a disabled one again, or a `telegram_personal` one with its code. */
  enable(channel: ChannelRecord): void {
    if (channel.state !== 'enabled') this.#set(channel, 'enabled');
  }

  /** Switches an auth off; it stays, and can be enabled again. */
  disable(channel: ChannelRecord): void {
    if (channel.state !== 'disabled') this.#set(channel, 'disabled');
  }

  /** Completes an auth's OAuth, as the provider's page would; false when there is no such auth waiting. */
  completeOAuth(authId: number): ChannelRecord | undefined {
    const channel = this.#options.store.channel(authId);
    if (!channel || !OAUTH_PROVIDERS.includes(channel.provider)) return undefined;
    this.#connect(channel);
    return channel;
  }

  /** Deletes an auth for good, and with it its conversations (each posts `conversation`/`delete`). */
  remove(channel: ChannelRecord): void {
    void this.#post(channel, 'delete');
    const { store, emulator } = this.#options;
    const conversations = store
      .conversations(channel.company_id)
      .filter((conversation) => conversation.channel_id === channel.external_id);
    emulator.conversationsDeleted(conversations);
    store.removeChannel(channel.external_id);
  }
}
