/**
 * The two API clients (openapi-fetch, typed by the generated OpenAPI documents in generated/):
 * - `control`: the control API on this origin (paths `/api/control/v1/...` as its document names
 *   them, so the base is this origin), authenticated by the dashboard
 *   session cookie (`credentials: 'same-origin'`); unsafe methods carry `x-tessera-csrf`, the value
 *   `/me` returned.
 * - `managementClient(tenant)`: that tenant's Management API (`management_api` of its token), with
 *   the in-memory per-tenant bearer token; a 401 gets one retry with a fresh token, then sign-in.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { ControlPaths } from './control';
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

export const control = createClient<ControlPaths>({ baseUrl: '', credentials: 'same-origin' });
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
      return await call(() => control.POST('/api/control/v1/tenants/{name}/token', { params: { path: { name: tenant } } }));
    } catch (error) {
      if ((error as { status?: number }).status === 401) redirectToSignIn();
      throw error;
    }
  },
);

/**
 * Signs out: `POST /auth/logout` (204) ends the dashboard session and the admin tenant's hosted-login
 * session behind it, so the next sign-in asks for the password again. Then the tokens are forgotten
 * and the app reloads at `/`, whose `GET /me` answers 401 and starts a new sign-in.
 */
export async function signOut(): Promise<void> {
  tenantTokens.clear();
  await call(() => control.POST('/api/control/v1/auth/logout')).catch(() => undefined);
  setCsrfToken(undefined);
  window.location.assign('/');
}

/** After the current session was ended some other way (revoked from the sessions list): reload into sign-in. */
export function forgetSession(): void {
  tenantTokens.clear();
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
