import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TenantApi, User, UserPatch } from '../../api/tenant-api';

export const usersKey = (tenant: string) => ['tenant', tenant, 'users'] as const;
export const userKey = (tenant: string, id: string) => ['tenant', tenant, 'users', 'one', id] as const;

export interface UserPage {
  users: User[];
  total: number;
}

export const USERS_PER_PAGE = 50;

export function useUsers(api: TenantApi, q: string, page: number) {
  return useQuery({
    queryKey: [...usersKey(api.tenant), 'list', q, page],
    queryFn: async () => {
      const answer = await api.get<{ users: User[]; total: number }>('/users', {
        ...(q ? { q, search_engine: 'v3' } : {}),
        page,
        per_page: USERS_PER_PAGE,
        include_totals: true,
      });
      return { users: answer.users ?? [], total: answer.total ?? 0 } satisfies UserPage;
    },
    placeholderData: (previous) => previous,
  });
}

export function useUser(api: TenantApi, id: string) {
  return useQuery({ queryKey: userKey(api.tenant, id), queryFn: () => api.get<User>(`/users/${encodeURIComponent(id)}`) });
}

export interface Connection {
  id: string;
  name: string;
  strategy: string;
}

export function useDatabaseConnections(api: TenantApi, enabled: boolean) {
  return useQuery({
    queryKey: ['tenant', api.tenant, 'connections', 'auth0'],
    queryFn: async () => {
      const answer = await api.get<Connection[] | { connections: Connection[] }>('/connections', { strategy: 'auth0', per_page: 100 });
      return Array.isArray(answer) ? answer : answer.connections;
    },
    enabled,
  });
}

export function useCreateUser(api: TenantApi) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { connection: string; email: string; password: string }) => api.post<User>('/users', body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: usersKey(api.tenant) }),
  });
}

export function useUpdateUser(api: TenantApi, id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: UserPatch) => api.patch<User>(`/users/${encodeURIComponent(id)}`, patch),
    onSuccess: (user) => {
      queryClient.setQueryData(userKey(api.tenant, id), user);
      void queryClient.invalidateQueries({ queryKey: [...usersKey(api.tenant), 'list'] });
    },
  });
}

export function useDeleteUser(api: TenantApi) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/users/${encodeURIComponent(id)}`),
    onSuccess: (_, id) => {
      queryClient.removeQueries({ queryKey: userKey(api.tenant, id) });
      void queryClient.invalidateQueries({ queryKey: [...usersKey(api.tenant), 'list'] });
    },
  });
}
