/**
 * `/t/{tenant}/authentication/database`: the tenant's database connections (Auth0: Authentication ›
 * Database), "Create DB Connection", and the Try button of each (docs: Test Database Connections).
 */
import { useState } from 'react';
import { Alert, Anchor, Button, Group, Modal, Stack, Table, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { IconPlayerPlay, IconPlus } from '@tabler/icons-react';
import { Link, useNavigate } from 'react-router';
import { useTenantApi } from '../../api/tenant-api';
import { QueryState, errorMessage } from '../../components/QueryState';
import { notifySuccess } from '../../components/notify';
import { connectionNameProblem } from '../../lib/connection-name';
import { databasePath, useCreateConnection, useDatabaseConnectionList, useTryConnection } from './queries';

export function DatabaseConnectionsPage() {
  const api = useTenantApi();
  const connections = useDatabaseConnectionList(api);
  const tryConnection = useTryConnection(api);
  const [creating, setCreating] = useState(false);
  const canTry = api.can('update:connections');
  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={1}>Database Connections</Title>
          <Text size="sm" c="dimmed">
            Securely store and manage username and password credentials in {api.tenant}&apos;s database.
          </Text>
        </div>
        {api.can('create:connections') ? (
          <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setCreating(true)}>
            Create DB Connection
          </Button>
        ) : null}
      </Group>
      {tryConnection.isError ? (
        <Alert color="red" role="alert" variant="light" title="Could not start the test login">
          {errorMessage(tryConnection.error)}
        </Alert>
      ) : null}
      <QueryState query={connections} errorTitle="Could not load database connections" isEmpty={(list) => list.length === 0} empty="No database connections yet.">
        {(list) => (
          <Table.ScrollContainer minWidth={560}>
            <Table striped highlightOnHover aria-label="Database connections">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Identifier</Table.Th>
                  <Table.Th>Applications</Table.Th>
                  {canTry ? (
                    <Table.Th>
                      <VisuallyHidden>Actions</VisuallyHidden>
                    </Table.Th>
                  ) : null}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.map((connection) => (
                  <Table.Tr key={connection.id}>
                    <Table.Td>
                      <Anchor component={Link} to={databasePath(api.tenant, connection.id)}>
                        {connection.name}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <Text ff="monospace" size="sm">
                        {connection.id}
                      </Text>
                    </Table.Td>
                    <Table.Td>{connection.enabled_clients?.length ?? 0}</Table.Td>
                    {canTry ? (
                      <Table.Td>
                        <Group justify="flex-end">
                          <Button
                            size="xs"
                            variant="default"
                            leftSection={<IconPlayerPlay size={14} aria-hidden />}
                            aria-label={`Try ${connection.name}`}
                            loading={tryConnection.isPending && tryConnection.variables?.id === connection.id}
                            onClick={() => tryConnection.mutate({ id: connection.id ?? '', name: connection.name ?? '' })}
                          >
                            Try
                          </Button>
                        </Group>
                      </Table.Td>
                    ) : null}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryState>
      {creating ? <CreateConnectionModal onClose={() => setCreating(false)} /> : null}
    </Stack>
  );
}

function CreateConnectionModal({ onClose }: { onClose: () => void }) {
  const api = useTenantApi();
  const navigate = useNavigate();
  const create = useCreateConnection(api);
  const [name, setName] = useState('');
  const [touched, setTouched] = useState(false);
  const problem = connectionNameProblem(name);
  return (
    <Modal opened onClose={onClose} title="New Database Connection" centered>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setTouched(true);
          if (problem) return;
          create.mutate(name, {
            onSuccess: (connection) => {
              notifySuccess('Connection created', `${connection.name} was created.`);
              onClose();
              void navigate(databasePath(api.tenant, connection.id));
            },
          });
        }}
      >
        <Stack gap="md">
          <TextInput
            label="Name"
            value={name}
            onChange={(event) => setName(event.currentTarget.value)}
            onBlur={() => setTouched(true)}
            error={touched ? problem : undefined}
            description="Must start and end with an alphanumeric character and can only contain alphanumeric characters and '-'. Can't have more than 128 characters. It cannot be changed later."
            maxLength={128}
            required
            data-autofocus
            autoComplete="off"
          />
          {create.isError ? (
            <Alert color="red" role="alert" variant="light">
              {errorMessage(create.error)}
            </Alert>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
