import { ApiError } from '../api-error.js';
import type { Route } from '../router.js';

/** Endpoints of the reference that set up messengers: there are none to set up in a sandbox. */
const ENDPOINTS: Array<[Route['method'], string]> = [
  ['PUT', '/p1/companies/:company/channels/:channel'],
  ['DELETE', '/p1/companies/:company/channels/:channel'],
  ['GET', '/p1/companies/:company/channels/:channel/user_exists'],
  ['POST', '/p1/companies/:company/channels/:channel/request_code'],
  ['POST', '/p1/companies/:company/channels/:channel/confirm'],
  ['POST', '/p1/companies/:company/channels/:channel/enable_page_instagram'],
  ['PUT', '/p1/companies/:company/conversations/:conversation/toggle_bitrix_block_openlines'],
];

/** Answers 501 for endpoints of Pact's API the sandbox knows but does not emulate. */
export const notEmulatedRoutes: Route[] = ENDPOINTS.map(([method, pattern]) => ({
  method,
  pattern,
  handler: () => {
    throw new ApiError(
      501,
      `the sandbox does not emulate ${method} ${pattern}: it has no messenger accounts to set up`,
    );
  },
}));
