/**
 * The application page's Connections tab (Auth0: "enable or disable the appropriate connections for
 * the application"): every connection of the tenant with a switch, through the connection's
 * enabled-clients API (`PATCH /connections/{id}/clients`), one application at a time so two
 * administrators changing different applications never overwrite each other.
 */
import { Alert, Badge, Stack, Switch, Table, Text, VisuallyHidden } from '@mantine/core';
import type { Client, TenantApi } from '../../api/tenant-api';
import { QueryState, errorMessage } from '../../components/QueryState';
import { strategyLabel, useConnections, useSetConnectionClient } from '../passwordless/queries';

export function ConnectionsTab({ api, app }: { api: TenantApi; app: Client }) {
  const canRead = api.can('read:connections');
  const connections = useConnections(api, canRead);
  const toggle = useSetConnectionClient(api);
  const canWrite = api.can('update:connections');
  const clientId = app.client_id ?? '';
  if (!canRead) return <Text size="sm" c="dimmed">Your role cannot read connections (read:connections).</Text>;
  return (
    <Stack gap="md" maw={900}>
      <Text size="sm">The connections users of {app.name} can log in with. Login pages offer them in this order.</Text>
      {app.is_first_party === false ? (
        <Alert color="yellow" variant="light">
          This is a third-party application: it can only use connections promoted to domain level, whatever is enabled here.
        </Alert>
      ) : null}
      {toggle.isError ? (
        <Alert color="red" role="alert" variant="light">
          {errorMessage(toggle.error)}
        </Alert>
      ) : null}
      <QueryState query={connections} errorTitle="Could not load connections" isEmpty={(list) => list.length === 0} empty="This tenant has no connections.">
        {(list) => (
          <Table aria-label="Connections" striped data-testid="application-connections">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Connection</Table.Th>
                <Table.Th>Type</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Enabled</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((connection) => (
                <Table.Tr key={connection.id}>
                  <Table.Td>
                    {connection.name}
                    {connection.is_domain_connection ? (
                      <Badge ml="xs" variant="light" color="gray">
                        Domain
                      </Badge>
                    ) : null}
                  </Table.Td>
                  <Table.Td>{strategyLabel(connection.strategy)}</Table.Td>
                  <Table.Td>
                    <Switch
                      aria-label={connection.name}
                      checked={(connection.enabled_clients ?? []).includes(clientId)}
                      disabled={!canWrite || toggle.isPending}
                      onChange={(event) => toggle.mutate({ connectionId: connection.id ?? '', clientId, status: event.currentTarget.checked })}
                    />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </QueryState>
      {canWrite ? null : <Text size="sm" c="dimmed">Your role cannot change connections (update:connections).</Text>}
    </Stack>
  );
}
