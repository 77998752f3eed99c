/**
 * Settings › General, Advanced and Signing keys: the tenant's settings (`/api/v2/tenants/settings`),
 * its signing keys (`/api/v2/keys/signing`) and the environment tag (control API, Admins only).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { control } from '../../api/clients';
import type { EnvironmentTag, TenantSummary } from '../../api/control';
import { call } from '../../api/errors';
import type { paths } from '../../api/generated/management';
import type { TenantApi } from '../../api/tenant-api';
import { TENANTS_QUERY_KEY } from '../tenants/queries';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
export type TenantSettings = Json<paths['/api/v2/tenants/settings']['get']['responses'][200]>;
export type TenantSettingsPatch = Json<paths['/api/v2/tenants/settings']['patch']['requestBody']>;
export type SigningKey = Json<paths['/api/v2/keys/signing/{kid}']['get']['responses'][200]>;

export const settingsKey = (tenant: string) => ['tenant', tenant, 'settings'] as const;
export const signingKeysKey = (tenant: string) => ['tenant', tenant, 'signing-keys'] as const;

export function useTenantSettings(api: TenantApi) {
  return useQuery({ queryKey: settingsKey(api.tenant), queryFn: () => api.get<TenantSettings>('/tenants/settings') });
}

export function useUpdateTenantSettings(api: TenantApi) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: TenantSettingsPatch) => api.patch<TenantSettings>('/tenants/settings', patch),
    onSuccess: (settings) => queryClient.setQueryData(settingsKey(api.tenant), settings),
  });
}

/** The environment tag lives in the control plane (PATCH /tenants/{name}), which only the tenant's Admins may change. */
export function useSetEnvironmentTag(tenant: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (environment_tag: EnvironmentTag) =>
      call(() => control.PATCH('/api/control/v1/tenants/{name}', { params: { path: { name: tenant } }, body: { environment_tag } })),
    onSuccess: (summary: TenantSummary) => {
      queryClient.setQueryData([...TENANTS_QUERY_KEY, tenant], summary);
      void queryClient.invalidateQueries({ queryKey: TENANTS_QUERY_KEY, exact: true });
    },
  });
}

export function useSigningKeys(api: TenantApi) {
  return useQuery({ queryKey: signingKeysKey(api.tenant), queryFn: () => api.get<SigningKey[]>('/keys/signing') });
}

export function useRotateSigningKey(api: TenantApi) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<{ kid: string; cert: string }>('/keys/signing/rotate'),
    onSettled: () => queryClient.invalidateQueries({ queryKey: signingKeysKey(api.tenant) }),
  });
}

export function useRevokeSigningKey(api: TenantApi) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (kid: string) => api.request<{ kid: string; cert: string }>('PUT', `/keys/signing/${encodeURIComponent(kid)}/revoke`),
    onSettled: () => queryClient.invalidateQueries({ queryKey: signingKeysKey(api.tenant) }),
  });
}
