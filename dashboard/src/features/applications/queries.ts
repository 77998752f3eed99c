import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { listAll, type Client, type ClientGrant, type ClientPatch, type ResourceServer, type TenantApi } from '../../api/tenant-api';
import type { ClientCredential } from './credential-methods';
import type { paths } from '../../api/generated/management';

/** The body of `POST /clients/{id}/credentials`, from the generated types. */
export type CredentialCreate = paths['/api/v2/clients/{id}/credentials']['post']['requestBody']['content']['application/json'];

export const APP_TYPES = [
  { value: 'native', label: 'Native', description: 'Mobile, desktop, CLI and smart device apps running natively.' },
  { value: 'spa', label: 'Single Page Web Applications', description: 'A JavaScript front-end app that uses an API.' },
  { value: 'regular_web', label: 'Regular Web Applications', description: 'Traditional web app using redirects.' },
  { value: 'non_interactive', label: 'Machine to Machine Applications', description: 'CLIs, daemons or services running on your backend.' },
] as const;

export type AppType = (typeof APP_TYPES)[number]['value'];

export function appTypeLabel(type: string | undefined): string {
  return APP_TYPES.find((t) => t.value === type)?.label ?? (type ? type : 'Generic');
}

export const clientsKey = (tenant: string) => ['tenant', tenant, 'clients'] as const;
export const clientKey = (tenant: string, id: string) => ['tenant', tenant, 'clients', id] as const;
export const grantsKey = (tenant: string) => ['tenant', tenant, 'client-grants'] as const;
export const resourceServersKey = (tenant: string) => ['tenant', tenant, 'resource-servers'] as const;

export function useClients(api: TenantApi) {
  return useQuery({
    queryKey: clientsKey(api.tenant),
    // The tenant-wide "All Applications" client is Auth0's internal one: not listed.
    queryFn: async () => (await listAll<Client>(api, '/clients', 'clients')).filter((c) => !c.global),
  });
}

export function useClient(api: TenantApi, id: string) {
  return useQuery({ queryKey: clientKey(api.tenant, id), queryFn: () => api.get<Client>(`/clients/${encodeURIComponent(id)}`) });
}

export function useResourceServers(api: TenantApi, enabled = true) {
  return useQuery({
    queryKey: resourceServersKey(api.tenant),
    queryFn: () => listAll<ResourceServer>(api, '/resource-servers', 'resource_servers'),
    enabled,
  });
}

export function useClientGrants(api: TenantApi, filter: { client_id?: string; audience?: string }, enabled = true) {
  return useQuery({
    queryKey: [...grantsKey(api.tenant), filter],
    queryFn: () => listAll<ClientGrant>(api, '/client-grants', 'client_grants', filter),
    enabled,
  });
}

export function useCreateClient(api: TenantApi) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: { name: string; app_type: AppType; grant?: { audience: string; scope: string[] } }) => {
      const client = await api.post<Client>('/clients', { name: input.name, app_type: input.app_type });
      if (input.grant && client.client_id) {
        await api.post<ClientGrant>('/client-grants', { client_id: client.client_id, audience: input.grant.audience, scope: input.grant.scope });
      }
      return client;
    },
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: clientsKey(api.tenant) });
      void queryClient.invalidateQueries({ queryKey: grantsKey(api.tenant) });
    },
  });
}

export function useUpdateClient(api: TenantApi, id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: ClientPatch) => api.patch<Client>(`/clients/${encodeURIComponent(id)}`, patch),
    onSuccess: (client) => {
      queryClient.setQueryData(clientKey(api.tenant, id), client);
      void queryClient.invalidateQueries({ queryKey: clientsKey(api.tenant), exact: true });
    },
  });
}

export function useRotateSecret(api: TenantApi, id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<Client>(`/clients/${encodeURIComponent(id)}/rotate-secret`),
    onSuccess: (client) => queryClient.setQueryData(clientKey(api.tenant, id), client),
  });
}

export function useDeleteClient(api: TenantApi) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/clients/${encodeURIComponent(id)}`),
    onSuccess: (_, id) => {
      // The deleted application's own query is dropped, not refetched (it would answer 404).
      queryClient.removeQueries({ queryKey: clientKey(api.tenant, id) });
      void queryClient.invalidateQueries({ queryKey: clientsKey(api.tenant), exact: true });
      void queryClient.invalidateQueries({ queryKey: grantsKey(api.tenant) });
    },
  });
}

/** Client grants: authorize (create), change scopes, remove. */
export function useGrantMutations(api: TenantApi) {
  const queryClient = useQueryClient();
  const invalidate = () => queryClient.invalidateQueries({ queryKey: grantsKey(api.tenant) });
  return {
    create: useMutation({
      mutationFn: (grant: { client_id: string; audience: string; scope: string[] }) => api.post<ClientGrant>('/client-grants', grant),
      onSuccess: invalidate,
    }),
    update: useMutation({
      mutationFn: ({ id, scope }: { id: string; scope: string[] }) => api.patch<ClientGrant>(`/client-grants/${encodeURIComponent(id)}`, { scope }),
      onSuccess: invalidate,
    }),
    remove: useMutation({
      mutationFn: (id: string) => api.delete(`/client-grants/${encodeURIComponent(id)}`),
      onSuccess: invalidate,
    }),
  };
}

export const credentialsKey = (tenant: string, id: string) => ['tenant', tenant, 'clients', id, 'credentials'] as const;

/** The application's public keys and certificates (`read:client_credentials`). */
export function useClientCredentials(api: TenantApi, id: string, enabled = true) {
  return useQuery({
    queryKey: credentialsKey(api.tenant, id),
    queryFn: () => api.get<ClientCredential[]>(`/clients/${encodeURIComponent(id)}/credentials`),
    enabled,
  });
}

/** Add, change the expiry of (the only mutable field) and delete an application's credentials. */
export function useCredentialMutations(api: TenantApi, id: string) {
  const queryClient = useQueryClient();
  const path = `/clients/${encodeURIComponent(id)}/credentials`;
  const invalidate = () => queryClient.invalidateQueries({ queryKey: credentialsKey(api.tenant, id) });
  return {
    create: useMutation({
      mutationFn: (body: CredentialCreate) => api.post<ClientCredential>(path, body),
      onSuccess: invalidate,
    }),
    updateExpiry: useMutation({
      mutationFn: ({ credentialId, expires_at }: { credentialId: string; expires_at: string | null }) =>
        api.patch<ClientCredential>(`${path}/${encodeURIComponent(credentialId)}`, { expires_at }),
      onSuccess: invalidate,
    }),
    remove: useMutation({
      mutationFn: (credentialId: string) => api.delete(`${path}/${encodeURIComponent(credentialId)}`),
      onSuccess: invalidate,
    }),
  };
}
