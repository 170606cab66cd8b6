import { PROVIDERS } from '../../channels.js';
import { ApiError } from '../api-error.js';
import { paginate } from '../pagination.js';
import type { Route } from '../router.js';
import { channelShape, jobShape } from '../shapes.js';
import { channelOf, companyOf, listBody } from './lookup.js';

/**
 * `/p1/companies/:company/channels`: list, create, and delivery jobs. The sandbox has no
 * messengers to authorize, so it asks only for `provider`; channels also appear on their own when
 * a customer first writes from one.
 */
export const channelRoutes: Route[] = [
  {
    method: 'GET',
    pattern: '/p1/companies/:company/channels',
    handler: (ctx) => {
      const company = companyOf(ctx);
      const channels = ctx.services.store.channels(company.external_id);
      const page = paginate(channels, (c) => c.external_id, ctx.request.params);
      return { body: listBody('channels', page.items.map(channelShape), page.nextPage) };
    },
  },
  {
    method: 'POST',
    pattern: '/p1/companies/:company/channels',
    handler: (ctx) => {
      const company = companyOf(ctx);
      const provider = ctx.request.params.oneOf('provider', PROVIDERS, { required: true })!;
      const { store } = ctx.services;
      const existing = store.findChannel(company.external_id, provider);
      if (existing) {
        throw new ApiError(
          400,
          `company ${company.external_id} has a ${provider} channel already (external_id ${existing.external_id}); Pact connects one channel per provider`,
        );
      }
      const channel = store.channelOf(company.external_id, provider);
      return { body: { status: 'created', data: { external_id: channel.external_id } } };
    },
  },
  {
    method: 'GET',
    pattern: '/p1/companies/:company/channels/:channel/jobs/:job',
    handler: (ctx) => {
      const channel = channelOf(ctx);
      const raw = ctx.segments.job ?? '';
      const job = /^\d+$/.test(raw) ? ctx.services.store.job(Number(raw)) : undefined;
      if (!job || job.channel_id !== channel.external_id) {
        throw new ApiError(404, `job ${raw} not found on channel ${channel.external_id}`);
      }
      return { body: { status: 'ok', data: jobShape(job) } };
    },
  },
];
