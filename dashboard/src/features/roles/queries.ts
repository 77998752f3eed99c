/** The Roles screens' Management API calls (`/api/v2/roles`, its permissions and users). */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { call } from '../../api/errors';
import type { TenantApi } from '../../api/tenant-api';

export interface Role {
  id: string;
  name: string;
  description?: string;
}
export interface RolePermission {
  permission_name: string;
  resource_server_identifier: string;
  resource_server_name: string;
  description: string;
}
export interface RoleUser {
  user_id: string;
  email?: string;
  name?: string;
  picture?: string;
}
export interface ApiSummary {
  id?: string;
  name?: string;
  identifier?: string;
  scopes?: { value: string; description?: string }[];
}

export const PER_PAGE = 50;

export const rolesKey = (tenant: string) => ['roles', tenant] as const;

export function useRoles(api: TenantApi, page: number, nameFilter: string) {
  return useQuery({
    queryKey: [...rolesKey(api.tenant), 'list', page, nameFilter],
    queryFn: () =>
      call(() =>
        api.client.GET('/api/v2/roles', {
          params: { query: { page, per_page: PER_PAGE, include_totals: true, ...(nameFilter ? { name_filter: nameFilter } : {}) } },
        }),
      ) as Promise<{ roles: Role[]; total: number; start: number; limit: number }>,
    placeholderData: (previous) => previous,
  });
}

export function useRole(api: TenantApi, id: string) {
  return useQuery({
    queryKey: [...rolesKey(api.tenant), id],
    queryFn: () => call(() => api.client.GET('/api/v2/roles/{id}', { params: { path: { id } } })) as Promise<Role>,
  });
}

export function useRolePermissions(api: TenantApi, id: string) {
  return useQuery({
    queryKey: [...rolesKey(api.tenant), id, 'permissions'],
    queryFn: () => call(() => api.client.GET('/api/v2/roles/{id}/permissions', { params: { path: { id }, query: { per_page: 100 } } })) as Promise<RolePermission[]>,
  });
}

export function useRoleUsers(api: TenantApi, id: string) {
  return useQuery({
    queryKey: [...rolesKey(api.tenant), id, 'users'],
    queryFn: () => call(() => api.client.GET('/api/v2/roles/{id}/users', { params: { path: { id }, query: { per_page: 100 } } })) as Promise<RoleUser[]>,
  });
}

export function useApis(api: TenantApi, enabled: boolean) {
  return useQuery({
    queryKey: ['resource-servers', api.tenant],
    queryFn: () => call(() => api.client.GET('/api/v2/resource-servers', { params: { query: { per_page: 100 } } })) as Promise<ApiSummary[]>,
    enabled,
  });
}

/** Users matching a search (Auth0 `q` over email and name), for assignment. */
export function useUserSearch(api: TenantApi, term: string) {
  const trimmed = term.trim();
  return useQuery({
    queryKey: ['users-search', api.tenant, trimmed],
    queryFn: () => {
      const escaped = trimmed.replace(/["\\]/g, '');
      const q = trimmed ? `email:*${escaped}* OR name:*${escaped}*` : undefined;
      return call(() =>
        api.client.GET('/api/v2/users', { params: { query: { per_page: 20, search_engine: 'v3', ...(q ? { q } : {}) } } }),
      ) as Promise<RoleUser[]>;
    },
    placeholderData: (previous) => previous,
  });
}

export function useRoleMutations(api: TenantApi, id: string) {
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: rolesKey(api.tenant) });
  return {
    addPermissions: useMutation({
      mutationFn: (permissions: { permission_name: string; resource_server_identifier: string }[]) =>
        call(() => api.client.POST('/api/v2/roles/{id}/permissions', { params: { path: { id } }, body: { permissions } })),
      onSuccess: refresh,
    }),
    removePermission: useMutation({
      mutationFn: (permission: { permission_name: string; resource_server_identifier: string }) =>
        call(() => api.client.DELETE('/api/v2/roles/{id}/permissions', { params: { path: { id } }, body: { permissions: [permission] } })),
      onSuccess: refresh,
    }),
    assignUsers: useMutation({
      mutationFn: (users: string[]) => call(() => api.client.POST('/api/v2/roles/{id}/users', { params: { path: { id } }, body: { users } })),
      onSuccess: refresh,
    }),
    removeUser: useMutation({
      mutationFn: (userId: string) => call(() => api.client.DELETE('/api/v2/users/{id}/roles', { params: { path: { id: userId } }, body: { roles: [id] } })),
      onSuccess: refresh,
    }),
    // The role's own queries are dropped by the page once it has left (refetching them would 404).
    remove: useMutation({
      mutationFn: () => call(() => api.client.DELETE('/api/v2/roles/{id}', { params: { path: { id } } })),
      onSuccess: () => queryClient.invalidateQueries({ queryKey: [...rolesKey(api.tenant), 'list'] }),
    }),
  };
}

export function useCreateRole(api: TenantApi) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; description?: string }) => call(() => api.client.POST('/api/v2/roles', { body })) as Promise<Role>,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: rolesKey(api.tenant) }),
  });
}
