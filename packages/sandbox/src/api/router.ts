import type { AuthFlows } from '../auth-flows.js';
import type { Emulator } from '../emulator.js';
import type { SandboxStore } from '../store/store.js';
import type { CompanyRecord, ConversationRecord } from '../store/records.js';
import type { WebhookOutcome } from '../webhooks/outbox.js';
import { ApiError } from './api-error.js';
import type { ApiRequest } from './read-request.js';
import type { RateWindow } from './v2/rate-limits.js';

/** What route handlers work with besides the request. */
export interface ApiServices {
  store: SandboxStore;
  emulator: Emulator;
  /** Connecting, confirming and removing auths (v2). */
  auths: AuthFlows;
  /** The URL the sandbox serves an uploaded file at. */
  fileUrl: (id: number, fileName: string) => string;
  /** Where a customer's avatar is served. */
  avatarUrl: (conversation: ConversationRecord) => string;
  /** A company's webhook URL was set or changed: Pact probes it. */
  webhookUrlChanged: (company: CompanyRecord) => void;
  /** The company's v2 webhooks changed: where its webhooks go may have. */
  targetsChanged: (companyId: number) => void;
  /** Posts Pact's URL test to a v2 company webhook's URL (or to the bot connected in-process), once. */
  testWebhookUrl: (companyId: number, url: string) => Promise<WebhookOutcome>;
}

/** A call being answered: the request, its path's ids, and the services. */
export interface RouteContext {
  request: ApiRequest;
  /** The path's `:name` segments, as written. */
  segments: Readonly<Record<string, string>>;
  services: ApiServices;
}

/** What a handler answers: a status (200 by default) and a JSON body (none for a 204). */
export interface ApiAnswer {
  status?: number;
  body: unknown;
}

/** Answers one route. */
export type RouteHandler = (ctx: RouteContext) => ApiAnswer | Promise<ApiAnswer>;

/** A route: method, a path pattern with `:name` segments, and its handler. */
export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  pattern: string;
  handler: RouteHandler;
  /** Pact's rate limits of the endpoint (v2), counted per endpoint and token. */
  rateLimit?: readonly RateWindow[] | undefined;
}

function match(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.replace(/\/+$/, '').split('/');
  if (want.length !== got.length) return undefined;
  const segments: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const part = want[i]!;
    if (part.startsWith(':')) segments[part.slice(1)] = decodeURIComponent(got[i]!);
    else if (part !== got[i]) return undefined;
  }
  return segments;
}

/**
 * Finds the route of a call. A path no route has is a 404; a path with routes for other methods
 * is a 405 that lists them in `Allow`.
 */
export function findRoute(
  routes: readonly Route[],
  method: string,
  path: string,
  apiName = "Pact's API v1",
): { route: Route; segments: Record<string, string> } {
  const allowed: string[] = [];
  for (const route of routes) {
    const segments = match(route.pattern, path);
    if (!segments) continue;
    if (route.method === method) return { route, segments };
    allowed.push(route.method);
  }
  if (allowed.length > 0) {
    throw new ApiError(405, `${method} is not allowed on ${path}; use ${allowed.join(' or ')}`, {
      allow: allowed.join(', '),
    });
  }
  throw new ApiError(404, `there is no endpoint ${method} ${path} in ${apiName}`);
}
