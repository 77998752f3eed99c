/**
 * A tenant's Management API for the per-tenant screens (applications, APIs, users): a layout route
 * resolves the tenant's `management_api` (GET /tenants/{name}) and the scopes of its dashboard token,
 * then offers them through context. Requests go through tenantFetch (the in-memory bearer token, one
 * retry on 401, then sign-in); answers and Auth0-format errors become data or ApiRequestError.
 * The resource types come from the generated OpenAPI types (api/generated/management.ts).
 */
import { createContext, useContext, useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Outlet, useOutletContext, useParams } from 'react-router';
import { QueryState } from '../components/QueryState';
import { useTenant } from '../features/tenants/queries';
import { redirectToSignIn, tenantTokens } from './clients';
import { ApiRequestError } from './errors';
import type { paths } from './generated/management';
import { tenantFetch } from './tenant-fetch';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
export type Client = Json<paths['/api/v2/clients/{id}']['get']['responses'][200]>;
export type ClientGrant = Json<paths['/api/v2/client-grants/{id}']['get']['responses'][200]>;
export type ResourceServer = Json<paths['/api/v2/resource-servers/{id}']['get']['responses'][200]>;
export type User = Json<paths['/api/v2/users/{id}']['get']['responses'][200]>;
export type ClientPatch = Json<paths['/api/v2/clients/{id}']['patch']['requestBody']>;
export type ResourceServerPatch = Json<paths['/api/v2/resource-servers/{id}']['patch']['requestBody']>;
export type UserPatch = Json<paths['/api/v2/users/{id}']['patch']['requestBody']>;

export type Query = Record<string, string | number | boolean | undefined>;

export class TenantApi {
  private readonly send: (request: Request) => Promise<Response>;

  constructor(
    readonly tenant: string,
    readonly origin: string,
    readonly scopes: ReadonlySet<string>,
  ) {
    this.send = tenantFetch(tenant, { tokens: tenantTokens, fetch: (request) => fetch(request), onSignInNeeded: redirectToSignIn });
  }

  can(scope: string): boolean {
    return this.scopes.has(scope);
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

const TenantApiContext = createContext<TenantApi | null>(null);

export function useTenantApi(): TenantApi {
  const api = useContext(TenantApiContext);
  if (!api) throw new Error('useTenantApi outside TenantApiLayout');
  return api;
}

/** Layout route for `/t/:tenant/...` screens that use the Management API. */
export function TenantApiLayout() {
  const name = useParams().tenant ?? '';
  const tenant = useTenant(name);
  const token = useQuery({
    queryKey: ['tenant-token-scope', name],
    queryFn: async () => (await tenantTokens.get(name)).scope,
    staleTime: 60_000,
  });
  const both = combineQueries(tenant.data && token.data !== undefined ? { management: tenant.data.management_api, scope: token.data } : undefined, tenant, token);
  return (
    <QueryState query={both} errorTitle={`Could not open tenant ${name}`}>
      {({ management, scope }) => <ProvideTenantApi tenant={name} origin={new URL(management).origin} scope={scope} />}
    </QueryState>
  );
}

function ProvideTenantApi({ tenant, origin, scope }: { tenant: string; origin: string; scope: string }) {
  const api = useMemo(() => new TenantApi(tenant, origin, new Set(scope.split(' ').filter(Boolean))), [tenant, origin, scope]);
  // The shell's outlet context (the signed-in account, app/session.tsx useAccount) reaches the screens below.
  const account = useOutletContext();
  return (
    <TenantApiContext.Provider value={api}>
      <Outlet context={account} />
    </TenantApiContext.Provider>
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
