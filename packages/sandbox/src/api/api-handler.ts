import type http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ApiCallEvent } from '../events.js';
import { drawFault, type Fault, type Faults } from '../faults.js';
import { sendJson } from '../server/http-util.js';
import { ApiError, erroredBody } from './api-error.js';
import { readApiRequest, type BodyLimits } from './read-request.js';
import { findRoute, type ApiServices, type Route } from './router.js';
import { attachmentRoutes } from './routes/attachments.js';
import { channelRoutes } from './routes/channels.js';
import { companyRoutes } from './routes/companies.js';
import { conversationRoutes } from './routes/conversations.js';
import { messageRoutes } from './routes/messages.js';
import { notEmulatedRoutes } from './routes/not-emulated.js';
import { templateRoutes } from './routes/templates.js';
import { checkToken, loggedPath, redactToken } from './token.js';

/** Every route of the emulated API. */
export const API_ROUTES: readonly Route[] = [
  ...companyRoutes,
  ...channelRoutes,
  ...conversationRoutes,
  ...messageRoutes,
  ...attachmentRoutes,
  ...templateRoutes,
  ...notEmulatedRoutes,
];

/** Options of {@link createApiHandler}. */
export interface ApiHandlerOptions {
  token: string;
  services: ApiServices;
  limits: BodyLimits;
  /** The fault settings in force. */
  faults(): Readonly<Faults>;
  random?: (() => number) | undefined;
  /** Reports every call, once answered. */
  onCall(call: Omit<ApiCallEvent, 'id'>): void;
}

function faultError(fault: Exclude<Fault, { kind: 'connection-reset' }>): ApiError {
  if (fault.kind === 'rate-limited') {
    return new ApiError(
      429,
      `Too many requests. Please wait for ${fault.retryAfterSeconds} seconds (the sandbox's rateLimited fault)`,
      { 'retry-after': String(fault.retryAfterSeconds) },
    );
  }
  const reason =
    fault.status === 500
      ? 'Internal Server Error'
      : "We're temporarily offline for maintenance. Please try again later";
  return new ApiError(fault.status, `${reason} (the sandbox's serverErrors fault)`);
}

/**
 * Answers calls to `/p1/…` as Pact would: faults first (latency, a reset connection, 429, 5xx),
 * then the token (401), then the body and the route (400, 404, 405, 413, 415), then the route's
 * answer. Every call is reported, with the token masked.
 */
export function createApiHandler(
  options: ApiHandlerOptions,
): (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => Promise<void> {
  return async (req, res, url) => {
    const startedAt = performance.now();
    const method = req.method ?? 'GET';
    let request: unknown;
    const report = (status: number | null, response: unknown, fault: Fault['kind'] | undefined) =>
      options.onCall({
        at: new Date(),
        method,
        path: loggedPath(url),
        status,
        durationMs: Math.round(performance.now() - startedAt),
        request: redactToken(request, options.token),
        response,
        fault,
      });

    const faults = options.faults();
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    const fault = drawFault(faults, options.random);
    if (fault?.kind === 'connection-reset') {
      req.socket.destroy();
      report(null, undefined, fault.kind);
      return;
    }
    let status = 200;
    let body: unknown;
    let headers: Record<string, string> = {};
    try {
      if (fault) throw faultError(fault);
      checkToken(req, url, options.token);
      const call = await readApiRequest(req, url, options.limits);
      request = call.loggedBody;
      const { route, segments } = findRoute(API_ROUTES, method, url.pathname);
      const answer = await route.handler({ request: call, segments, services: options.services });
      status = answer.status ?? 200;
      body = answer.body;
    } catch (error) {
      if (error instanceof ApiError) {
        status = error.status;
        headers = error.headers;
        body = erroredBody(error.message);
      } else {
        status = 500;
        body = erroredBody(`the sandbox failed on this call: ${(error as Error).message}`);
      }
    }
    sendJson(res, status, body, headers);
    report(status, body, fault?.kind);
  };
}
