/**
 * The fetch behind a tenant's Management API client: each request carries the tenant's in-memory
 * token (TenantTokens); a 401 drops that token and the request is sent once more with a fresh one;
 * a second 401 drops it again and calls `onSignInNeeded` (the account lost access, or its session
 * ended: docs/plans/dashboard.md §1.5). No DOM here: unit-tested in test/unit/dashboard-helpers.test.ts.
 */
import type { TenantTokens } from './tenant-tokens.js';

export interface TenantFetchOptions {
  tokens: Pick<TenantTokens, 'get' | 'invalidate'>;
  fetch: (request: Request) => Promise<Response>;
  onSignInNeeded: () => void;
}

export function tenantFetch(tenant: string, options: TenantFetchOptions): (request: Request) => Promise<Response> {
  const { tokens, fetch, onSignInNeeded } = options;
  const send = async (request: Request) => {
    const token = await tokens.get(tenant);
    request.headers.set('authorization', `Bearer ${token.access_token}`);
    return fetch(request);
  };
  return async (request) => {
    // The retry needs its own copy of the body, taken before the first send reads it.
    const retry = request.clone();
    const first = await send(request);
    if (first.status !== 401) return first;
    tokens.invalidate(tenant);
    const second = await send(retry);
    if (second.status === 401) {
      tokens.invalidate(tenant);
      onSignInNeeded();
    }
    return second;
  };
}
