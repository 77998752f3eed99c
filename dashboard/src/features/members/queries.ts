/** Members and invitations of a tenant (control API, Admins only), with React Query. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { control } from '../../api/clients';
import type { RoleId } from '../../api/control';
import { ApiRequestError, call } from '../../api/errors';
import { sentenceFor } from '../../lib/error-messages';
import { errorMessage } from '../../components/QueryState';

const membersKey = (tenant: string) => ['tenants', tenant, 'members'] as const;
const invitationsKey = (tenant: string) => ['tenants', tenant, 'invitations'] as const;

export function useMembers(tenant: string) {
  return useQuery({
    queryKey: membersKey(tenant),
    queryFn: () => call(() => control.GET('/api/control/v1/tenants/{name}/members', { params: { path: { name: tenant } } })),
  });
}

export function useInvitations(tenant: string) {
  return useQuery({
    queryKey: invitationsKey(tenant),
    queryFn: () => call(() => control.GET('/api/control/v1/tenants/{name}/invitations', { params: { path: { name: tenant } } })),
  });
}

export function useSetMemberRoles(tenant: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, roles }: { userId: string; roles: RoleId[] }) =>
      call(() => control.PATCH('/api/control/v1/tenants/{name}/members/{user_id}', { params: { path: { name: tenant, user_id: userId } }, body: { roles } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: membersKey(tenant) }),
  });
}

export function useRemoveMember(tenant: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => call(() => control.DELETE('/api/control/v1/tenants/{name}/members/{user_id}', { params: { path: { name: tenant, user_id: userId } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: membersKey(tenant) }),
  });
}

export function useInvite(tenant: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { email: string; roles: RoleId[] }) => call(() => control.POST('/api/control/v1/tenants/{name}/invitations', { params: { path: { name: tenant } }, body })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: invitationsKey(tenant) }),
  });
}

export function useRevokeInvitation(tenant: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => call(() => control.DELETE('/api/control/v1/tenants/{name}/invitations/{id}', { params: { path: { name: tenant, id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: invitationsKey(tenant) }),
  });
}

/** A failed write as a sentence: the known codes in plain words, else the server's message. */
export function failure(error: unknown): string {
  return error instanceof ApiRequestError ? sentenceFor(error.code, errorMessage(error)) : errorMessage(error);
}
