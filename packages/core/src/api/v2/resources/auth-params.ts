import { PactArgumentError } from '../../errors.js';
import { requirePhone } from '../../resources/phone.js';
import { requireOneOf, requireString, show } from '../../validate.js';
import type { V2CreateAuthParams } from '../types.js';

/** What each provider takes on create, by the reference's per-provider table. */
const PROVIDERS = {
  whatsapp: { phone: true, sync: true, token: false },
  telegram_personal: { phone: true, sync: true, token: false },
  max: { phone: false, sync: true, token: false },
  vkontakte: { phone: false, sync: true, token: false },
  instagram_business: { phone: false, sync: true, token: false },
  telegram: { phone: false, sync: false, token: true },
  viber: { phone: false, sync: false, token: true },
  odnoklassniki: { phone: false, sync: false, token: true },
  max_bot: { phone: false, sync: false, token: true },
  vkontakte_direct: { phone: false, sync: true, token: true },
  facebook: { phone: false, sync: false, token: false },
  whatsapp_business: { phone: false, sync: false, token: false },
  avito: { phone: false, sync: false, token: false },
  custom: { phone: false, sync: false, token: false },
} as const;

type KnownProvider = keyof typeof PROVIDERS;
const NAMES = Object.keys(PROVIDERS) as KnownProvider[];

function providersWith(flag: 'phone' | 'sync' | 'token'): string {
  return NAMES.filter((p) => PROVIDERS[p][flag]).join(', ');
}

/**
 * Checks create parameters against the provider's row of the reference and builds the body: a
 * parameter the provider does not take is refused, since Pact would ignore it silently.
 */
export function createAuthBody(params: V2CreateAuthParams): Record<string, unknown> {
  if (params === null || typeof params !== 'object') {
    throw new PactArgumentError(
      `auth parameters must be an object like { provider: "whatsapp" }, got ${show(params)}`,
    );
  }
  const provider = requireOneOf('provider', params.provider, NAMES);
  const takes = PROVIDERS[provider];
  const given = params as { phone_number?: unknown; sync_period?: unknown; token?: unknown };
  const body: Record<string, unknown> = { provider };
  if (given.phone_number !== undefined) {
    if (!takes.phone) {
      throw new PactArgumentError(
        `phone_number selects code confirmation, which only ${providersWith('phone')} have; ${provider} does not take it`,
      );
    }
    body.phone_number = requirePhone('phone_number', given.phone_number);
  }
  if (given.sync_period !== undefined) {
    if (!takes.sync) {
      throw new PactArgumentError(
        `sync_period works only for ${providersWith('sync')}; ${provider} does not take it`,
      );
    }
    body.sync_period = requireOneOf('sync_period', given.sync_period, [
      'day',
      'week',
      'month',
    ] as const);
  }
  if (takes.token) body.token = requireString('token', given.token);
  else if (given.token !== undefined) {
    throw new PactArgumentError(
      `token is taken by ${providersWith('token')} only; ${provider} connects without one`,
    );
  }
  return body;
}
