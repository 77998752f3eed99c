/**
 * "Try Connection" (docs: Test Database Connections): a login through this connection only, in a
 * popup, ending on the dashboard's `/tester/callback` page with "It works!" and the user's profile.
 */
import { Alert, Button, List, Stack, Text } from '@mantine/core';
import { IconPlayerPlay } from '@tabler/icons-react';
import type { TenantApi } from '../../api/tenant-api';
import { errorMessage } from '../../components/QueryState';
import { SettingsCard } from '../../components/SettingsCard';
import { useTryConnection, type Connection } from './queries';

export function TryConnectionTab({ api, connection }: { api: TenantApi; connection: Connection }) {
  const tryConnection = useTryConnection(api);
  const canTry = api.can('update:connections');
  return (
    <Stack gap="lg" maw={820}>
      <SettingsCard title="Try Connection" description={`Log in with a user of ${connection.name} to check that the connection works.`}>
        <List size="sm" spacing="xs">
          <List.Item>Create a user in this connection first (Users › Create User), or sign up on the login page if sign ups are enabled.</List.Item>
          <List.Item>The login opens in a new window, on {api.tenant}&apos;s own login page, and always asks for credentials.</List.Item>
          <List.Item>
            If everything is configured correctly you will see the <strong>It works!</strong> page with the user&apos;s profile from the ID token.
          </List.Item>
          <List.Item>
            The login uses the application &quot;Dashboard connection tester&quot; (public, no secret), which the dashboard creates in this tenant and enables on this connection.
          </List.Item>
        </List>
        {tryConnection.isError ? (
          <Alert color="red" role="alert" variant="light" title="Could not start the test login">
            {errorMessage(tryConnection.error)}
          </Alert>
        ) : null}
        {canTry ? (
          <div>
            <Button leftSection={<IconPlayerPlay size={16} aria-hidden />} loading={tryConnection.isPending} onClick={() => tryConnection.mutate({ id: connection.id ?? '', name: connection.name ?? '' })}>
              Try
            </Button>
          </div>
        ) : (
          <Text size="sm" c="dimmed">
            Trying a connection needs a role that may change connections (Admin or Editor – Connections).
          </Text>
        )}
      </SettingsCard>
    </Stack>
  );
}
