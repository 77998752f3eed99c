/**
 * `/t/{tenant}/authentication/passwordless/{id}`: one email or SMS connection, in Auth0's tabs:
 * Settings (message, one-time code, sign-ups, brute force; delete) and Applications (the
 * applications that may use it). Only options Tessera acts on are offered (see options.ts).
 */
import { useState } from 'react';
import { Alert, Anchor, Badge, Button, Card, Code, Group, NumberInput, Stack, Switch, Table, Tabs, Text, TextInput, Textarea, Title, VisuallyHidden } from '@mantine/core';
import { IconArrowLeft } from '@tabler/icons-react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { useTenantApi, type TenantApi } from '../../api/tenant-api';
import { ConfirmDestructive } from '../../components/ConfirmDestructive';
import { QueryState, errorMessage } from '../../components/QueryState';
import { notifySuccess } from '../../components/notify';
import { appTypeLabel, useClients } from '../applications/queries';
import { OTP_LENGTH, OTP_LIFETIME, formOf, lifetimeMinutes, optionsOf, type PasswordlessForm } from './options';
import { passwordlessPath } from './PasswordlessPage';
import { isPasswordless, strategyLabel, useConnection, useDeleteConnection, useSetConnectionClient, useUpdateConnection, type Connection } from './queries';
import { SaveBar, SettingsCard } from '../../components/SettingsCard';

const TABS = ['settings', 'applications'] as const;
const MONO = { input: { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace' } };

export function PasswordlessConnectionPage() {
  const api = useTenantApi();
  const id = useParams().id ?? '';
  const connection = useConnection(api, id);
  const [params, setParams] = useSearchParams();
  const tab = TABS.find((t) => t === params.get('tab')) ?? 'settings';
  return (
    <Stack gap="lg">
      <Anchor component={Link} to={passwordlessPath(api.tenant)} size="sm">
        <Group gap={4}>
          <IconArrowLeft size={14} aria-hidden /> Back to Passwordless
        </Group>
      </Anchor>
      <QueryState query={connection} errorTitle="Could not load the connection">
        {(conn) =>
          isPasswordless(conn.strategy) ? (
            <Stack gap="lg">
              <div>
                <Group gap="sm">
                  <Title order={1}>{conn.name}</Title>
                  <Badge variant="light">{strategyLabel(conn.strategy)}</Badge>
                </Group>
                <Text size="sm" c="dimmed">
                  Connection ID <Text span ff="monospace">{conn.id}</Text>
                </Text>
              </div>
              <Tabs value={tab} onChange={(value) => setParams(value && value !== 'settings' ? { tab: value } : {}, { replace: true })} keepMounted={false}>
                <Tabs.List>
                  <Tabs.Tab value="settings">Settings</Tabs.Tab>
                  <Tabs.Tab value="applications">Applications</Tabs.Tab>
                </Tabs.List>
                <Tabs.Panel value="settings" pt="lg">
                  {/* Keyed by the stored options: a save that changes them starts the form from the answer. */}
                  <SettingsTab key={JSON.stringify(conn.options)} api={api} connection={conn} />
                </Tabs.Panel>
                <Tabs.Panel value="applications" pt="lg">
                  <ApplicationsTab api={api} connection={conn} />
                </Tabs.Panel>
              </Tabs>
            </Stack>
          ) : (
            <Alert color="yellow" variant="light" role="alert">
              {conn.name} is a {strategyLabel(conn.strategy)} connection, not a passwordless one.
            </Alert>
          )
        }
      </QueryState>
    </Stack>
  );
}

function SettingsTab({ api, connection }: { api: TenantApi; connection: Connection }) {
  const canWrite = api.can('update:connections');
  const update = useUpdateConnection(api, connection.id ?? '');
  const [form, setForm] = useState<PasswordlessForm>(() => formOf(connection));
  const set = <K extends keyof PasswordlessForm>(key: K, value: PasswordlessForm[K]) => setForm((f) => ({ ...f, [key]: value }));
  const email = connection.strategy === 'email';
  return (
    <Stack gap="lg" maw={820}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          update.mutate({ options: optionsOf(connection, form) }, { onSuccess: () => notifySuccess('Saved', 'Connection settings saved.') });
        }}
      >
        <fieldset disabled={!canWrite} style={{ border: 0, padding: 0, margin: 0 }}>
          <Stack gap="lg">
            {email ? (
              <SettingsCard title="Email">
                <TextInput
                  label="From"
                  description={
                    <>
                      The sender: an address, or <Code>Name &lt;address&gt;</Code> with Liquid in the name only (<Code>{'{{ application.name }}'}</Code>). The address must be in a domain this server may send from (
                      <Code>SMTP_ALLOWED_FROM_DOMAINS</Code>). Empty, Auth0&apos;s default or an auth0.com address: the server&apos;s own sender (<Code>SMTP_FROM</Code>). Without SMTP, emails go to the
                      tenant&apos;s development outbox.
                    </>
                  }
                  placeholder="{{ application.name }} <login@example.com>"
                  value={form.from}
                  onChange={(e) => set('from', e.currentTarget.value)}
                  maxLength={255}
                />
                <TextInput label="Subject" value={form.subject} onChange={(e) => set('subject', e.currentTarget.value)} maxLength={255} required />
                <Textarea
                  label="Body"
                  description="HTML in Liquid syntax. Variables: {{ code }}, {{ link }} (magic links), {{ send }} ('code' or 'link'), {{ code_expiration }} (minutes), {{ application.name }}, {{ email }}, {{ tenant.domain }}, {{ connection.name }}; conditions {% if send == 'link' %}…{% else %}…{% endif %}."
                  value={form.body}
                  onChange={(e) => set('body', e.currentTarget.value)}
                  maxLength={100_000}
                  required
                  autosize
                  minRows={6}
                  maxRows={20}
                  spellCheck={false}
                  styles={MONO}
                />
              </SettingsCard>
            ) : (
              <SettingsCard title="SMS">
                <Text size="sm" c="dimmed">
                  Text messages are sent through this server&apos;s SMS provider (a Twilio-compatible API set with <Code>SMS_TWILIO_*</Code>); without one they go to the tenant&apos;s development outbox. Per-connection provider credentials are not supported.
                </Text>
                <Textarea
                  label="Message"
                  description="The text message. @@password@@ or {{ code }} is the one-time code; also {{ application.name }}, {{ code_expiration }} (minutes), {{ phone_number }}. A message without the code gets it appended."
                  value={form.template}
                  onChange={(e) => set('template', e.currentTarget.value)}
                  maxLength={10_000}
                  required
                  autosize
                  minRows={3}
                  spellCheck={false}
                  styles={MONO}
                />
              </SettingsCard>
            )}
            <SettingsCard title="One-Time Password">
              <Group grow align="flex-start">
                <NumberInput
                  label="OTP Expiry (seconds)"
                  description={`How long a code stays valid: ${lifetimeMinutes(form.otpLifetime)} min. ${OTP_LIFETIME.min}–${OTP_LIFETIME.max}.`}
                  value={form.otpLifetime}
                  onChange={(v) => set('otpLifetime', Number(v) || 0)}
                  min={OTP_LIFETIME.min}
                  max={OTP_LIFETIME.max}
                  allowDecimal={false}
                  required
                />
                <NumberInput
                  label="OTP Length"
                  description={`Digits in a code. ${OTP_LENGTH.min}–${OTP_LENGTH.max}.`}
                  value={form.otpLength}
                  onChange={(v) => set('otpLength', Number(v) || 0)}
                  min={OTP_LENGTH.min}
                  max={OTP_LENGTH.max}
                  allowDecimal={false}
                  required
                />
              </Group>
            </SettingsCard>
            <SettingsCard title="Security">
              <Switch
                label="Disable Sign Ups"
                description="Prevent new users from signing up through this connection: only existing users can log in."
                checked={form.disableSignup}
                onChange={(e) => set('disableSignup', e.currentTarget.checked)}
              />
              <Switch
                label="Use Brute-force Protection"
                description="Count failed code attempts per user and address and block them at the tenant's brute-force threshold (Security › Attack protection)."
                checked={form.bruteForce}
                onChange={(e) => set('bruteForce', e.currentTarget.checked)}
              />
            </SettingsCard>
            <SaveBar canWrite={canWrite} pending={update.isPending} error={update.error} subject="this connection" />
          </Stack>
        </fieldset>
      </form>
      {api.can('delete:connections') ? <DangerZone api={api} connection={connection} /> : null}
    </Stack>
  );
}

function DangerZone({ api, connection }: { api: TenantApi; connection: Connection }) {
  const [deleting, setDeleting] = useState(false);
  const remove = useDeleteConnection(api);
  const navigate = useNavigate();
  return (
    <Card withBorder style={{ borderColor: 'var(--mantine-color-red-filled)' }}>
      <Group justify="space-between">
        <div>
          <Title order={2} size="h4">
            Delete this connection
          </Title>
          <Text size="sm">All users of this connection are deleted with it. This cannot be undone.</Text>
        </div>
        <Button color="red" onClick={() => setDeleting(true)}>
          Delete
        </Button>
      </Group>
      <ConfirmDestructive
        opened={deleting}
        onClose={() => setDeleting(false)}
        title="Delete connection?"
        name={connection.name ?? ''}
        confirmLabel="Delete"
        error={remove.isError ? errorMessage(remove.error) : undefined}
        onConfirm={() =>
          remove.mutateAsync(connection.id ?? '').then(
            () => {
              notifySuccess('Connection deleted', `${connection.name} and its users were deleted.`);
              navigate(passwordlessPath(api.tenant));
            },
            () => undefined,
          )
        }
      >
        This deletes the connection <strong>{connection.name}</strong> and every user who signs in with it.
      </ConfirmDestructive>
    </Card>
  );
}

function ApplicationsTab({ api, connection }: { api: TenantApi; connection: Connection }) {
  const clients = useClients(api);
  const toggle = useSetConnectionClient(api);
  const canWrite = api.can('update:connections');
  const enabled = new Set(connection.enabled_clients ?? []);
  if (!api.can('read:clients')) return <Text size="sm" c="dimmed">Your role cannot read applications (read:clients).</Text>;
  return (
    <Stack gap="md" maw={900}>
      <Text size="sm">
        The applications that may use this connection. First-party applications only: third-party applications use domain-level connections.
      </Text>
      {toggle.isError ? (
        <Alert color="red" role="alert" variant="light">
          {errorMessage(toggle.error)}
        </Alert>
      ) : null}
      <QueryState query={clients} errorTitle="Could not load applications" isEmpty={(list) => list.length === 0} empty="This tenant has no applications yet.">
        {(list) => (
          <Table aria-label="Applications" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Application</Table.Th>
                <Table.Th>Type</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Enabled</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((client) => (
                <Table.Tr key={client.client_id}>
                  <Table.Td>{client.name}</Table.Td>
                  <Table.Td>{appTypeLabel(client.app_type)}</Table.Td>
                  <Table.Td>
                    <Switch
                      aria-label={`Enable ${client.name}`}
                      checked={enabled.has(client.client_id ?? '')}
                      disabled={!canWrite || toggle.isPending}
                      onChange={(event) =>
                        toggle.mutate({ connectionId: connection.id ?? '', clientId: client.client_id ?? '', status: event.currentTarget.checked })
                      }
                    />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </QueryState>
    </Stack>
  );
}
