/** The user's roles (GET/POST/DELETE /users/{id}/roles): list, assign from the tenant's roles, remove. */
import { useState } from 'react';
import { Alert, Button, Card, Group, MultiSelect, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { listAll, combineQueries, type TenantApi } from '../../api/tenant-api';
import { QueryState, errorMessage } from '../../components/QueryState';

interface Role {
  id: string;
  name: string;
  description?: string;
}

export function UserRoles({ api, userId }: { api: TenantApi; userId: string }) {
  const queryClient = useQueryClient();
  const key = ['tenant', api.tenant, 'users', 'roles', userId];
  const path = `/users/${encodeURIComponent(userId)}/roles`;
  const assigned = useQuery({ queryKey: key, queryFn: () => listAll<Role>(api, path, 'roles') });
  const all = useQuery({ queryKey: ['tenant', api.tenant, 'roles'], queryFn: () => listAll<Role>(api, '/roles', 'roles') });
  const canChange = api.can('update:users') || api.can('create:role_members');
  const canRemove = api.can('update:users') || api.can('delete:role_members');
  const [picked, setPicked] = useState<string[]>([]);
  const done = () => queryClient.invalidateQueries({ queryKey: key });
  const assign = useMutation({ mutationFn: (roles: string[]) => api.post(path, { roles }), onSuccess: () => { setPicked([]); return done(); } });
  const remove = useMutation({ mutationFn: (role: string) => api.delete(path, { roles: [role] }), onSuccess: done });
  const both = combineQueries(assigned.data && all.data ? { assigned: assigned.data, all: all.data } : undefined, assigned, all);
  return (
    <Card withBorder>
      <Stack gap="md">
        <Title order={2} size="h4">
          Roles
        </Title>
        <QueryState query={both} errorTitle="Could not load the user's roles">
          {({ assigned: mine, all: roles }) => {
            const available = roles.filter((r) => !mine.some((m) => m.id === r.id));
            return (
              <Stack gap="sm">
                {mine.length === 0 ? (
                  <Text size="sm" c="dimmed">
                    No roles assigned.
                  </Text>
                ) : (
                  <Table aria-label="Roles of the user">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>Name</Table.Th>
                        <Table.Th>Description</Table.Th>
                        <Table.Th>
                          <VisuallyHidden>Actions</VisuallyHidden>
                        </Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {mine.map((role) => (
                        <Table.Tr key={role.id}>
                          <Table.Td>{role.name}</Table.Td>
                          <Table.Td>{role.description}</Table.Td>
                          <Table.Td>
                            {canRemove ? (
                              <Button size="xs" variant="subtle" color="red" aria-label={`Remove role ${role.name}`} loading={remove.isPending && remove.variables === role.id} onClick={() => remove.mutate(role.id)}>
                                Remove
                              </Button>
                            ) : null}
                          </Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                )}
                {canChange && available.length > 0 ? (
                  <Group align="flex-end">
                    <MultiSelect label="Assign roles" placeholder="Select roles" data={available.map((r) => ({ value: r.id, label: r.name }))} value={picked} onChange={setPicked} searchable style={{ flex: 1 }} />
                    <Button onClick={() => assign.mutate(picked)} disabled={picked.length === 0} loading={assign.isPending}>
                      Assign
                    </Button>
                  </Group>
                ) : null}
                {canChange && roles.length === 0 ? (
                  <Text size="xs" c="dimmed">
                    This tenant has no roles yet.
                  </Text>
                ) : null}
                {assign.isError || remove.isError ? (
                  <Alert color="red" role="alert" variant="light">
                    {errorMessage(assign.error ?? remove.error)}
                  </Alert>
                ) : null}
              </Stack>
            );
          }}
        </QueryState>
      </Stack>
    </Card>
  );
}
