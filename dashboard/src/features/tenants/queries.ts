import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { control } from '../../api/clients';
import type { EnvironmentTag, TenantSummary } from '../../api/control';
import { call } from '../../api/errors';

export const TENANTS_QUERY_KEY = ['tenants'] as const;

export function useTenants() {
  return useQuery({ queryKey: TENANTS_QUERY_KEY, queryFn: () => call(() => control.GET('/api/control/v1/tenants')) });
}

export function useTenant(name: string) {
  return useQuery({
    queryKey: [...TENANTS_QUERY_KEY, name],
    queryFn: () => call(() => control.GET('/api/control/v1/tenants/{name}', { params: { path: { name } } })),
  });
}

export function useCreateTenant() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; environment_tag: EnvironmentTag }) => call(() => control.POST('/api/control/v1/tenants', { body })),
    onSuccess: (tenant: TenantSummary) => {
      queryClient.setQueryData<TenantSummary[]>(TENANTS_QUERY_KEY, (list) => (list ? [...list, tenant] : list));
      void queryClient.invalidateQueries({ queryKey: TENANTS_QUERY_KEY });
    },
  });
}

export function useDeleteTenant() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) =>
      call(() => control.DELETE('/api/control/v1/tenants/{name}', { params: { path: { name }, query: { confirm: name } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: TENANTS_QUERY_KEY }),
  });
}

export const ENVIRONMENT_TAGS: { value: EnvironmentTag; label: string }[] = [
  { value: 'development', label: 'Development' },
  { value: 'staging', label: 'Staging' },
  { value: 'production', label: 'Production' },
];

export const ENVIRONMENT_COLORS: Record<EnvironmentTag, string> = { development: 'gray', staging: 'yellow', production: 'red' };
