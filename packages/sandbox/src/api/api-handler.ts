import type http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ApiCallEvent } from '../events.js';
import { drawFault, type Fault, type Faults } from '../faults.js';
import { sendJson } from '../server/http-util.js';
import { ApiError } from './api-error.js';
import type { ApiDialect } from './dialect.js';
import { readApiRequest, type BodyLimits } from './read-request.js';
import { findRoute, type ApiServices } from './router.js';
import { givenToken, loggedPath, redactToken, tokenProblem } from './token.js';
import { RateLimiter } from './v2/rate-limits.js';
import { V1_DIALECT } from './v1-dialect.js';

/** Every route of the emulated API v1. */
export const API_ROUTES = V1_DIALECT.routes;

/** Options of {@link createApiHandler}. */
export interface ApiHandlerOptions {
  /** Which of Pact's APIs it answers. Default v1. */
  dialect?: ApiDialect | undefined;
  token: string;
  services: ApiServices;
  limits: BodyLimits;
  /** The fault settings in force. */
  faults(): Readonly<Faults>;
  /** Whether Pact's rate limits of the endpoints are enforced right now. */
  rateLimits?: (() => boolean) | undefined;
  random?: (() => number) | undefined;
  /** Reports every call, once answered. */
  onCall(call: Omit<ApiCallEvent, 'id'>): void;
}

/**
 * Answers calls to Pact's API as Pact would: faults first (latency, a reset connection, 429, 5xx),
 * then the token (401), then the body and the route (400, 404, 405, 413, 415), then the
 * endpoint's rate limit (429), then the route's answer. Every call is reported, with the token
 * masked.
 */
export function createApiHandler(
  options: ApiHandlerOptions,
): (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => Promise<void> {
  const dialect = options.dialect ?? V1_DIALECT;
  const limiter = new RateLimiter();
  const authenticate = (given: unknown) => {
    const problem = tokenProblem(given, options.token);
    if (problem) throw dialect.tokenError(problem);
  };
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
      if (fault) throw dialect.faultError(fault);
      if (!dialect.tokenInBody) authenticate(givenToken(req, url));
      const call = await readApiRequest(req, url, options.limits);
      request = call.loggedBody;
      if (dialect.tokenInBody) authenticate(givenToken(req, url) ?? call.bodyToken);
      const { route, segments } = findRoute(dialect.routes, method, url.pathname, dialect.name);
      if (route.rateLimit && (options.rateLimits?.() ?? false)) {
        const wait = limiter.take(`${route.method} ${route.pattern}`, route.rateLimit);
        if (wait !== undefined) throw new ApiError(429, `Please wait for ${wait} seconds`);
      }
      const answer = await route.handler({ request: call, segments, services: options.services });
      status = answer.status ?? 200;
      body = answer.body;
    } catch (error) {
      const failure =
        error instanceof ApiError
          ? error
          : new ApiError(500, `the sandbox failed on this call: ${(error as Error).message}`);
      status = failure.status;
      headers = failure.headers;
      body = dialect.errorBody(failure);
    }
    if (body === undefined) res.writeHead(status, { 'cache-control': 'no-store' }).end();
    else sendJson(res, status, body, headers);
    report(status, body, fault?.kind);
  };
}
