/**
 * A tenant's typed Management API client (openapi-fetch, api/clients.ts) for the Activity, Roles and
 * Logs screens and the navigation (api/tenant-api.tsx is the context-based one of the other screens): the typed client (its base from
 * the control API's `management_api`) and the scopes of the dashboard token (what the member's
 * roles allow; the API refuses the rest anyway). `WithTenantApi` renders its children only once
 * both are known, with loading and error states.
 */
import type { ReactNode } from 'react';
import { useQuery } from '@tanstack/react-query';
import { control, managementClient, tenantTokens } from './clients';
import { call } from './errors';
import { QueryState } from '../components/QueryState';
import { hasAnyScope, parseScopes } from '../lib/tenant-screens';

export type ManagementClient = ReturnType<typeof managementClient>;

export interface TenantClient {
  tenant: string;
  client: ManagementClient;
  scopes: ReadonlySet<string>;
  /** True when the token holds any of these scopes. */
  can: (...anyOf: string[]) => boolean;
}

export function tenantClientKey(tenant: string) {
  return ['tenant-client', tenant] as const;
}

export function useTenantClient(tenant: string) {
  return useQuery({
    queryKey: tenantClientKey(tenant),
    queryFn: async (): Promise<TenantClient> => {
      const summary = await call(() => control.GET('/api/control/v1/tenants/{name}', { params: { path: { name: tenant } } }));
      const token = await tenantTokens.get(tenant);
      const scopes = parseScopes(token.scope);
      return { tenant, client: managementClient(tenant, summary.management_api), scopes, can: (...anyOf) => hasAnyScope(scopes, anyOf) };
    },
    staleTime: 5 * 60_000,
    // The client and the scope set are not plain data.
    structuralSharing: false,
    enabled: tenant !== '',
  });
}

export function WithTenantClient({ tenant, children }: { tenant: string; children: (api: TenantClient) => ReactNode }) {
  const api = useTenantClient(tenant);
  return (
    <QueryState query={api} errorTitle={`Could not open tenant ${tenant}`}>
      {children}
    </QueryState>
  );
}
