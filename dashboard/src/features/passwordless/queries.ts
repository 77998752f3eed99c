/**
 * Connections through the Management API, for the Passwordless screens and the application's
 * Connections tab: the tenant's connections, one connection, create / update / delete, and the
 * applications a connection is enabled for (`PATCH /connections/{id}/clients`).
 *
 * Every key starts with `['tenant', tenant, 'connections']`, so one prefix invalidation refreshes
 * every view of a tenant's connections after a change.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { listAll, type TenantApi } from '../../api/tenant-api';
import type { Connection, ConnectionPatch } from './connection-types';

export type { Connection, ConnectionOptions, ConnectionPatch } from './connection-types';

export const PASSWORDLESS_STRATEGIES = ['email', 'sms'] as const;
export type PasswordlessStrategy = (typeof PASSWORDLESS_STRATEGIES)[number];

export function isPasswordless(strategy: string | undefined): strategy is PasswordlessStrategy {
  return PASSWORDLESS_STRATEGIES.includes(strategy as PasswordlessStrategy);
}

/** What the dashboard calls each strategy Tessera implements (domain/connections/strategies). */
export function strategyLabel(strategy: string | undefined): string {
  if (strategy === 'email') return 'Passwordless (Email)';
  if (strategy === 'sms') return 'Passwordless (SMS)';
  if (strategy === 'auth0') return 'Database';
  return strategy ?? 'Unknown';
}

export const connectionsKey = (tenant: string) => ['tenant', tenant, 'connections'] as const;
const allConnectionsKey = (tenant: string) => [...connectionsKey(tenant), 'all'] as const;
const connectionKey = (tenant: string, id: string) => [...connectionsKey(tenant), 'id', id] as const;

const path = (id: string) => `/connections/${encodeURIComponent(id)}`;

/** Every connection of the tenant, in creation order (the order login pages offer them). */
export function useConnections(api: TenantApi, enabled = true) {
  return useQuery({
    queryKey: allConnectionsKey(api.tenant),
    queryFn: () => listAll<Connection>(api, '/connections', 'connections'),
    enabled,
  });
}

export function useConnection(api: TenantApi, id: string) {
  return useQuery({ queryKey: connectionKey(api.tenant, id), queryFn: () => api.get<Connection>(path(id)) });
}

function useInvalidateConnections(api: TenantApi) {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: connectionsKey(api.tenant) });
}

export function useCreateConnection(api: TenantApi) {
  const invalidate = useInvalidateConnections(api);
  return useMutation({
    mutationFn: (input: { name: string; strategy: PasswordlessStrategy }) => api.post<Connection>('/connections', { ...input, enabled_clients: [] }),
    onSuccess: invalidate,
  });
}

export function useUpdateConnection(api: TenantApi, id: string) {
  const queryClient = useQueryClient();
  const invalidate = useInvalidateConnections(api);
  return useMutation({
    mutationFn: (patch: ConnectionPatch) => api.patch<Connection>(path(id), patch),
    onSuccess: (connection) => {
      queryClient.setQueryData(connectionKey(api.tenant, id), connection);
      void invalidate();
    },
  });
}

export function useDeleteConnection(api: TenantApi) {
  const queryClient = useQueryClient();
  const invalidate = useInvalidateConnections(api);
  return useMutation({
    mutationFn: (id: string) => api.delete(path(id)),
    onSuccess: (_, id) => {
      // Dropped rather than refetched: the deleted connection would answer 404.
      queryClient.removeQueries({ queryKey: connectionKey(api.tenant, id) });
      void invalidate();
    },
  });
}

/** Enables (`status: true`) or disables one application for one connection. */
export function useSetConnectionClient(api: TenantApi) {
  const invalidate = useInvalidateConnections(api);
  return useMutation({
    mutationFn: ({ connectionId, clientId, status }: { connectionId: string; clientId: string; status: boolean }) =>
      api.request<void>('PATCH', `${path(connectionId)}/clients`, { body: [{ client_id: clientId, status }] }),
    onSettled: invalidate,
  });
}
