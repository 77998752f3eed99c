/** `GET/PATCH /api/v2/branding` through React Query. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TenantApi } from '../../api/tenant-api';
import type { Branding, BrandingPatch } from './branding-form';

const brandingKey = (tenant: string) => ['tenant', tenant, 'branding'] as const;

export function useBranding(api: TenantApi) {
  return useQuery({ queryKey: brandingKey(api.tenant), queryFn: () => api.get<Branding>('/branding') });
}

export function useUpdateBranding(api: TenantApi) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: BrandingPatch) => api.patch<Branding>('/branding', patch),
    onSuccess: (branding) => queryClient.setQueryData(brandingKey(api.tenant), branding),
  });
}
