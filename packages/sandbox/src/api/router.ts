import type { Emulator } from '../emulator.js';
import type { SandboxStore } from '../store/store.js';
import type { CompanyRecord } from '../store/records.js';
import { ApiError } from './api-error.js';
import type { ApiRequest } from './read-request.js';

/** What route handlers work with besides the request. */
export interface ApiServices {
  store: SandboxStore;
  emulator: Emulator;
  /** The URL the sandbox serves an uploaded file at. */
  fileUrl: (id: number, fileName: string) => string;
  /** A company's webhook URL was set or changed: Pact probes it. */
  webhookUrlChanged: (company: CompanyRecord) => void;
}

/** A call being answered: the request, its path's ids, and the services. */
export interface RouteContext {
  request: ApiRequest;
  /** The path's `:name` segments, as written. */
  segments: Readonly<Record<string, string>>;
  services: ApiServices;
}

/** What a handler answers: a status (200 by default) and a JSON body. */
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
  throw new ApiError(404, `there is no endpoint ${method} ${path} in Pact's API v1`);
}
