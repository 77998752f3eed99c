/**
 * `/t/{tenant}/applications/{client_id}`: one application, in Auth0's tabs: Settings (basic
 * information, application URIs, authorization requests (PAR), delete), Credentials (CredentialsTab.tsx; confidential applications only),
 * Connections (ConnectionsTab.tsx), APIs (client grants), Advanced (grant types, refresh tokens, JWT signature algorithm; Device Settings for native apps, DeviceSettingsCard.tsx).
 */
import { useState } from 'react';
import {
  Alert, Anchor, Badge, Button, Card, Checkbox, Group, Modal, NumberInput, Select, Stack, Switch, Table, Tabs, Text, TextInput, Textarea, Title, VisuallyHidden,
} from '@mantine/core';
import { notifySuccess } from '../../components/notify';
import { IconArrowLeft } from '@tabler/icons-react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { combineQueries, useTenantApi, type Client, type ClientGrant, type ClientPatch, type TenantApi } from '../../api/tenant-api';
import { ConfirmDestructive } from '../../components/ConfirmDestructive';
import { CopyField } from '../../components/CopyField';
import { QueryState, errorMessage } from '../../components/QueryState';
import { formatUrlList, parseUrlList } from '../../lib/url-list';
import { ConnectionsTab } from './ConnectionsTab';
import { CredentialsTab } from './CredentialsTab';
import { AuthorizationRequestsCard } from './AuthorizationRequestsCard';
import { DeviceSettingsCard } from './DeviceSettingsCard';
import { isConfidential } from './credential-methods';
import { ScopePicker } from './ScopePicker';
import { APP_TYPES, appTypeLabel, useClient, useClientGrants, useDeleteClient, useGrantMutations, useResourceServers, useUpdateClient } from './queries';
import { SaveBar, SettingsCard } from '../../components/SettingsCard';
import { EndpointsAndCertificates } from './EndpointsAndCertificates';
import { JsonEditor, jsonError } from '../../components/JsonEditor';

const TABS = ['settings', 'credentials', 'connections', 'apis', 'advanced'] as const;

export function ApplicationPage() {
  const api = useTenantApi();
  const id = useParams().id ?? '';
  const client = useClient(api, id);
  const [params, setParams] = useSearchParams();
  const tab = TABS.find((t) => t === params.get('tab')) ?? 'settings';
  return (
    <Stack gap="lg">
      <Anchor component={Link} to={`/t/${encodeURIComponent(api.tenant)}/applications`} size="sm">
        <Group gap={4}>
          <IconArrowLeft size={14} aria-hidden /> Back to Applications
        </Group>
      </Anchor>
      <QueryState query={client} errorTitle="Could not load the application">
        {(app) => (
          <Stack gap="lg">
            <div>
              <Group gap="sm">
                <Title order={1}>{app.name}</Title>
                <Badge variant="light">{appTypeLabel(app.app_type)}</Badge>
              </Group>
              <Text size="sm" c="dimmed">
                Client ID <Text span ff="monospace">{app.client_id}</Text>
              </Text>
            </div>
            <Tabs value={tab === 'credentials' && !isConfidential(app) ? 'settings' : tab} onChange={(value) => setParams(value && value !== 'settings' ? { tab: value } : {}, { replace: true })} keepMounted={false}>
              <Tabs.List>
                <Tabs.Tab value="settings">Settings</Tabs.Tab>
                {/* Auth0: "The Credentials tab may not be visible in your tenant if you have a public application." */}
                {isConfidential(app) ? <Tabs.Tab value="credentials">Credentials</Tabs.Tab> : null}
                <Tabs.Tab value="connections">Connections</Tabs.Tab>
                <Tabs.Tab value="apis">APIs</Tabs.Tab>
                <Tabs.Tab value="advanced">Advanced</Tabs.Tab>
              </Tabs.List>
              <Tabs.Panel value="settings" pt="lg">
                <SettingsTab api={api} app={app} />
              </Tabs.Panel>
              {isConfidential(app) ? (
                <Tabs.Panel value="credentials" pt="lg">
                  <CredentialsTab api={api} app={app} />
                </Tabs.Panel>
              ) : null}
              <Tabs.Panel value="connections" pt="lg">
                <ConnectionsTab api={api} app={app} />
              </Tabs.Panel>
              <Tabs.Panel value="apis" pt="lg">
                <ApisTab api={api} app={app} />
              </Tabs.Panel>
              <Tabs.Panel value="advanced" pt="lg">
                <AdvancedTab api={api} app={app} />
                {app.app_type === 'native' ? <DeviceSettingsCard api={api} app={app} /> : null}
                <EndpointsAndCertificates api={api} app={app} />
              </Tabs.Panel>
            </Tabs>
          </Stack>
        )}
      </QueryState>
    </Stack>
  );
}

function useSave(api: TenantApi, app: Client) {
  const update = useUpdateClient(api, app.client_id ?? '');
  const save = (patch: ClientPatch) =>
    update.mutate(patch, { onSuccess: () => notifySuccess('Saved', 'Changes saved.') });
  return { update, save };
}

function SettingsTab({ api, app }: { api: TenantApi; app: Client }) {
  const { update, save } = useSave(api, app);
  const canWrite = api.can('update:clients');
  const [form, setForm] = useState(() => ({
    name: app.name ?? '',
    description: app.description ?? '',
    logo_uri: app.logo_uri ?? '',
    initiate_login_uri: app.initiate_login_uri ?? '',
    callbacks: formatUrlList(app.callbacks),
    allowed_logout_urls: formatUrlList(app.allowed_logout_urls),
    web_origins: formatUrlList(app.web_origins),
    allowed_origins: formatUrlList(app.allowed_origins),
    app_type: app.app_type ?? 'regular_web',
    require_par: app.require_pushed_authorization_requests === true,
  }));
  const set = (key: keyof typeof form) => (event: { currentTarget: { value: string } }) => {
    const value = event.currentTarget.value;
    setForm((f) => ({ ...f, [key]: value }));
  };
  const [deleting, setDeleting] = useState(false);
  const remove = useDeleteClient(api);
  const navigate = useNavigate();
  const interactive = app.app_type !== 'non_interactive';
  return (
    <Stack gap="lg" maw={820}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          save({
            name: form.name.trim(),
            description: form.description,
            ...(form.logo_uri.trim() ? { logo_uri: form.logo_uri.trim() } : {}),
            ...(form.initiate_login_uri.trim() ? { initiate_login_uri: form.initiate_login_uri.trim() } : {}),
            callbacks: parseUrlList(form.callbacks),
            allowed_logout_urls: parseUrlList(form.allowed_logout_urls),
            web_origins: parseUrlList(form.web_origins),
            allowed_origins: parseUrlList(form.allowed_origins),
            ...(form.app_type !== app.app_type ? { app_type: form.app_type } : {}),
            // Sent only when changed: requiring PAR is refused while the tenant does not allow it.
            ...(form.require_par !== (app.require_pushed_authorization_requests === true) ? { require_pushed_authorization_requests: form.require_par } : {}),
          } as ClientPatch);
        }}
      >
        <fieldset disabled={!canWrite} style={{ border: 0, padding: 0, margin: 0 }}>
          <Stack gap="lg">
            <SettingsCard title="Basic Information">
              <TextInput label="Name" value={form.name} onChange={set('name')} required maxLength={255} />
              <CopyField label="Domain" value={new URL(api.origin).host} />
              <CopyField label="Client ID" value={app.client_id ?? ''} />
              <Textarea label="Description" value={form.description} onChange={set('description')} maxLength={140} autosize minRows={2} description="A free text description of the application. Max character count is 140." />
            </SettingsCard>
            <SettingsCard title="Application Properties">
              <TextInput label="Application Logo" value={form.logo_uri} onChange={set('logo_uri')} description="The URL of the logo to display for the application, if none is set the default badge for this type of application will be shown." placeholder="https://path.to/my_logo.png" />
              {/* As on Auth0: a Machine to Machine application keeps its type. */}
              <Select
                label="Application Type"
                description="The type determines which settings apply to the application."
                data={APP_TYPES.filter((t) => t.value !== 'non_interactive' || app.app_type === 'non_interactive').map((t) => ({ value: t.value, label: t.label }))}
                value={form.app_type}
                onChange={(value) => value && setForm((f) => ({ ...f, app_type: value as typeof f.app_type }))}
                allowDeselect={false}
                disabled={app.app_type === 'non_interactive'}
              />
            </SettingsCard>
            <SettingsCard title="Application URIs">
              <TextInput label="Application Login URI" value={form.initiate_login_uri} onChange={set('initiate_login_uri')} placeholder="https://myapp.org/login" description="In some scenarios, Tessera will need to redirect to your application's login page. This URI needs to point to a route in your application that should redirect to your tenant's /authorize endpoint." />
              {interactive ? (
                <>
                  <Textarea label="Allowed Callback URLs" value={form.callbacks} onChange={set('callbacks')} autosize minRows={2} description="After the user authenticates we will only call back to any of these URLs. Separate multiple URLs with commas." />
                  <Textarea label="Allowed Logout URLs" value={form.allowed_logout_urls} onChange={set('allowed_logout_urls')} autosize minRows={2} description="A set of URLs that are valid to redirect to after logout. Separate multiple URLs with commas." />
                  <Textarea label="Allowed Web Origins" value={form.web_origins} onChange={set('web_origins')} autosize minRows={2} description="Origins allowed to make requests from JavaScript (silent authentication, token refresh). Separate multiple origins with commas." />
                </>
              ) : null}
              <Textarea label="Allowed Origins (CORS)" value={form.allowed_origins} onChange={set('allowed_origins')} autosize minRows={2} description="Origins allowed to make cross-origin requests to the authentication API. Separate multiple origins with commas." />
            </SettingsCard>
            {interactive ? (
              <SettingsCard title="Authorization Requests">
                <Switch
                  label="Require Pushed Authorization Requests (PAR)"
                  description="The application must push its authorization requests to /oauth/par and send only client_id and the returned request_uri to /authorize. The tenant must allow Pushed Authorization Requests (Settings › Advanced) first."
                  checked={form.require_par}
                  onChange={(event) => {
                    const checked = event.currentTarget.checked;
                    setForm((f) => ({ ...f, require_par: checked }));
                  }}
                />
              </SettingsCard>
            ) : null}
            <SaveBar canWrite={canWrite} pending={update.isPending} error={update.error} subject="this application" />
          </Stack>
        </fieldset>
      </form>
      {interactive ? <AuthorizationRequestsCard api={api} app={app} /> : null}
      {api.can('delete:clients') ? (
        <Card withBorder style={{ borderColor: 'var(--mantine-color-red-outline)' }}>
          <Group justify="space-between" wrap="nowrap">
            <div>
              <Title order={2} size="h4">
                Delete this application
              </Title>
              <Text size="sm">All your apps using this client will stop working. Once confirmed, this operation cannot be undone.</Text>
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
        title={`Delete application ${app.name}`}
        name={app.name ?? ''}
        confirmLabel="Delete application"
        error={remove.isError ? errorMessage(remove.error) : undefined}
        onConfirm={() =>
          remove.mutateAsync(app.client_id ?? '').then(
            () => {
              notifySuccess('Application deleted', `${app.name} was deleted.`);
              void navigate(`/t/${encodeURIComponent(api.tenant)}/applications`);
            },
            () => undefined,
          )
        }
      >
        This deletes {app.name} and its grants. Apps using its client ID stop working. It cannot be undone.
      </ConfirmDestructive>
    </Stack>
  );
}

function ApisTab({ api, app }: { api: TenantApi; app: Client }) {
  const canRead = api.can('read:client_grants') && api.can('read:resource_servers');
  const grants = useClientGrants(api, { client_id: app.client_id ?? '' }, canRead);
  const servers = useResourceServers(api, canRead);
  const mutations = useGrantMutations(api);
  const [editing, setEditing] = useState<{ grant?: ClientGrant; audience: string | null; scope: string[] } | null>(null);
  const [removing, setRemoving] = useState<ClientGrant | null>(null);
  if (!canRead) return <Text size="sm" c="dimmed">Your role cannot read APIs and client grants.</Text>;
  const both = combineQueries(grants.data && servers.data ? { grants: grants.data, servers: servers.data } : undefined, grants, servers);
  const canCreate = api.can('create:client_grants');
  return (
    <QueryState query={both} errorTitle="Could not load the application's APIs">
      {({ grants: list, servers: rs }) => {
        const byAudience = new Map(rs.map((s) => [s.identifier, s]));
        const unauthorized = rs.filter((s) => !list.some((g) => g.audience === s.identifier));
        const chosen = editing?.audience ? byAudience.get(editing.audience) : undefined;
        return (
          <Stack gap="md" maw={900}>
            <Group justify="space-between">
              <Text size="sm">APIs this application may request access tokens for with the client credentials grant, and the permissions it gets.</Text>
              {canCreate && unauthorized.length > 0 ? (
                <Button onClick={() => setEditing({ audience: null, scope: [] })}>Authorize an API</Button>
              ) : null}
            </Group>
            {list.length === 0 ? (
              <Text c="dimmed" data-testid="query-empty">
                This application is not authorized for any API.
              </Text>
            ) : (
              <Table aria-label="Authorized APIs" striped>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>API</Table.Th>
                    <Table.Th>Identifier</Table.Th>
                    <Table.Th>Permissions</Table.Th>
                    <Table.Th>
                      <VisuallyHidden>Actions</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.map((grant) => (
                    <Table.Tr key={grant.id}>
                      <Table.Td>{byAudience.get(grant.audience)?.name ?? grant.audience}</Table.Td>
                      <Table.Td ff="monospace">{grant.audience}</Table.Td>
                      <Table.Td>{grant.scope?.length ? grant.scope.join(' ') : <Text span c="dimmed" size="sm">none</Text>}</Table.Td>
                      <Table.Td>
                        <Group gap="xs" justify="flex-end" wrap="nowrap">
                          {api.can('update:client_grants') ? (
                            <Button size="xs" variant="default" onClick={() => setEditing({ grant, audience: grant.audience ?? null, scope: grant.scope ?? [] })} aria-label={`Edit permissions for ${grant.audience}`}>
                              Edit
                            </Button>
                          ) : null}
                          {api.can('delete:client_grants') ? (
                            <Button size="xs" color="red" variant="outline" onClick={() => setRemoving(grant)} aria-label={`Remove ${grant.audience}`}>
                              Remove
                            </Button>
                          ) : null}
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
            <Modal opened={editing !== null} onClose={() => setEditing(null)} title={editing?.grant ? 'Edit permissions' : 'Authorize an API'} size="lg" centered>
              {editing ? (
                <form
                  onSubmit={(event) => {
                    event.preventDefault();
                    const done = { onSuccess: () => setEditing(null) };
                    if (editing.grant?.id) mutations.update.mutate({ id: editing.grant.id, scope: editing.scope }, done);
                    else if (editing.audience) mutations.create.mutate({ client_id: app.client_id ?? '', audience: editing.audience, scope: editing.scope }, done);
                  }}
                >
                  <Stack gap="md">
                    {editing.grant ? (
                      <Text size="sm">API: {chosen?.name ?? editing.audience}</Text>
                    ) : (
                      <Select label="API" placeholder="Select an API" data={unauthorized.map((s) => ({ value: s.identifier ?? '', label: `${s.name} (${s.identifier})` }))} value={editing.audience} onChange={(value) => setEditing({ ...editing, audience: value, scope: [] })} required />
                    )}
                    <ScopePicker api={chosen} value={editing.scope} onChange={(scope) => setEditing({ ...editing, scope })} />
                    {mutations.create.isError || mutations.update.isError ? (
                      <Alert color="red" role="alert" variant="light">
                        {errorMessage(mutations.create.error ?? mutations.update.error)}
                      </Alert>
                    ) : null}
                    <Group justify="flex-end">
                      <Button variant="default" onClick={() => setEditing(null)}>
                        Cancel
                      </Button>
                      <Button type="submit" disabled={!editing.audience} loading={mutations.create.isPending || mutations.update.isPending}>
                        {editing.grant ? 'Update' : 'Authorize'}
                      </Button>
                    </Group>
                  </Stack>
                </form>
              ) : null}
            </Modal>
            <Modal opened={removing !== null} onClose={() => setRemoving(null)} title="Remove authorization?" centered>
              <Stack gap="md">
                <Text size="sm">{app.name} will no longer get access tokens for {removing?.audience}.</Text>
                {mutations.remove.isError ? (
                  <Alert color="red" role="alert" variant="light">
                    {errorMessage(mutations.remove.error)}
                  </Alert>
                ) : null}
                <Group justify="flex-end">
                  <Button variant="default" onClick={() => setRemoving(null)}>
                    Cancel
                  </Button>
                  <Button color="red" loading={mutations.remove.isPending} onClick={() => removing?.id && mutations.remove.mutate(removing.id, { onSuccess: () => setRemoving(null) })}>
                    Remove
                  </Button>
                </Group>
              </Stack>
            </Modal>
          </Stack>
        );
      }}
    </QueryState>
  );
}

const CIBA_GRANT = 'urn:openid:params:grant-type:ciba';

const GRANT_TYPES = [
  { value: 'implicit', label: 'Implicit' },
  { value: 'authorization_code', label: 'Authorization Code' },
  { value: 'refresh_token', label: 'Refresh Token' },
  { value: 'client_credentials', label: 'Client Credentials' },
  { value: 'password', label: 'Password' },
  { value: 'http://auth0.com/oauth/grant-type/password-realm', label: 'Password Realm' },
  { value: 'urn:ietf:params:oauth:grant-type:device_code', label: 'Device Code' },
  { value: CIBA_GRANT, label: 'Client Initiated Backchannel Authentication (CIBA)' },
  { value: 'http://auth0.com/oauth/grant-type/passwordless/otp', label: 'Passwordless OTP' },
  { value: 'http://auth0.com/oauth/grant-type/mfa-otp', label: 'MFA (OTP)' },
];

/** Auth0's "FAPI Compliance Enforcement Level" choices, with the page's labels ("Configure FAPI Compliance"). */
const COMPLIANCE_LEVEL_OPTIONS = [
  { value: 'none', label: 'None' },
  { value: 'fapi1_adv_pkj_par', label: 'FAPI 1 Advanced profile using Private Key JWT and PAR' },
  { value: 'fapi1_adv_mtls_par', label: 'FAPI 1 Advanced profile using mTLS and PAR' },
  { value: 'fapi2_sp_pkj_mtls', label: 'FAPI 2.0 Security Profile with Private Key JWT and certificate binding' },
  { value: 'fapi2_sp_mtls_mtls', label: 'FAPI 2.0 Security Profile with mTLS and certificate binding' },
];

function AdvancedTab({ api, app }: { api: TenantApi; app: Client }) {
  const { update, save } = useSave(api, app);
  const canWrite = api.can('update:clients');
  const rt = app.refresh_token ?? {};
  const [grantTypes, setGrantTypes] = useState<string[]>(app.grant_types ?? []);
  const [rotation, setRotation] = useState(rt.rotation_type === 'rotating');
  const [expiring, setExpiring] = useState(rt.expiration_type === 'expiring');
  const [leeway, setLeeway] = useState<number>(rt.leeway ?? 0);
  const [absolute, setAbsolute] = useState<number>(rt.token_lifetime ?? 2592000);
  const [idle, setIdle] = useState<number>(rt.idle_token_lifetime ?? 1296000);
  const [infiniteAbsolute, setInfiniteAbsolute] = useState(rt.infinite_token_lifetime ?? true);
  const [infiniteIdle, setInfiniteIdle] = useState(rt.infinite_idle_token_lifetime ?? true);
  const [alg, setAlg] = useState<string>(app.jwt_configuration?.alg ?? 'RS256');
  const [idTokenLifetime, setIdTokenLifetime] = useState<number>(app.jwt_configuration?.lifetime_in_seconds ?? 36000);
  const storedCompliance = app.compliance_level ?? 'none';
  const [compliance, setCompliance] = useState<string>(storedCompliance);
  const [metadata, setMetadata] = useState(() => JSON.stringify(app.client_metadata ?? {}, null, 2));
  const metadataProblem = jsonError(metadata);
  // CIBA notification channels: email only (push needs Auth0's Guardian app, which Tessera does not have).
  const storedEmail = (app.async_approval_notification_channels ?? []).includes('email');
  const [cibaEmail, setCibaEmail] = useState(storedEmail);
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (metadataProblem) return;
        save({
          client_metadata: JSON.parse(metadata) as Record<string, string>,
          grant_types: grantTypes as ClientPatch['grant_types'],
          refresh_token: {
            rotation_type: rotation ? 'rotating' : 'non-rotating',
            expiration_type: expiring || rotation ? 'expiring' : 'non-expiring',
            leeway,
            token_lifetime: absolute,
            idle_token_lifetime: idle,
            infinite_token_lifetime: infiniteAbsolute,
            infinite_idle_token_lifetime: infiniteIdle,
          },
          jwt_configuration: { ...(app.jwt_configuration ?? {}), alg: alg as 'RS256', lifetime_in_seconds: idTokenLifetime },
          ...(cibaEmail !== storedEmail ? { async_approval_notification_channels: cibaEmail ? ['email'] : null } : {}),
          // Sent only when changed: the server checks the tenant's PAR setting when the level is written.
          ...(compliance !== storedCompliance ? { compliance_level: compliance === 'none' ? null : compliance } : {}),
        } as ClientPatch);
      }}
    >
      <fieldset disabled={!canWrite} style={{ border: 0, padding: 0, margin: 0 }}>
        <Stack gap="lg" maw={820}>
          <SettingsCard title="Grant Types">
            <Checkbox.Group label="Grant types this application may use" value={grantTypes} onChange={setGrantTypes}>
              <Stack gap="xs" mt="xs">
                {GRANT_TYPES.map((g) => (
                  <Checkbox key={g.value} value={g.value} label={g.label} />
                ))}
              </Stack>
            </Checkbox.Group>
          </SettingsCard>
          {grantTypes.includes(CIBA_GRANT) && (
            <SettingsCard title="Client Initiated Backchannel Authentication (CIBA)" description="How a CIBA request reaches the user. Email needs requested_expiry between 301 and 259200 seconds and a verified email address.">
              <Checkbox label="Email" checked={cibaEmail} onChange={(e) => setCibaEmail(e.currentTarget.checked)} />
              <Checkbox label="Mobile push notification (Auth0 Guardian)" description="Not available: Tessera has no Guardian push app." checked={false} disabled />
            </SettingsCard>
          )}
          <SettingsCard title="Refresh Token Rotation">
            <Switch label="Allow Refresh Token Rotation" description="When enabled, every refresh token exchange issues a new refresh token and invalidates the previous one." checked={rotation} onChange={(e) => setRotation(e.currentTarget.checked)} />
            <NumberInput label="Rotation Overlap Period (seconds)" description="How long a used refresh token can still be reused (leeway)." value={leeway} onChange={(v) => setLeeway(Number(v) || 0)} min={0} max={1800} disabled={!rotation} />
          </SettingsCard>
          <SettingsCard title="Refresh Token Expiration">
            <Switch label="Set Idle Refresh Token Lifetime / Absolute Expiration" description="Refresh tokens expire (required with rotation)." checked={expiring || rotation} onChange={(e) => setExpiring(e.currentTarget.checked)} disabled={rotation} />
            <Switch label="Absolute lifetime never expires" checked={infiniteAbsolute} onChange={(e) => setInfiniteAbsolute(e.currentTarget.checked)} />
            <NumberInput label="Maximum Refresh Token Lifetime (seconds)" value={absolute} onChange={(v) => setAbsolute(Number(v) || 0)} min={1} max={31557600} disabled={infiniteAbsolute} />
            <Switch label="Idle lifetime never expires" checked={infiniteIdle} onChange={(e) => setInfiniteIdle(e.currentTarget.checked)} />
            <NumberInput label="Idle Refresh Token Lifetime (seconds)" value={idle} onChange={(v) => setIdle(Number(v) || 0)} min={1} max={31557600} disabled={infiniteIdle} />
          </SettingsCard>
          <SettingsCard title="ID Token">
            <NumberInput label="ID Token Expiration (seconds)" description="How long an ID token issued to this application is valid; Auth0's default is 36000 (10 hours)." value={idTokenLifetime} onChange={(v) => setIdTokenLifetime(Number(v) || 0)} min={1} max={2592000} />
          </SettingsCard>
          <SettingsCard title="Application Metadata" description="Up to 10 string keys and values of at most 255 characters, returned as client_metadata.">
            <JsonEditor label="client_metadata" value={metadata} onChange={setMetadata} disabled={!canWrite} />
          </SettingsCard>
          <SettingsCard title="OAuth">
            <Select label="JSON Web Token (JWT) Signature Algorithm" description="The algorithm used to sign the ID tokens of this application. HS256 signs with the client secret." data={['RS256', 'PS256', 'HS256']} value={alg} onChange={(v) => v && setAlg(v)} allowDeselect={false} />
            <Select
              label="FAPI Compliance Enforcement Level"
              description="Authorization requests succeed only when they and this application's configuration comply with the profile: PAR (the tenant must allow it first), PKCE S256, response type code, certificate-bound tokens, and the profile's client authentication (configure it under Credentials first)."
              data={COMPLIANCE_LEVEL_OPTIONS}
              value={compliance}
              onChange={(v) => v && setCompliance(v)}
              allowDeselect={false}
            />
          </SettingsCard>
          <SaveBar canWrite={canWrite} pending={update.isPending} error={update.error} subject="this application" />
        </Stack>
      </fieldset>
    </form>
  );
}
