/**
 * Database connections through the tenant's Management API (`/connections`, strategy `auth0`), the
 * applications each is enabled for (`/connections/{id}/clients`), and "Try connection" through the
 * control API (`POST /tenants/{name}/connections/{id}/try`).
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { control } from '../../api/clients';
import { call } from '../../api/errors';
import type { ControlPaths } from '../../api/control';
import type { TenantApi } from '../../api/tenant-api';
import type { paths } from '../../api/generated/management';
import { newAttempt, storeAttempt } from '../../lib/connection-tester';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
export type Connection = Json<paths['/api/v2/connections/{id}']['get']['responses'][200]>;
export type ConnectionPatch = Json<paths['/api/v2/connections/{id}']['patch']['requestBody']>;
/** The options a PATCH sends (the stored ones with the screen's changes written over them). */
export type ConnectionOptions = NonNullable<ConnectionPatch['options']>;
export type TryAnswer = Json<ControlPaths['/api/control/v1/tenants/{name}/connections/{id}/try']['post']['responses'][200]>;

export const DATABASE_STRATEGY = 'auth0';

/** Every connection query of the tenant starts with this key (the users screen's list too). */
export const connectionsKey = (tenant: string) => ['tenant', tenant, 'connections'] as const;
const listKey = (tenant: string) => [...connectionsKey(tenant), 'database-list'] as const;
export const connectionKey = (tenant: string, id: string) => [...connectionsKey(tenant), 'one', id] as const;
const enabledClientsKey = (tenant: string, id: string) => [...connectionKey(tenant, id), 'clients'] as const;

export const databasePath = (tenant: string, id?: string) => `/t/${encodeURIComponent(tenant)}/authentication/database${id ? `/${encodeURIComponent(id)}` : ''}`;

export function useDatabaseConnectionList(api: TenantApi) {
  return useQuery({
    queryKey: listKey(api.tenant),
    queryFn: async () => {
      const connections: Connection[] = [];
      // Checkpoint pages of at most 100 (`take`), to the end.
      let from: string | undefined;
      do {
        const page = await api.get<{ connections: Connection[]; next?: string }>('/connections', { strategy: DATABASE_STRATEGY, take: 100, ...(from ? { from } : {}) });
        connections.push(...(page.connections ?? []));
        from = page.next;
      } while (from && connections.length < 1000);
      return connections;
    },
  });
}

export function useConnection(api: TenantApi, id: string) {
  return useQuery({ queryKey: connectionKey(api.tenant, id), queryFn: () => api.get<Connection>(`/connections/${encodeURIComponent(id)}`) });
}

export function useCreateConnection(api: TenantApi) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => api.post<Connection>('/connections', { name, strategy: DATABASE_STRATEGY }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: connectionsKey(api.tenant) }),
  });
}

export function useUpdateConnection(api: TenantApi, id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: ConnectionPatch) => api.patch<Connection>(`/connections/${encodeURIComponent(id)}`, patch),
    onSuccess: (connection) => {
      queryClient.setQueryData(connectionKey(api.tenant, id), connection);
      void queryClient.invalidateQueries({ queryKey: listKey(api.tenant) });
    },
  });
}

export function useDeleteConnection(api: TenantApi) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/connections/${encodeURIComponent(id)}`),
    onSuccess: (_, id) => {
      queryClient.removeQueries({ queryKey: connectionKey(api.tenant, id) });
      void queryClient.invalidateQueries({ queryKey: connectionsKey(api.tenant) });
    },
  });
}

/** The ids of the applications the connection is enabled for (all checkpoint pages). */
export function useEnabledClients(api: TenantApi, id: string) {
  return useQuery({
    queryKey: enabledClientsKey(api.tenant, id),
    queryFn: async () => {
      const ids: string[] = [];
      let from: string | undefined;
      do {
        const page = await api.get<{ clients: Array<{ client_id: string }>; next?: string }>(`/connections/${encodeURIComponent(id)}/clients`, { take: 100, ...(from ? { from } : {}) });
        ids.push(...page.clients.map((c) => c.client_id));
        from = page.next;
      } while (from && ids.length < 10_000);
      return new Set(ids);
    },
  });
}

export function useToggleClient(api: TenantApi, id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (change: { client_id: string; status: boolean }) => api.patch<void>(`/connections/${encodeURIComponent(id)}/clients`, [change]),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: enabledClientsKey(api.tenant, id) });
      void queryClient.invalidateQueries({ queryKey: connectionKey(api.tenant, id), exact: true });
    },
  });
}

/**
 * "Try connection": opens the login in a popup (opened before any await, so the click's user
 * activation lets it through popup blockers), asks the control API for the `/authorize` URL with
 * this browser's PKCE challenge, stores the attempt for the callback page, and sends the popup
 * there. Without a popup (blocked) the current tab goes instead.
 */
export function useTryConnection(api: TenantApi) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (connection: { id: string; name: string }) => {
      const popup = window.open('', 'tessera-connection-tester', 'popup,width=520,height=760');
      try {
        const attempt = await newAttempt();
        const answer = await call(() =>
          control.POST('/api/control/v1/tenants/{name}/connections/{id}/try', {
            params: { path: { name: api.tenant, id: connection.id } },
            body: { code_challenge: attempt.challenge, state: attempt.state, nonce: attempt.nonce },
          }),
        );
        storeAttempt(localStorage, attempt.state, {
          client_id: answer.client_id,
          redirect_uri: answer.redirect_uri,
          issuer: answer.issuer,
          token_endpoint: answer.token_endpoint,
          verifier: attempt.verifier,
          nonce: attempt.nonce,
          tenant: api.tenant,
          connection: connection.name,
          createdAt: Date.now(),
        });
        if (popup && !popup.closed) popup.location.href = answer.authorize_url;
        else window.location.assign(answer.authorize_url);
        return answer;
      } catch (error) {
        popup?.close();
        throw error;
      }
    },
    // The tester application may have just been created and enabled on the connection.
    onSettled: (_, __, connection) => {
      void queryClient.invalidateQueries({ queryKey: enabledClientsKey(api.tenant, connection.id) });
      void queryClient.invalidateQueries({ queryKey: ['tenant', api.tenant, 'clients'] });
    },
  });
}
