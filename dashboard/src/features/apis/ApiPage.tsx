/**
 * `/t/{tenant}/apis/{id}`: one API in Auth0's tabs: Settings (token lifetimes, signing algorithm,
 * RBAC, consent, offline access; Token Settings' JWE key; delete), Permissions (scopes; rich authorization types), Machine to Machine Applications
 * (client grants for this audience) and Test (a client-credentials curl for one authorized app; the
 * secret stays masked, and is only ever on screen when the role holds read:client_keys; Admins also
 * get a real test token from the control API, with its decoded payload).
 */
import { useState } from 'react';
import { Alert, Anchor, Badge, Button, Card, Code, Group, Modal, NumberInput, Select, Stack, Switch, Table, Tabs, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { notifySuccess } from '../../components/notify';
import { IconArrowLeft } from '@tabler/icons-react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { combineQueries, useTenantApi, type Client, type ClientGrant, type ResourceServer, type ResourceServerPatch, type TenantApi } from '../../api/tenant-api';
import { ConfirmDestructive } from '../../components/ConfirmDestructive';
import { CopyField } from '../../components/CopyField';
import { QueryState, errorMessage } from '../../components/QueryState';
import { clientCredentialsCurl } from '../../lib/curl';
import { ScopePicker } from '../applications/ScopePicker';
import { useClientGrants, useClients, useGrantMutations, useResourceServers } from '../applications/queries';
import { SIGNING_ALGS, useDeleteResourceServer, useUpdateResourceServer } from './queries';
import { useMutation } from '@tanstack/react-query';
import { control } from '../../api/clients';
import { call } from '../../api/errors';
import { decodeJwtPayload } from '../../lib/jwt';
import { managesMembers } from '../../lib/roles';
import { useTenant } from '../tenants/queries';
import { SettingsCard } from '../../components/SettingsCard';
import { TokenEncryptionCard } from './JweSettings';
import { AuthorizationDetailsTypes } from './AuthorizationDetailsTypes';

const TABS = ['settings', 'permissions', 'm2m', 'test'] as const;

export function ApiPage() {
  const api = useTenantApi();
  const id = useParams().id ?? '';
  const servers = useResourceServers(api);
  const [params, setParams] = useSearchParams();
  const tab = TABS.find((t) => t === params.get('tab')) ?? 'settings';
  const found = combineQueries(servers.data ? (servers.data.find((rs) => rs.id === id) ?? null) : undefined, servers);
  return (
    <Stack gap="lg">
      <Anchor component={Link} to={`/t/${encodeURIComponent(api.tenant)}/apis`} size="sm">
        <Group gap={4}>
          <IconArrowLeft size={14} aria-hidden /> Back to APIs
        </Group>
      </Anchor>
      <QueryState query={found} errorTitle="Could not load the API" isEmpty={(rs) => rs === null} empty="This API does not exist (any more).">
        {(rs) =>
          rs ? (
            <Stack gap="lg">
              <div>
                <Group gap="sm">
                  <Title order={1}>{rs.name}</Title>
                  {rs.is_system ? <Badge color="gray" variant="light">System API</Badge> : <Badge variant="light">Custom API</Badge>}
                </Group>
                <Text size="sm" c="dimmed">
                  Identifier <Text span ff="monospace">{rs.identifier}</Text>
                </Text>
              </div>
              <Tabs value={tab} onChange={(value) => setParams(value && value !== 'settings' ? { tab: value } : {}, { replace: true })} keepMounted={false}>
                <Tabs.List>
                  <Tabs.Tab value="settings">Settings</Tabs.Tab>
                  <Tabs.Tab value="permissions">Permissions</Tabs.Tab>
                  <Tabs.Tab value="m2m">Machine to Machine Applications</Tabs.Tab>
                  <Tabs.Tab value="test">Test</Tabs.Tab>
                </Tabs.List>
                <Tabs.Panel value="settings" pt="lg">
                  <SettingsTab api={api} rs={rs} />
                </Tabs.Panel>
                <Tabs.Panel value="permissions" pt="lg">
                  <PermissionsTab api={api} rs={rs} />
                </Tabs.Panel>
                <Tabs.Panel value="m2m" pt="lg">
                  <MachineAppsTab api={api} rs={rs} />
                </Tabs.Panel>
                <Tabs.Panel value="test" pt="lg">
                  <TestTab api={api} rs={rs} />
                </Tabs.Panel>
              </Tabs>
            </Stack>
          ) : null
        }
      </QueryState>
    </Stack>
  );
}

function ErrorAlert({ error }: { error: unknown }) {
  return error ? (
    <Alert color="red" role="alert" variant="light">
      {errorMessage(error)}
    </Alert>
  ) : null;
}

function SettingsTab({ api, rs }: { api: TenantApi; rs: ResourceServer }) {
  const update = useUpdateResourceServer(api, rs.id ?? '');
  const remove = useDeleteResourceServer(api);
  const navigate = useNavigate();
  const canWrite = api.can('update:resource_servers') && !rs.is_system;
  const [name, setName] = useState(rs.name ?? '');
  const [lifetime, setLifetime] = useState<number>(rs.token_lifetime ?? 86400);
  const [webLifetime, setWebLifetime] = useState<number>(rs.token_lifetime_for_web ?? 7200);
  const [alg, setAlg] = useState<string>(rs.signing_alg ?? 'RS256');
  const [rbac, setRbac] = useState(rs.enforce_policies ?? false);
  const [permissionsInToken, setPermissionsInToken] = useState(rs.token_dialect === 'access_token_authz');
  const [skipConsent, setSkipConsent] = useState(rs.skip_consent_for_verifiable_first_party_clients ?? false);
  const [offline, setOffline] = useState(rs.allow_offline_access ?? false);
  const [deleting, setDeleting] = useState(false);
  return (
    <Stack gap="lg" maw={820}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          update.mutate(
            {
              name: name.trim(),
              token_lifetime: lifetime,
              token_lifetime_for_web: webLifetime,
              signing_alg: alg,
              enforce_policies: rbac,
              token_dialect: permissionsInToken ? 'access_token_authz' : 'access_token',
              skip_consent_for_verifiable_first_party_clients: skipConsent,
              allow_offline_access: offline,
            } as ResourceServerPatch,
            { onSuccess: () => notifySuccess('Saved', 'Changes saved.') },
          );
        }}
      >
        <fieldset disabled={!canWrite} style={{ border: 0, padding: 0, margin: 0 }}>
          <Stack gap="lg">
            {rs.is_system ? <Alert variant="light" color="gray">The system API's settings cannot be changed.</Alert> : null}
            <SettingsCard title="General Settings">
              <CopyField label="Id" value={rs.id ?? ''} />
              <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} required maxLength={200} />
              <CopyField label="Identifier" value={rs.identifier ?? ''} description="The audience of this API's access tokens; it cannot be changed." />
              <NumberInput label="Maximum Access Token Lifetime (seconds)" description="How long access tokens issued for this API stay valid." value={lifetime} onChange={(v) => setLifetime(Number(v) || 0)} min={1} max={2592000} />
              <NumberInput label="Implicit / Hybrid Flow Access Token Lifetime (seconds)" description="The lifetime of tokens issued through the implicit and hybrid flows (token lifetime for web); not more than the maximum lifetime." value={webLifetime} onChange={(v) => setWebLifetime(Number(v) || 0)} min={1} max={2592000} error={webLifetime > lifetime ? 'Must not exceed the maximum access token lifetime.' : undefined} />
              <Select label="JSON Web Token (JWT) Signing Algorithm" data={SIGNING_ALGS} value={alg} onChange={(v) => v && setAlg(v)} allowDeselect={false} />
            </SettingsCard>
            <SettingsCard title="RBAC Settings">
              <Switch label="Enable RBAC" description="Enforce the role-based access control policies: a user's token only gets the permissions their roles grant." checked={rbac} onChange={(e) => setRbac(e.currentTarget.checked)} />
              <Switch label="Add Permissions in the Access Token" description="The token's permissions claim lists the granted permissions." checked={permissionsInToken} onChange={(e) => setPermissionsInToken(e.currentTarget.checked)} disabled={!rbac} />
            </SettingsCard>
            <SettingsCard title="Access Settings">
              <Switch label="Allow Skipping User Consent" description="First-party applications with a verifiable callback skip the consent prompt for this API." checked={skipConsent} onChange={(e) => setSkipConsent(e.currentTarget.checked)} />
              <Switch label="Allow Offline Access" description="Applications may ask for refresh tokens for this API (the offline_access scope)." checked={offline} onChange={(e) => setOffline(e.currentTarget.checked)} />
            </SettingsCard>
            <ErrorAlert error={update.error} />
            {canWrite ? (
              <Group>
                <Button type="submit" loading={update.isPending} disabled={webLifetime > lifetime}>
                  Save
                </Button>
              </Group>
            ) : null}
          </Stack>
        </fieldset>
      </form>
      {!rs.is_system ? <TokenEncryptionCard api={api} rs={rs} canWrite={canWrite} /> : null}
      {!rs.is_system && api.can('delete:resource_servers') ? (
        <Card withBorder style={{ borderColor: 'var(--mantine-color-red-outline)' }}>
          <Group justify="space-between" wrap="nowrap">
            <div>
              <Title order={2} size="h4">
                Delete This API
              </Title>
              <Text size="sm">All applications using this API will no longer be able to get tokens for it. This cannot be undone.</Text>
            </div>
            <Button color="red" onClick={() => setDeleting(true)}>
              Delete
            </Button>
          </Group>
        </Card>
      ) : null}
      <ConfirmDestructive
        opened={deleting}
        onClose={() => {
          setDeleting(false);
          remove.reset();
        }}
        title={`Delete API ${rs.name}`}
        name={rs.name ?? ''}
        confirmLabel="Delete API"
        error={remove.isError ? errorMessage(remove.error) : undefined}
        onConfirm={() =>
          remove.mutateAsync(rs.id ?? '').then(
            () => void navigate(`/t/${encodeURIComponent(api.tenant)}/apis`),
            () => undefined,
          )
        }
      >
        This deletes the API {rs.name} and the grants of applications to it.
      </ConfirmDestructive>
    </Stack>
  );
}

function PermissionsTab({ api, rs }: { api: TenantApi; rs: ResourceServer }) {
  const update = useUpdateResourceServer(api, rs.id ?? '');
  const canWrite = api.can('update:resource_servers') && !rs.is_system;
  const scopes = rs.scopes ?? [];
  const [value, setValue] = useState('');
  const [description, setDescription] = useState('');
  const exists = scopes.some((s) => s.value === value.trim());
  const invalid = /\s/.test(value.trim());
  const save = (next: { value: string; description?: string }[], onSuccess?: () => void) =>
    update.mutate({ scopes: next } as ResourceServerPatch, onSuccess ? { onSuccess } : {});
  return (
    <Stack gap="lg" maw={900}>
      {canWrite ? (
        <SettingsCard title="Add a Permission">
          <form
            onSubmit={(event) => {
              event.preventDefault();
              if (!value.trim() || exists || invalid) return;
              save([...scopes, { value: value.trim(), description: description.trim() }], () => {
                setValue('');
                setDescription('');
              });
            }}
          >
            <Group align="flex-start" grow>
              <TextInput label="Permission" placeholder="read:appointments" value={value} onChange={(e) => setValue(e.currentTarget.value)} maxLength={280} error={exists ? 'This permission exists already.' : invalid ? 'No spaces in a permission.' : undefined} />
              <TextInput label="Description" placeholder="Read your appointments" value={description} onChange={(e) => setDescription(e.currentTarget.value)} maxLength={500} />
            </Group>
            <Group mt="sm">
              <Button type="submit" loading={update.isPending} disabled={!value.trim() || exists || invalid}>
                + Add
              </Button>
            </Group>
          </form>
        </SettingsCard>
      ) : null}
      <ErrorAlert error={update.error} />
      {scopes.length === 0 ? (
        <Text c="dimmed" data-testid="query-empty">
          This API has no permissions yet.
        </Text>
      ) : (
        <Table aria-label="Permissions" striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Permission</Table.Th>
              <Table.Th>Description</Table.Th>
              <Table.Th>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {scopes.map((scope) => (
              <Table.Tr key={scope.value}>
                <Table.Td ff="monospace">{scope.value}</Table.Td>
                <Table.Td>{scope.description}</Table.Td>
                <Table.Td>
                  {canWrite ? (
                    <Button size="xs" color="red" variant="subtle" aria-label={`Remove permission ${scope.value}`} onClick={() => save(scopes.filter((s) => s.value !== scope.value))}>
                      Remove
                    </Button>
                  ) : null}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {rs.is_system ? null : <AuthorizationDetailsTypes api={api} rs={rs} canWrite={canWrite} />}
    </Stack>
  );
}

function useMachineApps(api: TenantApi, rs: ResourceServer) {
  const clients = useClients(api);
  const grants = useClientGrants(api, { audience: rs.identifier ?? '' });
  return combineQueries(clients.data && grants.data ? { apps: clients.data.filter((c) => c.app_type === 'non_interactive'), grants: grants.data } : undefined, clients, grants);
}

function MachineAppsTab({ api, rs }: { api: TenantApi; rs: ResourceServer }) {
  const apps = useMachineApps(api, rs);
  const mutations = useGrantMutations(api);
  const [editing, setEditing] = useState<{ app: Client; grant: ClientGrant; scope: string[] } | null>(null);
  const canCreate = api.can('create:client_grants');
  const canDelete = api.can('delete:client_grants');
  const canUpdate = api.can('update:client_grants');
  const busy = mutations.create.isPending || mutations.remove.isPending;
  return (
    <QueryState query={apps} errorTitle="Could not load the applications" isEmpty={(d) => d.apps.length === 0} empty="No Machine to Machine applications yet. Create one under Applications.">
      {({ apps: list, grants }) => (
        <Stack gap="md" maw={900}>
          <Text size="sm">Authorize Machine to Machine applications to request access tokens for this API with the client credentials grant.</Text>
          <ErrorAlert error={mutations.create.error ?? mutations.remove.error} />
          <Table aria-label="Machine to Machine Applications" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Application</Table.Th>
                <Table.Th>Permissions</Table.Th>
                <Table.Th>Authorized</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((app) => {
                const grant = grants.find((g) => g.client_id === app.client_id);
                return (
                  <Table.Tr key={app.client_id}>
                    <Table.Td>
                      <Text size="sm" fw={500}>
                        {app.name}
                      </Text>
                      <Text size="xs" ff="monospace" c="dimmed">
                        {app.client_id}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      {grant ? (
                        <Group gap="xs">
                          <Text size="sm">{grant.scope?.length ? grant.scope.join(' ') : 'none'}</Text>
                          {canUpdate ? (
                            <Button size="compact-xs" variant="default" aria-label={`Edit permissions of ${app.name}`} onClick={() => setEditing({ app, grant, scope: grant.scope ?? [] })}>
                              Edit
                            </Button>
                          ) : null}
                        </Group>
                      ) : (
                        '—'
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Switch
                        aria-label={`Authorize ${app.name}`}
                        checked={Boolean(grant)}
                        disabled={busy || (grant ? !canDelete : !canCreate)}
                        onChange={(event) => {
                          if (event.currentTarget.checked) mutations.create.mutate({ client_id: app.client_id ?? '', audience: rs.identifier ?? '', scope: [] });
                          else if (grant?.id) mutations.remove.mutate(grant.id);
                        }}
                      />
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
          <Modal opened={editing !== null} onClose={() => setEditing(null)} title={`Permissions of ${editing?.app.name ?? ''}`} size="lg" centered>
            {editing ? (
              <Stack gap="md">
                <ScopePicker api={rs} value={editing.scope} onChange={(scope) => setEditing({ ...editing, scope })} />
                <ErrorAlert error={mutations.update.error} />
                <Group justify="flex-end">
                  <Button variant="default" onClick={() => setEditing(null)}>
                    Cancel
                  </Button>
                  <Button loading={mutations.update.isPending} onClick={() => editing.grant.id && mutations.update.mutate({ id: editing.grant.id, scope: editing.scope }, { onSuccess: () => setEditing(null) })}>
                    Update
                  </Button>
                </Group>
              </Stack>
            ) : null}
          </Modal>
        </Stack>
      )}
    </QueryState>
  );
}

const MASK = '••••••••';

function TestTab({ api, rs }: { api: TenantApi; rs: ResourceServer }) {
  const apps = useMachineApps(api, rs);
  const [chosen, setChosen] = useState<string | null>(null);
  const [reveal, setReveal] = useState(false);
  return (
    <QueryState query={apps} errorTitle="Could not load the applications">
      {({ apps: list, grants }) => {
        const authorized = list.filter((app) => grants.some((g) => g.client_id === app.client_id));
        if (authorized.length === 0) {
          return (
            <Text c="dimmed" data-testid="query-empty">
              No Machine to Machine application is authorized for this API yet: authorize one in the Machine to Machine Applications tab.
            </Text>
          );
        }
        const app = authorized.find((a) => a.client_id === chosen) ?? authorized[0]!;
        const secret = api.can('read:client_keys') ? app.client_secret : undefined;
        const shown = reveal && secret ? secret : secret ? MASK : 'YOUR_CLIENT_SECRET';
        return (
          <Stack gap="md" maw={900}>
            <Text size="sm">Ask for an access token for {rs.name} with the client credentials grant:</Text>
            <Select label="Application" data={authorized.map((a) => ({ value: a.client_id ?? '', label: a.name ?? '' }))} value={app.client_id ?? null} onChange={(v) => setChosen(v)} allowDeselect={false} maw={420} />
            <Code block data-testid="test-curl" tabIndex={0} aria-label="Client credentials request" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
              {clientCredentialsCurl(api.origin, app.client_id ?? '', shown, rs.identifier ?? '')}
            </Code>
            {secret ? (
              <Switch label="Show client secret" checked={reveal} onChange={(e) => setReveal(e.currentTarget.checked)} />
            ) : (
              <Text size="xs" c="dimmed">
                Replace YOUR_CLIENT_SECRET with the application's secret{api.can('read:client_keys') ? '.' : ' (your role cannot read client secrets).'}
              </Text>
            )}
            <TestToken key={app.client_id} tenant={api.tenant} rs={rs} clientId={app.client_id ?? ''} appName={app.name ?? ''} />
          </Stack>
        );
      }}
    </QueryState>
  );
}

/**
 * "Get test token" (Admins): the control API mints a real client-credentials token for the chosen
 * application (the secret never comes to the browser); shown with its decoded payload.
 */
function TestToken({ tenant, rs, clientId, appName }: { tenant: string; rs: ResourceServer; clientId: string; appName: string }) {
  const summary = useTenant(tenant);
  const mint = useMutation({
    mutationFn: () => call(() => control.POST('/api/control/v1/tenants/{name}/apis/{id}/test-token', { params: { path: { name: tenant, id: rs.id ?? '' } }, body: { client_id: clientId } })),
  });
  if (!managesMembers(summary.data?.roles)) return null;
  const payload = mint.data ? decodeJwtPayload(mint.data.access_token) : undefined;
  return (
    <Card withBorder>
      <Stack gap="sm">
        <Title order={2} size="h4">
          Test token
        </Title>
        <Text size="sm">Get a real access token for {rs.name}, as {appName} would get it from the token endpoint.</Text>
        <Group>
          <Button onClick={() => mint.mutate()} loading={mint.isPending}>
            Get test token
          </Button>
        </Group>
        {mint.isError ? (
          <Alert color="red" role="alert" variant="light">
            {errorMessage(mint.error)}
          </Alert>
        ) : null}
        {mint.data ? (
          <Stack gap="sm">
            <CopyField label="Access token" value={mint.data.access_token} description={`Bearer, expires in ${mint.data.expires_in} seconds${mint.data.scope ? `; scope: ${mint.data.scope}` : ''}`} />
            <Text size="sm" fw={500} id="test-token-payload-label">
              Decoded payload
            </Text>
            <Code block data-testid="test-token-payload" tabIndex={0} aria-labelledby="test-token-payload-label" style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
              {payload
                ? JSON.stringify(payload, null, 2)
                : mint.data.access_token.split('.').length === 5
                  ? 'The token is encrypted for this API (JWE): only the API, with its private key, can read the claims.'
                  : 'The token could not be decoded.'}
            </Code>
          </Stack>
        ) : null}
      </Stack>
    </Card>
  );
}
