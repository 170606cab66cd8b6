import { AUTH_PROVIDERS, TOKEN_PROVIDERS } from '../../../auth-flows.js';
import type { ChannelRecord } from '../../../store/records.js';
import { ApiError } from '../../api-error.js';
import type { Route, RouteContext } from '../../router.js';
import { companyPath } from '../lookup.js';
import { numberedPage } from '../pagination.js';
import { authV2 } from '../shapes.js';

function bad(message: string): ApiError {
  return new ApiError(400, message);
}

function authOf(ctx: RouteContext): ChannelRecord {
  const company = companyPath(ctx);
  const raw = ctx.segments.auth ?? '';
  const channel = /^\d+$/.test(raw) ? ctx.services.store.channel(Number(raw)) : undefined;
  if (!channel || channel.company_id !== company.external_id) {
    throw new ApiError(404, `auth ${raw} not found in company ${company.external_id}`);
  }
  return channel;
}

function listOf(ctx: RouteContext, channels: ChannelRecord[]) {
  const page = numberedPage(channels, ctx.request.params, 25);
  return { body: { auths: page.items.map(authV2), meta: page.meta } };
}

/**
 * `/api/p2/companies/:company/auths` and `/api/p2/auths`: v2's connected messenger accounts (v1's
 * channels; one per provider). The reference documents no answers here; the sandbox answers
 * `{"auths":[…],"meta":…}` for lists, `{"auth":{…}}` for create (with `qr`, `code` or
 * `oauth_provider_url` when confirming needs one), enable and disable, and 204 for delete.
 */
export const authRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/api/p2/companies/:company/auths',
    handler: (ctx) => listOf(ctx, ctx.services.store.channels(companyPath(ctx).external_id)),
  },
  {
    method: 'GET',
    pattern: '/api/p2/auths',
    handler: (ctx) => {
      const { store } = ctx.services;
      const ids = ctx.request.params.ids('company_ids', 'a company id');
      if (!ids || ids.length === 0) throw bad('company_ids is required: the ids of the companies');
      for (const id of ids) {
        if (!store.company(id)) throw new ApiError(404, `company ${id} of company_ids not found`);
      }
      return listOf(
        ctx,
        ids.flatMap((id) => store.channels(id)),
      );
    },
  },
  {
    method: 'POST',
    pattern: '/api/p2/companies/:company/auths',
    handler: (ctx) => {
      const company = companyPath(ctx);
      const { params } = ctx.request;
      const provider = params.oneOf('provider', AUTH_PROVIDERS, { required: true })!;
      const syncPeriod = params.oneOf('sync_period', ['day', 'week', 'month'] as const);
      const phoneNumber = params.string('phone_number')?.replace(/^\+/, '');
      if (phoneNumber !== undefined && !/^\d{5,15}$/.test(phoneNumber)) {
        throw bad(
          `phone_number must be digits with the country code first, got ${JSON.stringify(phoneNumber)}`,
        );
      }
      if (TOKEN_PROVIDERS.includes(provider) && params.string('token') === undefined) {
        throw bad(`token is required to connect ${provider}: the bot's token from the messenger`);
      }
      const existing = ctx.services.store.findChannel(company.external_id, provider);
      if (existing) {
        throw bad(
          `company ${company.external_id} has a ${provider} auth already (id ${existing.external_id}); Pact connects one per provider`,
        );
      }
      const { channel, progress } = ctx.services.auths.create(company.external_id, {
        provider,
        phoneNumber,
        syncPeriod,
      });
      return { body: { auth: { ...authV2(channel), ...progress } } };
    },
  },
  {
    method: 'PUT',
    pattern: '/api/p2/companies/:company/auths/:auth/enable',
    handler: (ctx) => {
      const channel = authOf(ctx);
      const { auths } = ctx.services;
      if (auths.waitsForCode(channel)) {
        if (ctx.request.params.string('code') === undefined) {
          throw bad('code is required: the one Telegram sent to the phone (the sandbox takes any)');
        }
      } else if (channel.state === 'initial') {
        throw bad(
          `auth ${channel.external_id} is still being confirmed: scan its QR code, or open its oauth_provider_url`,
        );
      }
      auths.enable(channel);
      return { body: { auth: authV2(channel) } };
    },
  },
  {
    method: 'PUT',
    pattern: '/api/p2/companies/:company/auths/:auth/disable',
    handler: (ctx) => {
      const channel = authOf(ctx);
      ctx.services.auths.disable(channel);
      return { body: { auth: authV2(channel) } };
    },
  },
  {
    method: 'DELETE',
    pattern: '/api/p2/companies/:company/auths/:auth',
    handler: (ctx) => {
      ctx.services.auths.remove(authOf(ctx));
      return { status: 204, body: undefined };
    },
  },
];
