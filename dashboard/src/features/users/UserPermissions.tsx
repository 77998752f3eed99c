/**
 * The user's permissions (GET/POST/DELETE /users/{id}/permissions): what is granted directly and
 * what comes from roles (Auth0's `sources`); add directly from one API's scopes, remove a direct one
 * after confirming. A permission that comes only from a role is removed by removing the role.
 */
import { useState } from 'react';
import { Alert, Badge, Button, Card, Group, Modal, Select, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { listAll, type TenantApi } from '../../api/tenant-api';
import { QueryState, errorMessage } from '../../components/QueryState';
import { notifySuccess } from '../../components/notify';
import { ScopePicker } from '../applications/ScopePicker';
import { useResourceServers } from '../applications/queries';

interface UserPermission {
  permission_name: string;
  resource_server_identifier: string;
  resource_server_name?: string;
  description?: string;
  sources?: { source_id: string; source_name: string; source_type: 'DIRECT' | 'ROLE' }[];
}

type PermissionRef = { resource_server_identifier: string; permission_name: string };

const isDirect = (p: UserPermission) => p.sources === undefined || p.sources.some((s) => s.source_type === 'DIRECT');

export function UserPermissions({ api, userId }: { api: TenantApi; userId: string }) {
  const queryClient = useQueryClient();
  const key = ['tenant', api.tenant, 'users', 'permissions', userId];
  const path = `/users/${encodeURIComponent(userId)}/permissions`;
  const permissions = useQuery({ queryKey: key, queryFn: () => listAll<UserPermission>(api, path, 'permissions') });
  const canChange = api.can('update:users');
  const canAdd = canChange && api.can('read:resource_servers');
  const [removing, setRemoving] = useState<UserPermission | null>(null);
  const done = () => queryClient.invalidateQueries({ queryKey: key });
  const remove = useMutation({
    mutationFn: (p: UserPermission) => api.delete(path, { permissions: [{ resource_server_identifier: p.resource_server_identifier, permission_name: p.permission_name }] }),
    onSuccess: async (_, p) => {
      setRemoving(null);
      notifySuccess('Permission removed', `${p.permission_name} was removed from the user.`);
      await done();
    },
  });
  return (
    <Card withBorder>
      <Stack gap="md">
        <Title order={2} size="h4">
          Permissions
        </Title>
        <Text size="sm" c="dimmed">
          Permissions granted to the user directly, and those their roles grant.
        </Text>
        <QueryState query={permissions} errorTitle="Could not load the user's permissions">
          {(list) =>
            list.length === 0 ? (
              <Text size="sm" c="dimmed" data-testid="no-permissions">
                No permissions.
              </Text>
            ) : (
              <Table aria-label="Permissions of the user">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">Permission</Table.Th>
                    <Table.Th scope="col">API</Table.Th>
                    <Table.Th scope="col">Assignment</Table.Th>
                    <Table.Th scope="col">
                      <VisuallyHidden>Actions</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.map((p) => (
                    <Table.Tr key={`${p.resource_server_identifier} ${p.permission_name}`}>
                      <Table.Td ff="monospace">{p.permission_name}</Table.Td>
                      <Table.Td>{p.resource_server_name ?? p.resource_server_identifier}</Table.Td>
                      <Table.Td>
                        <Group gap={4}>
                          {(p.sources ?? [{ source_id: '', source_name: '', source_type: 'DIRECT' as const }]).map((s) => (
                            <Badge key={`${s.source_type}${s.source_id}`} variant="light" color={s.source_type === 'DIRECT' ? 'blue' : 'gray'}>
                              {s.source_type === 'DIRECT' ? 'Direct' : `Role: ${s.source_name}`}
                            </Badge>
                          ))}
                        </Group>
                      </Table.Td>
                      <Table.Td>
                        {canChange && isDirect(p) ? (
                          <Button size="xs" variant="subtle" color="red" aria-label={`Remove permission ${p.permission_name}`} onClick={() => setRemoving(p)}>
                            Remove
                          </Button>
                        ) : null}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )
          }
        </QueryState>
        {canAdd ? <AddPermissions api={api} path={path} assigned={(permissions.data ?? []).filter(isDirect)} onAdded={done} /> : null}
      </Stack>
      <Modal
        opened={removing !== null}
        onClose={() => {
          setRemoving(null);
          remove.reset();
        }}
        title="Remove permission?"
        centered
      >
        <Stack gap="md">
          <Text size="sm">
            The user loses <strong>{removing?.permission_name}</strong> on {removing?.resource_server_name ?? removing?.resource_server_identifier}, unless one of their roles grants it.
          </Text>
          {remove.isError ? (
            <Alert color="red" role="alert" variant="light">
              {errorMessage(remove.error)}
            </Alert>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRemoving(null)}>
              Cancel
            </Button>
            <Button color="red" loading={remove.isPending} onClick={() => removing && remove.mutate(removing)}>
              Remove
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}

function AddPermissions({ api, path, assigned, onAdded }: { api: TenantApi; path: string; assigned: UserPermission[]; onAdded: () => Promise<unknown> }) {
  const servers = useResourceServers(api);
  const [identifier, setIdentifier] = useState<string | null>(null);
  const [picked, setPicked] = useState<string[]>([]);
  const add = useMutation({
    mutationFn: (permissions: PermissionRef[]) => api.post(path, { permissions }),
    onSuccess: async (_, permissions) => {
      setPicked([]);
      notifySuccess('Permissions added', `${permissions.length} permission${permissions.length === 1 ? '' : 's'} added to the user.`);
      await onAdded();
    },
  });
  // APIs with permissions to give; the system API's scopes are the Management API's, not for users.
  const apis = (servers.data ?? []).filter((rs) => !rs.is_system && (rs.scopes?.length ?? 0) > 0);
  const chosen = apis.find((rs) => rs.identifier === identifier);
  const remaining = chosen ? { ...chosen, scopes: (chosen.scopes ?? []).filter((s) => !assigned.some((a) => a.resource_server_identifier === chosen.identifier && a.permission_name === s.value)) } : undefined;
  return (
    <Stack gap="sm">
      <Title order={3} size="h5">
        Add permissions
      </Title>
      {servers.isError ? (
        <Alert color="red" role="alert" variant="light">
          {errorMessage(servers.error)}
        </Alert>
      ) : null}
      {servers.isSuccess && apis.length === 0 ? (
        <Text size="sm" c="dimmed">
          No API defines permissions yet.
        </Text>
      ) : (
        <Select
          label="API"
          placeholder="Select an API"
          data={apis.map((rs) => ({ value: rs.identifier ?? '', label: rs.name ?? rs.identifier ?? '' }))}
          value={identifier}
          onChange={(value) => {
            setIdentifier(value);
            setPicked([]);
          }}
          maw={420}
        />
      )}
      {remaining && remaining.scopes.length === 0 ? (
        <Text size="sm" c="dimmed">
          The user already has every permission of {remaining.name} directly.
        </Text>
      ) : (
        <ScopePicker api={remaining} value={picked} onChange={setPicked} label="Permissions to add" />
      )}
      {remaining && remaining.scopes.length > 0 ? (
        <Group>
          <Button
            onClick={() => add.mutate(picked.map((permission_name) => ({ resource_server_identifier: remaining.identifier ?? '', permission_name })))}
            disabled={picked.length === 0}
            loading={add.isPending}
          >
            Add permissions
          </Button>
        </Group>
      ) : null}
      {add.isError ? (
        <Alert color="red" role="alert" variant="light">
          {errorMessage(add.error)}
        </Alert>
      ) : null}
    </Stack>
  );
}
