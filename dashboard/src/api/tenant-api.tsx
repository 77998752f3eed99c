/**
 * A tenant's Management API for the screens under `/t/{tenant}`: the typed client (its base from
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

export interface TenantApi {
  tenant: string;
  client: ManagementClient;
  scopes: ReadonlySet<string>;
  /** True when the token holds any of these scopes. */
  can: (...anyOf: string[]) => boolean;
}

export function tenantApiKey(tenant: string) {
  return ['tenant-api', tenant] as const;
}

export function useTenantApi(tenant: string) {
  return useQuery({
    queryKey: tenantApiKey(tenant),
    queryFn: async (): Promise<TenantApi> => {
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

export function WithTenantApi({ tenant, children }: { tenant: string; children: (api: TenantApi) => ReactNode }) {
  const api = useTenantApi(tenant);
  return (
    <QueryState query={api} errorTitle={`Could not open tenant ${tenant}`}>
      {children}
    </QueryState>
  );
}
