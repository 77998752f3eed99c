import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ResourceServer, ResourceServerPatch, TenantApi } from '../../api/tenant-api';
import { resourceServersKey } from '../applications/queries';

export const SIGNING_ALGS = ['RS256', 'PS256', 'HS256'];

export function useCreateResourceServer(api: TenantApi) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; identifier: string; signing_alg: string }) => api.post<ResourceServer>('/resource-servers', body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: resourceServersKey(api.tenant) }),
  });
}

export function useUpdateResourceServer(api: TenantApi, id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: ResourceServerPatch) => api.patch<ResourceServer>(`/resource-servers/${encodeURIComponent(id)}`, patch),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: resourceServersKey(api.tenant) }),
  });
}

export function useDeleteResourceServer(api: TenantApi) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/resource-servers/${encodeURIComponent(id)}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: resourceServersKey(api.tenant) }),
  });
}
