/**
 * A database connection's settings that Tessera acts on: username (required, length), public sign
 * ups, self-service password resets, brute-force protection; and deleting the connection (typed confirmation). Saved as a PATCH
 * of the whole `options` object, the current options with these written over them.
 */
import { useState } from 'react';
import { Button, Card, Group, NumberInput, Stack, Switch, Text, Title } from '@mantine/core';
import { useNavigate } from 'react-router';
import type { TenantApi } from '../../api/tenant-api';
import { ConfirmDestructive } from '../../components/ConfirmDestructive';
import { CopyField } from '../../components/CopyField';
import { errorMessage } from '../../components/QueryState';
import { notifySuccess } from '../../components/notify';
import { USERNAME_LENGTH_RANGE, databaseSettingsForm, databaseSettingsProblem, withDatabaseSettings } from '../../lib/password-policy';
import { SaveBar, SettingsCard } from '../../components/SettingsCard';
import { databasePath, useDeleteConnection, useUpdateConnection, type Connection, type ConnectionOptions } from './queries';

export function SettingsTab({ api, connection }: { api: TenantApi; connection: Connection }) {
  const update = useUpdateConnection(api, connection.id ?? '');
  const canWrite = api.can('update:connections');
  const [form, setForm] = useState(() => databaseSettingsForm(connection.options));
  const problem = databaseSettingsProblem(form);
  const set = <K extends keyof typeof form>(key: K, value: (typeof form)[K]) => setForm((f) => ({ ...f, [key]: value }));
  return (
    <Stack gap="lg" maw={820}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (problem) return;
          update.mutate({ options: withDatabaseSettings(connection.options, form) as ConnectionOptions }, { onSuccess: () => notifySuccess('Saved', 'Connection settings saved.') });
        }}
      >
        <fieldset disabled={!canWrite} style={{ border: 0, padding: 0, margin: 0 }}>
          <Stack gap="lg">
            <SettingsCard title="General">
              <CopyField label="Name" value={connection.name ?? ''} description="The connection's name is its realm in the password grants and cannot be changed." />
              <CopyField label="Identifier" value={connection.id ?? ''} />
            </SettingsCard>
            <SettingsCard title="Username">
              <Switch
                label="Requires Username"
                description="Forces users to provide a username in addition to email when signing up. They may then log in with either."
                checked={form.requiresUsername}
                onChange={(e) => set('requiresUsername', e.currentTarget.checked)}
              />
              {form.requiresUsername ? (
                <Group grow align="flex-start">
                  <NumberInput
                    label="Minimum username length"
                    value={form.usernameMin}
                    onChange={(v) => set('usernameMin', typeof v === 'number' ? v : Number.NaN)}
                    min={USERNAME_LENGTH_RANGE.min}
                    max={USERNAME_LENGTH_RANGE.max}
                    allowDecimal={false}
                    error={problem?.field === 'usernameMin' ? problem.message : undefined}
                  />
                  <NumberInput
                    label="Maximum username length"
                    value={form.usernameMax}
                    onChange={(v) => set('usernameMax', typeof v === 'number' ? v : Number.NaN)}
                    min={USERNAME_LENGTH_RANGE.min}
                    max={USERNAME_LENGTH_RANGE.max}
                    allowDecimal={false}
                    error={problem?.field === 'usernameMax' ? problem.message : undefined}
                  />
                </Group>
              ) : null}
            </SettingsCard>
            <SettingsCard title="Sign Ups">
              <Switch
                label="Disable Sign Ups"
                description="Prevents new user sign ups to your application from public (unauthenticated) endpoints. You will still be able to create users with your API credentials or from the dashboard."
                checked={form.disableSignup}
                onChange={(e) => set('disableSignup', e.currentTarget.checked)}
              />
            </SettingsCard>
            <SettingsCard title="Password Reset">
              <Switch
                label="Disable Self-Service Change Password"
                description={'Users of this connection can no longer ask for a password reset themselves: the login page and Lock hide the "Forgot password?" link and /dbconnections/change_password refuses. You will still be able to send a password reset email or create a password change ticket from the dashboard or with your API credentials, and links already sent keep working.'}
                checked={form.disableSelfServiceChangePassword}
                onChange={(e) => set('disableSelfServiceChangePassword', e.currentTarget.checked)}
              />
            </SettingsCard>
            <SettingsCard title="Attack Protection">
              <Switch
                label="Brute Force Protection"
                description="Applies the tenant's brute-force protection (Security › Attack Protection) to logins through this connection: repeated failed attempts for one account from one IP address block that address for the account. Off: this connection's failed logins are not counted."
                checked={form.bruteForceProtection}
                onChange={(e) => set('bruteForceProtection', e.currentTarget.checked)}
              />
            </SettingsCard>
            <SaveBar canWrite={canWrite} pending={update.isPending} error={update.error} disabled={problem !== undefined} subject="this connection" />
          </Stack>
        </fieldset>
      </form>
      {api.can('delete:connections') ? <DeleteConnection api={api} connection={connection} /> : null}
    </Stack>
  );
}

function DeleteConnection({ api, connection }: { api: TenantApi; connection: Connection }) {
  const [deleting, setDeleting] = useState(false);
  const remove = useDeleteConnection(api);
  const navigate = useNavigate();
  const name = connection.name ?? '';
  return (
    <>
      <Card withBorder style={{ borderColor: 'var(--mantine-color-red-outline)' }}>
        <Group justify="space-between" wrap="nowrap">
          <div>
            <Title order={2} size="h4">
              Delete this connection
            </Title>
            <Text size="sm">Once confirmed, this operation can&apos;t be undone. All the users of this connection are deleted with it.</Text>
          </div>
          <Button color="red" onClick={() => setDeleting(true)}>
            Delete
          </Button>
        </Group>
      </Card>
      <ConfirmDestructive
        opened={deleting}
        onClose={() => {
          setDeleting(false);
          remove.reset();
        }}
        title={`Delete connection ${name}`}
        name={name}
        confirmLabel="Delete connection"
        error={remove.isError ? errorMessage(remove.error) : undefined}
        onConfirm={() =>
          remove.mutateAsync(connection.id ?? '').then(
            () => {
              notifySuccess('Connection deleted', `${name} was deleted.`);
              void navigate(databasePath(api.tenant));
            },
            () => undefined,
          )
        }
      >
        This deletes {name} and every user stored in it. Applications using it can no longer log users in with it. It cannot be undone.
      </ConfirmDestructive>
    </>
  );
}
