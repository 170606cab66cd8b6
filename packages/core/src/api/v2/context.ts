import type { RequestOptions, ApiCall } from '../request.js';
import type { BudgetClass } from '../rate-budgets.js';

/** Base path of Pact's API v2, on the same origin as v1's `/p1`. */
export const V2_BASE = '/api/p2';

/** What v2 resources need from the client. */
export interface V2Context {
  /** Runs a call with the client's retries, budgets and timeout; resolves with what its `read` makes of the answer. */
  call<T = unknown>(call: ApiCall<T>): Promise<T>;
  /** The call's company: its options' `companyId`, else the client's; a `PactArgumentError` when neither is set. */
  companyId(options?: RequestOptions): number;
  /** The call's company when one is set, else undefined. */
  companyIdIfAny(options?: RequestOptions): number | undefined;
  /** The rate-limit key of the call's company (or of the account, when no company is set) and class. */
  budgetKey(options: RequestOptions | undefined, budget: BudgetClass): string;
}
