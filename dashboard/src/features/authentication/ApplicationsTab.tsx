/**
 * The applications that may use a database connection (its enabled clients): one switch each,
 * saved at once through `PATCH /connections/{id}/clients`. Listing applications needs `read:clients`
 * (Admin, Editor – Connections, Viewer – Config).
 */
import { Badge, Group, Stack, Switch, Table, Text } from '@mantine/core';
import { combineQueries, type TenantApi } from '../../api/tenant-api';
import { QueryState, errorMessage } from '../../components/QueryState';
import { notifySuccess } from '../../components/notify';
import { appTypeLabel, useClients } from '../applications/queries';
import { useEnabledClients, useToggleClient, type Connection } from './queries';

/** The application "Try connection" signs in with (src/domain/control-plane/connection-tester.ts). */
const TESTER_CLIENT_ID = 'tessera-connection-tester';

export function ApplicationsTab({ api, connection }: { api: TenantApi; connection: Connection }) {
  const id = connection.id ?? '';
  const canRead = api.can('read:clients');
  const clients = useClients(api);
  const enabled = useEnabledClients(api, id);
  const toggle = useToggleClient(api, id);
  const canWrite = api.can('update:connections');
  if (!canRead) return <Text size="sm" c="dimmed">Your role cannot list applications (read:clients).</Text>;
  const both = combineQueries(clients.data && enabled.data ? { list: clients.data, on: enabled.data } : undefined, clients, enabled);
  return (
    <Stack gap="md" maw={900}>
      <Text size="sm">Applications that can log users in with {connection.name}. An application offers a connection on its login page only when it is enabled here.</Text>
      {toggle.isError ? (
        <Text size="sm" c="red" role="alert">
          {errorMessage(toggle.error)}
        </Text>
      ) : null}
      <QueryState query={both} errorTitle="Could not load the applications" isEmpty={({ list }) => list.length === 0} empty="The tenant has no applications yet.">
        {({ list, on }) => (
          <Table aria-label="Applications using this connection" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Application</Table.Th>
                <Table.Th>Type</Table.Th>
                <Table.Th>Enabled</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((client) => {
                const clientId = client.client_id ?? '';
                const checked = on.has(clientId);
                return (
                  <Table.Tr key={clientId}>
                    <Table.Td>
                      <Group gap="xs">
                        <Text size="sm">{client.name}</Text>
                        {clientId === TESTER_CLIENT_ID ? <Badge variant="light" color="gray">Used by Try Connection</Badge> : null}
                      </Group>
                      <Text size="xs" ff="monospace">
                        {clientId}
                      </Text>
                    </Table.Td>
                    <Table.Td>{appTypeLabel(client.app_type)}</Table.Td>
                    <Table.Td>
                      <Switch
                        aria-label={`Enable ${client.name}`}
                        checked={checked}
                        disabled={!canWrite || (toggle.isPending && toggle.variables?.client_id === clientId)}
                        onChange={(event) => {
                          const status = event.currentTarget.checked;
                          toggle.mutate({ client_id: clientId, status }, { onSuccess: () => notifySuccess(status ? 'Enabled' : 'Disabled', `${client.name} ${status ? 'can now use' : 'can no longer use'} ${connection.name}.`) });
                        }}
                      />
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        )}
      </QueryState>
    </Stack>
  );
}
