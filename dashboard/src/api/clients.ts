/**
 * The two API clients (openapi-fetch, typed by the OpenAPI documents):
 * - `control`: the control API on this origin (`/api/control/v1`), authenticated by the dashboard
 *   session cookie (`credentials: 'same-origin'`); unsafe methods carry `x-tessera-csrf`, the value
 *   `/me` returned.
 * - `managementClient(tenant)`: that tenant's Management API (`management_api` of its token), with
 *   the in-memory per-tenant bearer token; a 401 gets one retry with a fresh token, then sign-in.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { paths as ControlPaths } from './control-types';
import type { paths as ManagementPaths } from './generated/management';
import { TenantTokens, type MintedToken } from './tenant-tokens';
import { call } from './errors';
import { tenantFetch } from './tenant-fetch';

export const CONTROL_BASE = '/api/control/v1';
export const CSRF_HEADER = 'x-tessera-csrf';

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

let csrfToken: string | undefined;

/** Remembers the CSRF value of the current session (from `GET /me`). */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

const csrf: Middleware = {
  onRequest({ request }) {
    if (UNSAFE_METHODS.has(request.method.toUpperCase()) && csrfToken) request.headers.set(CSRF_HEADER, csrfToken);
    return request;
  },
};

export const control = createClient<ControlPaths>({ baseUrl: CONTROL_BASE, credentials: 'same-origin' });
control.use(csrf);

/** The URL that starts a dashboard sign-in and comes back to `returnTo` (a path on this origin). */
export function signInUrl(returnTo: string): string {
  const path = returnTo.startsWith('/') && !returnTo.startsWith('//') ? returnTo : '/';
  return `${CONTROL_BASE}/auth/login?return_to=${encodeURIComponent(path)}`;
}

/** Leaves the app for the sign-in flow, coming back to the current page. */
export function redirectToSignIn(): void {
  const { pathname, search, hash } = window.location;
  window.location.assign(signInUrl(`${pathname}${search}${hash}`));
}

export const tenantTokens = new TenantTokens(
  async (tenant: string): Promise<MintedToken> => {
    try {
      return await call(() => control.POST('/tenants/{name}/token', { params: { path: { name: tenant } } }));
    } catch (error) {
      if ((error as { status?: number }).status === 401) redirectToSignIn();
      throw error;
    }
  },
);

/** Signs out: ends the dashboard session on the server, forgets the tokens, and reloads into sign-in. */
export async function signOut(): Promise<void> {
  tenantTokens.clear();
  await fetch(`${CONTROL_BASE}/auth/logout`, {
    method: 'POST',
    credentials: 'same-origin',
    redirect: 'manual',
    headers: csrfToken ? { [CSRF_HEADER]: csrfToken } : {},
  }).catch(() => undefined);
  setCsrfToken(undefined);
  window.location.assign('/');
}

const managementClients = new Map<string, ReturnType<typeof createClient<ManagementPaths>>>();

/**
 * The Management API client of `tenant`, whose `/api/v2` lives at `managementApi`
 * (e.g. `http://acme.localhost:4000/api/v2/`, from `GET /tenants`). Paths are the document's
 * (`/api/v2/users`), so the base is the origin.
 */
export function managementClient(tenant: string, managementApi: string) {
  const baseUrl = new URL(managementApi).origin;
  const key = `${tenant} ${baseUrl}`;
  let client = managementClients.get(key);
  if (!client) {
    client = createClient<ManagementPaths>({
      baseUrl,
      credentials: 'omit',
      fetch: tenantFetch(tenant, { tokens: tenantTokens, fetch: (request) => fetch(request), onSignInNeeded: redirectToSignIn }),
    });
    managementClients.set(key, client);
  }
  return client;
}
