/**
 * A tenant's Management API, one object per tenant for every per-tenant screen and the navigation:
 * - `client`: the typed openapi-fetch client (api/clients.ts `managementClient`), paths and bodies
 *   from the generated OpenAPI types (api/generated/management.ts);
 * - `get/post/patch/delete`: the same API by path, for screens that build paths at run time;
 *   answers and Auth0-format errors become data or ApiRequestError;
 * - `scopes` / `can(...)`: what the member's dashboard token holds (the API refuses the rest anyway).
 * Both ways go through tenantFetch: the in-memory bearer token, one retry on 401, then sign-in.
 * `useTenantApiQuery(tenant)` resolves it (the tenant's `management_api` from the control API and the
 * token's scopes), cached per tenant; `TenantApiLayout` provides it to the routes below it
 * (`useTenantApi()`), `WithTenantApi` to its children.
 */
import { createContext, useContext, type ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Outlet, useOutletContext, useParams } from 'react-router';
import { QueryState } from '../components/QueryState';
import { control, managementClient, redirectToSignIn, tenantTokens } from './clients';
import { ApiRequestError, call } from './errors';
import type { paths } from './generated/management';
import { tenantFetch } from './tenant-fetch';
import { hasAnyScope, parseScopes } from '../lib/tenant-screens';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
export type Client = Json<paths['/api/v2/clients/{id}']['get']['responses'][200]>;
export type ClientGrant = Json<paths['/api/v2/client-grants/{id}']['get']['responses'][200]>;
export type ResourceServer = Json<paths['/api/v2/resource-servers/{id}']['get']['responses'][200]>;
export type User = Json<paths['/api/v2/users/{id}']['get']['responses'][200]>;
export type ClientPatch = Json<paths['/api/v2/clients/{id}']['patch']['requestBody']>;
export type ResourceServerPatch = Json<paths['/api/v2/resource-servers/{id}']['patch']['requestBody']>;
export type UserPatch = Json<paths['/api/v2/users/{id}']['patch']['requestBody']>;

export type Query = Record<string, string | number | boolean | undefined>;
export type ManagementClient = ReturnType<typeof managementClient>;

export class TenantApi {
  private readonly send: (request: Request) => Promise<Response>;
  readonly origin: string;
  readonly client: ManagementClient;

  constructor(
    readonly tenant: string,
    /** The tenant's Management API identifier, e.g. `http://acme.localhost:4000/api/v2/`. */
    managementApi: string,
    readonly scopes: ReadonlySet<string>,
  ) {
    this.origin = new URL(managementApi).origin;
    this.client = managementClient(tenant, managementApi);
    this.send = tenantFetch(tenant, { tokens: tenantTokens, fetch: (request) => fetch(request), onSignInNeeded: redirectToSignIn });
  }

  /** True when the token holds any of these scopes. */
  can(...anyOf: string[]): boolean {
    return hasAnyScope(this.scopes, anyOf);
  }

  async request<T>(method: string, path: string, options: { query?: Query; body?: unknown } = {}): Promise<T> {
    const url = new URL(`/api/v2${path}`, this.origin);
    for (const [key, value] of Object.entries(options.query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
    const init: RequestInit = { method, credentials: 'omit', headers: { accept: 'application/json' } };
    if (options.body !== undefined) {
      init.body = JSON.stringify(options.body);
      init.headers = { accept: 'application/json', 'content-type': 'application/json' };
    }
    let response: Response;
    try {
      response = await this.send(new Request(url, init));
    } catch {
      throw new ApiRequestError(0, undefined);
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (!response.ok) throw new ApiRequestError(response.status, typeof body === 'object' && body !== null ? (body as never) : undefined);
    return body as T;
  }

  get<T>(path: string, query?: Query) {
    return this.request<T>('GET', path, query ? { query } : {});
  }
  post<T>(path: string, body?: unknown) {
    return this.request<T>('POST', path, { body: body ?? {} });
  }
  patch<T>(path: string, body: unknown) {
    return this.request<T>('PATCH', path, { body });
  }
  delete(path: string, body?: unknown) {
    return this.request<void>('DELETE', path, body === undefined ? {} : { body });
  }
}

/** Every item of an offset-paged Management API list (`include_totals=true`, 100 a page, at most `max`). */
export async function listAll<T>(api: TenantApi, path: string, key: string, query: Query = {}, max = 1000): Promise<T[]> {
  const items: T[] = [];
  for (let page = 0; items.length < max; page += 1) {
    const answer = await api.get<Record<string, unknown> & { total?: number }>(path, { ...query, page, per_page: 100, include_totals: true });
    const chunk = (answer[key] as T[] | undefined) ?? [];
    items.push(...chunk);
    if (chunk.length < 100 || (answer.total !== undefined && items.length >= answer.total)) break;
  }
  return items;
}

export function tenantApiKey(tenant: string) {
  return ['tenant-api', tenant] as const;
}

/** The tenant's API object, once its Management API address and the token's scopes are known. */
export function useTenantApiQuery(tenant: string) {
  return useQuery({
    queryKey: tenantApiKey(tenant),
    queryFn: async (): Promise<TenantApi> => {
      const summary = await call(() => control.GET('/api/control/v1/tenants/{name}', { params: { path: { name: tenant } } }));
      const token = await tenantTokens.get(tenant);
      return new TenantApi(tenant, summary.management_api, parseScopes(token.scope));
    },
    staleTime: 5 * 60_000,
    // Not plain data: keep the object as it is.
    structuralSharing: false,
    enabled: tenant !== '',
  });
}

const TenantApiContext = createContext<TenantApi | null>(null);

export function useTenantApi(): TenantApi {
  const api = useContext(TenantApiContext);
  if (!api) throw new Error('useTenantApi outside TenantApiLayout');
  return api;
}

/** Layout route for `/t/:tenant/...` screens that use the Management API. */
export function TenantApiLayout() {
  const name = useParams().tenant ?? '';
  // The shell's outlet context (the signed-in account, app/session.tsx useAccount) reaches the screens below.
  const account = useOutletContext();
  return (
    <WithTenantApi tenant={name}>
      {(api) => (
        <TenantApiContext.Provider value={api}>
          <Outlet context={account} />
        </TenantApiContext.Provider>
      )}
    </WithTenantApi>
  );
}

/** Renders its children with the tenant's API, with loading and error states until it is known. */
export function WithTenantApi({ tenant, children }: { tenant: string; children: (api: TenantApi) => ReactNode }) {
  const api = useTenantApiQuery(tenant);
  return (
    <QueryState query={api} errorTitle={`Could not open tenant ${tenant}`}>
      {children}
    </QueryState>
  );
}

interface QueryLike {
  error: Error | null;
  isPending: boolean;
  isError: boolean;
  isRefetching: boolean;
  refetch: () => Promise<unknown>;
}

/** Several queries as one for QueryState: pending or failed if any is, `data` once all have answered. */
export function combineQueries<T>(data: T | undefined, ...queries: QueryLike[]) {
  return {
    data,
    error: queries.find((q) => q.isError)?.error ?? null,
    isPending: queries.some((q) => q.isPending),
    isError: queries.some((q) => q.isError),
    isRefetching: queries.some((q) => q.isRefetching),
    refetch: async () => {
      await Promise.all(queries.map((q) => q.refetch()));
      return undefined as never;
    },
  };
}
