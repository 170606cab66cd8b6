import { PactArgumentError } from '../errors.js';
import { asRecord, missing, noAnswer, objectAnswer } from '../answers.js';
import { dataOf, fetchPage, iteratePages, queryString, type ApiContext } from '../pagination.js';
import type { RequestOptions } from '../request.js';
import type {
  Channel,
  ConfirmResult,
  ExternalIdResult,
  InstagramCodeResult,
  Job,
  ListParams,
  Page,
  TelegramCodeResult,
  WhatsAppCodeResult,
} from '../types.js';
import {
  optionalBoolean,
  requireId,
  requireOneOf,
  requireString,
  show,
  toUnixSeconds,
} from '../validate.js';
import { requirePhone } from './phone.js';
import { externalIdAnswer, jobAnswer } from './results.js';

/** A timestamp Pact accepts for `sync_messages_from`: a Date or Unix seconds, not older than a month. */
export type SyncFrom = Date | number;

/** WhatsApp, connected by scanning a QR code (a `qr_code` webhook follows). */
export interface WhatsAppChannelParams {
  provider: 'whatsapp';
  /** The number to connect. Optional: the newest reference leaves it out, an older one lists it. */
  phone?: string | undefined;
  sync_messages_from?: SyncFrom | undefined;
  do_not_mark_as_read?: boolean | undefined;
}

/** WhatsApp Business hosted by dialog360, connected with a token. */
export interface WhatsAppBusinessTokenParams {
  provider: 'whatsapp_business';
  hosting_type: 'cloud' | 'onpremise';
  token: string;
  subtype?: 'regular' | 'unlim' | 'no_write_first' | undefined;
}

/** WhatsApp Business hosted by dialog360, connected by its channel id. */
export interface WhatsAppBusinessDialog360Params {
  provider: 'whatsapp_business';
  hosting_type: 'cloud' | 'onpremise';
  dialog360_channel_id: string;
  dialog360_client_id?: string | undefined;
  account_name?: string | undefined;
  subtype?: 'regular' | 'unlim' | 'no_write_first' | undefined;
}

/** Avito, connected with its API client id and secret. */
export interface AvitoChannelParams {
  provider: 'avito';
  /** Avito client_id. */
  login: string;
  /** Avito client secret. */
  password: string;
}

/**
 * Instagram Business, step 3 of its four: after Facebook login, with the Graph API's `/me` answer
 * as `data`. Step 4 is `channels.enableInstagramPage`.
 */
export interface InstagramBusinessChannelParams {
  provider: 'instagram_business';
  /** The Facebook user access token. */
  token: string;
  phone: string;
  /** The body of `https://graph.facebook.com/v4.0/me?fields=first_name,last_name,picture,name,email`. */
  data: Record<string, unknown>;
  /**
   * Your private API token, which Pact's reference requires in this body as well. The client does
   * not copy its own token into a body by itself (the header authenticates every call).
   */
  private_api_token: string;
}

/** Providers connected with a bot or group token alone. */
export interface TokenChannelParams {
  provider: 'facebook' | 'vkontakte' | 'vkontakte_direct' | 'telegram' | 'viber';
  token: string;
}

/** Telegram Personal, connected by scanning a QR code. */
export interface TelegramPersonalQrParams {
  provider: 'telegram_personal';
  via_qr_code: true;
  sync_messages_from?: SyncFrom | undefined;
}

/** Telegram Personal, connected with a code sent to the phone (`requestCode`, then `confirm`). */
export interface TelegramPersonalPhoneParams {
  provider: 'telegram_personal';
  /** Phone number, such as `7999999999`. */
  phone: string;
  sync_messages_from?: SyncFrom | undefined;
}

/** Parameters of `channels.create`, one shape per provider. */
export type CreateChannelParams =
  | WhatsAppChannelParams
  | WhatsAppBusinessTokenParams
  | WhatsAppBusinessDialog360Params
  | AvitoChannelParams
  | InstagramBusinessChannelParams
  | TokenChannelParams
  | TelegramPersonalQrParams
  | TelegramPersonalPhoneParams;

/** Parameters of `channels.update`: a new token, or new login and password. */
export interface UpdateChannelParams {
  token?: string | undefined;
  login?: string | undefined;
  password?: string | undefined;
  [parameter: string]: unknown;
}

/** `request_code` parameters, by provider. */
export type RequestCodeParams =
  | { provider: 'whatsapp' }
  | { provider: 'telegram_personal' }
  | { provider: 'instagram'; challenge_variant: number }
  | { provider: 'instagram'; challenge_type: 'two_factor' };

/**
 * The body of `confirm`. The reference wants a Telegram code as a number, so digits typed as a
 * string go as one — unless the code starts with 0, which a number would lose.
 */
function confirmBody(params: ConfirmParams): ConfirmParams {
  if (
    params.provider === 'telegram_personal' &&
    params.confirmation_type === 'code' &&
    typeof params.code === 'string' &&
    !params.code.startsWith('0')
  ) {
    return { ...params, code: Number(params.code) };
  }
  return params;
}

/** `confirm` parameters, by provider and confirmation type. */
export type ConfirmParams =
  | { provider: 'telegram_personal'; confirmation_type: 'code'; code: number | string }
  | { provider: 'telegram_personal'; confirmation_type: 'password'; password: string }
  | { provider: 'instagram'; confirmation_code: string }
  | {
      provider: 'instagram';
      confirmation_type: 'two_factor';
      /** The `value` of a variant from the previous answer's `data.details` (typically 1, 2 or 3). */
      confirmation_variant: number;
      confirmation_code: string;
    };

/** A WhatsApp Business template message, the only way to write first on that channel. */
export interface TemplateParams {
  /** Id of a registered template (see `wabaTemplates.list`). */
  id: string;
  /** Its language code: `en`, `ru`, … */
  language_code: string;
  /** Values for the template's `{{1}}`, `{{2}}`, … */
  parameters: string[];
}

/** The first message to a phone number: text on WhatsApp, a template on WhatsApp Business. */
export type FirstMessageParams =
  | { phone: string; message: string; template?: never }
  | { phone: string; template: TemplateParams; message?: never };

/** Periods Instagram Business can synchronize. */
export type InstagramSyncPeriod = 'day' | 'week' | 'month' | 'all';

const TOKEN_PROVIDERS = ['facebook', 'vkontakte', 'vkontakte_direct', 'telegram', 'viber'] as const;
const PROVIDERS = [
  'whatsapp',
  'whatsapp_business',
  'avito',
  'instagram_business',
  'telegram_personal',
  ...TOKEN_PROVIDERS,
] as const;
const HOSTING = ['cloud', 'onpremise'] as const;
const SUBTYPES = ['regular', 'unlim', 'no_write_first'] as const;

/** Checks create parameters for the chosen provider and encodes them as Pact expects. */
function channelBody(params: CreateChannelParams): Record<string, unknown> {
  if (params === null || typeof params !== 'object') {
    throw new PactArgumentError(
      `channel parameters must be an object with a provider, got ${show(params)}`,
    );
  }
  const provider = requireOneOf('provider', params.provider, PROVIDERS);
  const body: Record<string, unknown> = { ...params };
  if ('sync_messages_from' in params && params.sync_messages_from !== undefined) {
    body.sync_messages_from = toUnixSeconds('sync_messages_from', params.sync_messages_from);
  }
  switch (provider) {
    case 'whatsapp': {
      const { phone, do_not_mark_as_read } = params as WhatsAppChannelParams;
      if (phone !== undefined) body.phone = requirePhone('phone', phone);
      optionalBoolean('do_not_mark_as_read', do_not_mark_as_read);
      break;
    }
    case 'whatsapp_business': {
      const p = params as WhatsAppBusinessTokenParams | WhatsAppBusinessDialog360Params;
      requireOneOf('hosting_type', p.hosting_type, HOSTING);
      if (p.subtype !== undefined) requireOneOf('subtype', p.subtype, SUBTYPES);
      if ('dialog360_channel_id' in p)
        requireString('dialog360_channel_id', p.dialog360_channel_id);
      else if ('token' in p) requireString('token', p.token);
      else
        throw new PactArgumentError(
          'whatsapp_business needs a token or a dialog360_channel_id, got neither',
        );
      break;
    }
    case 'avito':
      requireString('login', (params as AvitoChannelParams).login);
      requireString('password', (params as AvitoChannelParams).password);
      break;
    case 'instagram_business': {
      const p = params as InstagramBusinessChannelParams;
      requireString('private_api_token', p.private_api_token);
      requireString('token', p.token);
      requireString('phone', p.phone);
      if (p.data === null || typeof p.data !== 'object') {
        throw new PactArgumentError(
          `data must be the Graph API's /me answer as an object, got ${show(p.data)}`,
        );
      }
      break;
    }
    case 'telegram_personal': {
      const p = params as TelegramPersonalQrParams | TelegramPersonalPhoneParams;
      if ('via_qr_code' in p) {
        if (p.via_qr_code !== true)
          throw new PactArgumentError(`via_qr_code must be true, got ${show(p.via_qr_code)}`);
      } else {
        body.phone = requirePhone('phone', p.phone);
      }
      break;
    }
    default:
      requireString('token', (params as TokenChannelParams).token);
  }
  return body;
}

/** `client.channels`: connecting and managing a company's channels. */
export class ChannelsApi {
  readonly #api: ApiContext;

  constructor(api: ApiContext) {
    this.#api = api;
  }

  #path(options: RequestOptions | undefined, channelId?: unknown, tail = ''): string {
    const base = `${this.#api.companyPath(options)}/channels`;
    return channelId === undefined ? base : `${base}/${requireId('channelId', channelId)}${tail}`;
  }

  /** One page of the company's channels. */
  async list(params?: ListParams, options?: RequestOptions): Promise<Page<Channel>> {
    return fetchPage<Channel>(this.#api, this.#path(options), 'channels', params, options);
  }

  /** Every channel of the company, page after page. */
  iterate(params?: ListParams, options?: RequestOptions): AsyncGenerator<Channel, void, undefined> {
    return iteratePages((p) => this.list(p, options), params);
  }

  /** Connects a channel; the parameters depend on the provider. Pact allows one channel per provider. */
  async create(params: CreateChannelParams, options?: RequestOptions): Promise<ExternalIdResult> {
    const json = channelBody(params);
    return this.#api.call({
      method: 'POST',
      path: this.#path(options),
      json,
      effect: 'create',
      options,
      read: externalIdAnswer('channels.create'),
    });
  }

  /** Changes a channel's credentials (a token, or login and password). */
  async update(
    channelId: number,
    params: UpdateChannelParams,
    options?: RequestOptions,
  ): Promise<ExternalIdResult> {
    const path = this.#path(options, channelId);
    if (params === null || typeof params !== 'object' || Object.keys(params).length === 0) {
      throw new PactArgumentError(
        `channel update needs at least one parameter (token, or login and password), got ${show(params)}`,
      );
    }
    return this.#api.call({
      method: 'PUT',
      path,
      json: params,
      effect: 'update',
      options,
      read: externalIdAnswer('channels.update'),
    });
  }

  /** Deletes (disables) a channel. */
  async delete(channelId: number, options?: RequestOptions): Promise<void> {
    await this.#api.call({
      method: 'DELETE',
      path: this.#path(options, channelId),
      effect: 'update',
      options,
      read: noAnswer('channels.delete'),
    });
  }

  /** Asks for an authorization code: WhatsApp shows one to type in the app, Telegram sends one to the phone, Instagram sends a challenge or two-factor code. */
  requestCode(
    channelId: number,
    params: { provider: 'whatsapp' },
    options?: RequestOptions,
  ): Promise<WhatsAppCodeResult>;
  requestCode(
    channelId: number,
    params: { provider: 'telegram_personal' },
    options?: RequestOptions,
  ): Promise<TelegramCodeResult>;
  requestCode(
    channelId: number,
    params:
      | { provider: 'instagram'; challenge_variant: number }
      | { provider: 'instagram'; challenge_type: 'two_factor' },
    options?: RequestOptions,
  ): Promise<InstagramCodeResult>;
  async requestCode(
    channelId: number,
    params: RequestCodeParams,
    options?: RequestOptions,
  ): Promise<WhatsAppCodeResult | TelegramCodeResult | InstagramCodeResult> {
    const path = this.#path(options, channelId, '/request_code');
    requireOneOf('provider', params?.provider, [
      'whatsapp',
      'telegram_personal',
      'instagram',
    ] as const);
    if (params.provider === 'instagram') {
      const p = params as { challenge_variant?: unknown; challenge_type?: unknown };
      if (p.challenge_type !== undefined)
        requireOneOf('challenge_type', p.challenge_type, ['two_factor'] as const);
      else if (typeof p.challenge_variant !== 'number' || !Number.isInteger(p.challenge_variant)) {
        throw new PactArgumentError(
          `instagram request_code needs challenge_variant (an integer) or challenge_type "two_factor", got ${show(p.challenge_variant)}`,
        );
      }
    }
    const { provider } = params;
    return this.#api.call({
      method: 'POST',
      path,
      json: params,
      effect: 'create',
      options,
      read: (body) => {
        const answer = objectAnswer('channels.requestCode', body);
        // What each provider's answer is for: the code to type, the code's session, the outcome.
        if (provider === 'whatsapp' && typeof answer.code !== 'string')
          missing('channels.requestCode', 'code (the code to type into WhatsApp)', body);
        if (
          provider === 'telegram_personal' &&
          answer.code_length === undefined &&
          answer.session_id === undefined
        )
          missing('channels.requestCode', 'code_length or session_id', body);
        if (provider === 'instagram' && typeof answer.result !== 'string')
          missing('channels.requestCode', 'result', body);
        return answer as unknown as WhatsAppCodeResult | TelegramCodeResult | InstagramCodeResult;
      },
    });
  }

  /** Submits the code (or password) that `requestCode` led to. May answer with a further step to take. */
  async confirm(
    channelId: number,
    params: ConfirmParams,
    options?: RequestOptions,
  ): Promise<ConfirmResult> {
    const path = this.#path(options, channelId, '/confirm');
    requireOneOf('provider', params?.provider, ['telegram_personal', 'instagram'] as const);
    if (params.provider === 'telegram_personal') {
      requireOneOf('confirmation_type', params.confirmation_type, ['code', 'password'] as const);
      if (params.confirmation_type === 'code' && !/^\d+$/.test(String(params.code))) {
        throw new PactArgumentError(`code must be the digits received, got ${show(params.code)}`);
      }
      if (params.confirmation_type === 'password') requireString('password', params.password);
    } else {
      requireString('confirmation_code', params.confirmation_code);
      if ('confirmation_type' in params) {
        requireOneOf('confirmation_type', params.confirmation_type, ['two_factor'] as const);
        if (!Number.isInteger(params.confirmation_variant)) {
          throw new PactArgumentError(
            `confirmation_variant must be an integer, got ${show(params.confirmation_variant)}`,
          );
        }
      }
    }
    return this.#api.call({
      method: 'POST',
      path,
      json: confirmBody(params),
      effect: 'create',
      options,
      read: (body) => {
        const answer = objectAnswer('channels.confirm', body);
        if (typeof answer.result !== 'string') missing('channels.confirm', 'result', body);
        return answer as unknown as ConfirmResult;
      },
    });
  }

  /** Instagram Business step 4: picks the Facebook page (`page_id`) whose Instagram account to use. */
  async enableInstagramPage(
    channelId: number,
    params: { page_id: string | number; sync_period: InstagramSyncPeriod },
    options?: RequestOptions,
  ): Promise<unknown> {
    const path = this.#path(options, channelId, '/enable_page_instagram');
    if (params?.page_id === undefined || String(params.page_id) === '') {
      throw new PactArgumentError(
        `page_id must be the id of a page from the create step, got ${show(params?.page_id)}`,
      );
    }
    requireOneOf('sync_period', params.sync_period, ['day', 'week', 'month', 'all'] as const);
    // The reference gives the parameters in the query string and no method; POST, as it changes the channel.
    return this.#api.call({
      method: 'POST',
      path: path + queryString({ page_id: params.page_id, sync_period: params.sync_period }),
      effect: 'update',
      options,
      read: (body) => {
        noAnswer('channels.enableInstagramPage')(body);
        return body;
      },
    });
  }

  /**
   * Writes first to a phone number: text on WhatsApp, a template on WhatsApp Business. Returns the
   * delivery job; the `job`/`executed` webhook reports the outcome.
   */
  async sendFirstMessage(
    channelId: number,
    params: FirstMessageParams,
    options?: RequestOptions,
  ): Promise<Job> {
    const path = this.#path(options, channelId, '/conversations');
    const phone = requirePhone('phone', params?.phone);
    let json: Record<string, unknown>;
    const { template } = params;
    if (template !== undefined) {
      if (params.message !== undefined) {
        throw new PactArgumentError(
          'a first message takes a template (WhatsApp Business) or a message (text), not both: the template is what WhatsApp Business delivers, so the text would be lost',
        );
      }
      requireString('template.id', template?.id);
      requireString('template.language_code', template?.language_code);
      if (!Array.isArray(template.parameters)) {
        throw new PactArgumentError(
          `template.parameters must be an array of strings, got ${show(template.parameters)}`,
        );
      }
      json = { phone, template };
    } else {
      const message = requireString('message', params.message);
      // The reference names the field `message` in its table and `text` in its example: send both.
      json = { phone, message, text: message };
    }
    return this.#api.call({
      method: 'POST',
      path,
      json,
      effect: 'create',
      budgetKey: this.#api.budgetKey(options),
      options,
      read: jobAnswer('channels.sendFirstMessage'),
    });
  }

  /** Whether a phone number has a WhatsApp account. */
  async userExists(channelId: number, phone: string, options?: RequestOptions): Promise<boolean> {
    const path =
      this.#path(options, channelId, '/user_exists') +
      queryString({ phone: requirePhone('phone', phone) });
    return this.#api.call({
      method: 'GET',
      path,
      effect: 'read',
      options,
      read: (body) => {
        // The reference puts `exists` beside `status`; `data.exists` is read as well.
        const exists =
          objectAnswer('channels.userExists', body).exists ?? asRecord(dataOf(body))?.exists;
        if (typeof exists !== 'boolean')
          missing('channels.userExists', 'exists (true or false)', body);
        return exists;
      },
    });
  }
}
