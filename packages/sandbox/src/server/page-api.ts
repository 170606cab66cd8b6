import type http from 'node:http';
import { ApiError, erroredBody } from '../api/api-error.js';
import { readApiRequest, type BodyLimits } from '../api/read-request.js';
import { CHANNEL_LABELS } from '../channels.js';
import type { ConversationView } from '../chat-view.js';
import type { Customer } from '../customer.js';
import type { ChannelRecord } from '../store/records.js';
import type { Faults } from '../faults.js';
import type { Duration } from '../util/duration.js';
import { sendJson } from './http-util.js';
import type { PageEvents, PageSnapshot } from './page-wire.js';
import type { SseHub } from './sse.js';

export type { PageSnapshot } from './page-wire.js';

/** What the page's endpoints need from the sandbox. */
export interface PageApiDeps {
  sse: SseHub<PageEvents>;
  snapshot(): PageSnapshot;
  customer(conversationId: number): Customer | undefined;
  newCustomer(channel: unknown, name: unknown): Customer;
  setFaults(change: unknown): Faults;
  /** Completes an auth's OAuth, as the provider's page would (v2); undefined when there is no such auth. */
  completeOAuth(authId: number): ChannelRecord | undefined;
  /** The view of a conversation of the company, now (its clock, its window). */
  conversationView(conversationId: number): ConversationView | undefined;
  limits: BodyLimits;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The provider's OAuth page, in the sandbox: opening it connects the auth. */
function oauthPage(res: http.ServerResponse, channel: ChannelRecord | undefined, id: number): void {
  const text = channel
    ? `${CHANNEL_LABELS[channel.provider]} is connected to company ${channel.company_id} (auth ${channel.external_id}). You can close this tab.`
    : `There is no auth ${id} waiting for OAuth in this sandbox.`;
  const html = `<!doctype html><html lang="en"><meta charset="utf-8"><title>pactbot sandbox · OAuth</title><p>${escapeHtml(text)}</p></html>`;
  res.writeHead(channel ? 200 : 404, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
  });
  res.end(html);
}

const MAX_TEXT = 10_000;

function fail(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(400, (error as Error).message);
}

/** Starts a customer's message and answers at once; the page sees it arrive over its stream. */
async function customerWrites(deps: PageApiDeps, req: http.IncomingMessage, url: URL, id: number) {
  const customer = deps.customer(id);
  if (!customer) throw new ApiError(404, `conversation ${id} not found`);
  const { params, files } = await readApiRequest(req, url, deps.limits);
  const file = files.get('file');
  const text = params.string('text', { max: MAX_TEXT });
  const location = params.object('location');
  const done = (written: Promise<unknown>) => void written.catch(() => undefined);
  if (file) {
    done(
      customer.sendFile({ data: file.bytes, name: file.name, type: file.type }, { caption: text }),
    );
  } else if (location) {
    const latitude = Number(location.latitude);
    const longitude = Number(location.longitude);
    if (!(Math.abs(latitude) <= 90) || !(Math.abs(longitude) <= 180)) {
      throw new ApiError(400, 'location needs latitude (−90…90) and longitude (−180…180)');
    }
    done(customer.sendLocation({ latitude, longitude }));
  } else if (text !== undefined && text.trim() !== '') {
    done(customer.write(text));
  } else {
    throw new ApiError(400, 'a message needs text, a file or a location');
  }
  return { status: 202, body: { ok: true } };
}

/** Moves a conversation's clock forward by `advance` (`'1h'`, `'25h'`, ms); answers its view now. */
async function advanceClock(deps: PageApiDeps, req: http.IncomingMessage, url: URL, id: number) {
  const customer = deps.customer(id);
  if (!customer) throw new ApiError(404, `conversation ${id} not found`);
  const { params } = await readApiRequest(req, url, deps.limits);
  try {
    customer.advance(params.values.advance as Duration);
  } catch (error) {
    throw fail(error);
  }
  return deps.conversationView(id);
}

/**
 * The page's own endpoints, under `/sandbox/`: its event stream, the state, new customers, what
 * customers write, a conversation's clock, the fault settings, and the OAuth pages of v2 auths. They need no token: the sandbox listens on localhost.
 */
export function createPageApi(
  deps: PageApiDeps,
): (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => Promise<void> {
  return async (req, res, url) => {
    const route = `${req.method ?? 'GET'} ${url.pathname.replace(/\/+$/, '')}`;
    try {
      if (route === 'GET /sandbox/events') {
        deps.sse.open(req, res, { event: 'snapshot', data: deps.snapshot() });
        return;
      }
      if (route === 'GET /sandbox/state') return sendJson(res, 200, deps.snapshot());
      const oauth = /^GET \/sandbox\/oauth\/(\d+)$/.exec(route);
      if (oauth) {
        const id = Number(oauth[1]);
        return oauthPage(res, deps.completeOAuth(id), id);
      }
      if (route === 'POST /sandbox/customers') {
        const { params } = await readApiRequest(req, url, deps.limits);
        let customer: Customer;
        try {
          customer = deps.newCustomer(params.values.channel, params.values.name);
        } catch (error) {
          throw fail(error);
        }
        return sendJson(res, 201, { conversationId: customer.conversationId });
      }
      if (route === 'PUT /sandbox/faults') {
        const { params } = await readApiRequest(req, url, deps.limits);
        let faults: Faults;
        try {
          faults = deps.setFaults(params.values);
        } catch (error) {
          throw fail(error);
        }
        return sendJson(res, 200, faults);
      }
      const clock = /^POST \/sandbox\/conversations\/(\d+)\/clock$/.exec(route);
      if (clock) {
        const answer = await advanceClock(deps, req, url, Number(clock[1]));
        return sendJson(res, 200, answer);
      }
      const write = /^POST \/sandbox\/conversations\/(\d+)\/messages$/.exec(route);
      if (write) {
        const answer = await customerWrites(deps, req, url, Number(write[1]));
        return sendJson(res, answer.status, answer.body);
      }
      throw new ApiError(404, `the page has no endpoint ${route}`);
    } catch (error) {
      const failure = fail(error);
      sendJson(res, failure.status, erroredBody(failure.message), failure.headers);
    }
  };
}
