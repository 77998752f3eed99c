/**
 * `/t/{tenant}/roles/{id}`: one role, with its Permissions (add from an API's scopes, remove) and
 * Users (assign, remove) tabs and, with `delete:roles`, deletion confirmed by typing the role's name.
 * Each write is offered only when the token's scopes allow it.
 */
import { useMemo, useState } from 'react';
import { Alert, Anchor, Button, Checkbox, Group, Modal, ScrollArea, Select, Stack, Table, Tabs, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { modals } from '@mantine/modals';
import { IconArrowLeft, IconPlus, IconTrash } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import { WithTenantApi, type TenantApi } from '../../api/tenant-api';
import { ConfirmDestructive } from '../../components/ConfirmDestructive';
import { notifySuccess } from '../../components/notify';
import { QueryState, errorMessage } from '../../components/QueryState';
import { rolesKey, useApis, useRole, useRoleMutations, useRolePermissions, useRoleUsers, useUserSearch, type Role } from './queries';

export function RolePage() {
  const params = useParams();
  const tenant = params.tenant ?? '';
  const id = params.id ?? '';
  return <WithTenantApi tenant={tenant}>{(api) => <RoleView api={api} id={id} />}</WithTenantApi>;
}

function RoleView({ api, id }: { api: TenantApi; id: string }) {
  const role = useRole(api, id);
  const base = `/t/${encodeURIComponent(api.tenant)}/roles`;
  return (
    <Stack gap="lg">
      <Anchor component={Link} to={base} size="sm">
        <Group gap={4}>
          <IconArrowLeft size={14} aria-hidden /> Back to roles
        </Group>
      </Anchor>
      <QueryState query={role} errorTitle="Could not load the role">
        {(r) => <RoleDetails api={api} role={r} base={base} />}
      </QueryState>
    </Stack>
  );
}

function RoleDetails({ api, role, base }: { api: TenantApi; role: Role; base: string }) {
  const mutations = useRoleMutations(api, role.id);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [deleting, setDeleting] = useState(false);
  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={1}>{role.name}</Title>
          {role.description ? <Text c="dimmed">{role.description}</Text> : null}
          <Text size="xs" ff="monospace" c="dimmed">
            {role.id}
          </Text>
        </div>
        {api.can('delete:roles') ? (
          <Button color="red" variant="outline" leftSection={<IconTrash size={16} aria-hidden />} onClick={() => setDeleting(true)}>
            Delete role
          </Button>
        ) : null}
      </Group>
      <Tabs defaultValue="permissions" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="permissions">Permissions</Tabs.Tab>
          <Tabs.Tab value="users">Users</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="permissions" pt="md">
          <PermissionsTab api={api} role={role} mutations={mutations} />
        </Tabs.Panel>
        <Tabs.Panel value="users" pt="md">
          <UsersTab api={api} role={role} mutations={mutations} />
        </Tabs.Panel>
      </Tabs>
      <ConfirmDestructive
        opened={deleting}
        onClose={() => {
          setDeleting(false);
          mutations.remove.reset();
        }}
        title={`Delete role ${role.name}`}
        name={role.name}
        confirmLabel="Delete role"
        error={mutations.remove.isError ? errorMessage(mutations.remove.error) : undefined}
        onConfirm={() =>
          mutations.remove.mutateAsync().then(
            () => {
              notifySuccess('Role deleted', `${role.name} was deleted.`);
              setDeleting(false);
              void Promise.resolve(navigate(base)).then(() => queryClient.removeQueries({ queryKey: [...rolesKey(api.tenant), role.id] }));
            },
            () => undefined,
          )
        }
      >
        Users assigned to {role.name} lose its permissions. This cannot be undone.
      </ConfirmDestructive>
    </Stack>
  );
}

type Mutations = ReturnType<typeof useRoleMutations>;

function confirmRemoval(title: string, message: string, onConfirm: () => void) {
  modals.openConfirmModal({
    title,
    centered: true,
    children: <Text size="sm">{message}</Text>,
    labels: { confirm: 'Remove', cancel: 'Cancel' },
    confirmProps: { color: 'red' },
    onConfirm,
  });
}

function PermissionsTab({ api, role, mutations }: { api: TenantApi; role: Role; mutations: Mutations }) {
  const permissions = useRolePermissions(api, role.id);
  const [adding, setAdding] = useState(false);
  const canWrite = api.can('update:roles');
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Text size="sm">Permissions the users of this role get, by API.</Text>
        {canWrite ? (
          <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setAdding(true)}>
            Add permissions
          </Button>
        ) : null}
      </Group>
      {mutations.removePermission.isError ? (
        <Alert color="red" role="alert" variant="light">
          {errorMessage(mutations.removePermission.error)}
        </Alert>
      ) : null}
      <QueryState query={permissions} errorTitle="Could not load the permissions" isEmpty={(list) => list.length === 0} empty="This role has no permissions yet.">
        {(list) => (
          <Table striped data-testid="role-permissions">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Permission</Table.Th>
                <Table.Th scope="col">Description</Table.Th>
                <Table.Th scope="col">API</Table.Th>
                {canWrite ? (
                  <Table.Th scope="col">
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                ) : null}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((p) => (
                <Table.Tr key={`${p.resource_server_identifier} ${p.permission_name}`}>
                  <Table.Td ff="monospace">{p.permission_name}</Table.Td>
                  <Table.Td>{p.description}</Table.Td>
                  <Table.Td>{p.resource_server_name || p.resource_server_identifier}</Table.Td>
                  {canWrite ? (
                    <Table.Td>
                      <Button
                        size="xs"
                        variant="subtle"
                        color="red"
                        aria-label={`Remove ${p.permission_name}`}
                        onClick={() =>
                          confirmRemoval('Remove permission', `Remove ${p.permission_name} of ${p.resource_server_name || p.resource_server_identifier} from ${role.name}?`, () =>
                            mutations.removePermission.mutate({ permission_name: p.permission_name, resource_server_identifier: p.resource_server_identifier }),
                          )
                        }
                      >
                        Remove
                      </Button>
                    </Table.Td>
                  ) : null}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </QueryState>
      {adding ? <AddPermissionsModal api={api} role={role} mutations={mutations} existing={permissions.data ?? []} onClose={() => setAdding(false)} /> : null}
    </Stack>
  );
}

function AddPermissionsModal({
  api,
  role,
  mutations,
  existing,
  onClose,
}: {
  api: TenantApi;
  role: Role;
  mutations: Mutations;
  existing: { permission_name: string; resource_server_identifier: string }[];
  onClose: () => void;
}) {
  const apis = useApis(api, true);
  const [identifier, setIdentifier] = useState<string | null>(null);
  const [chosen, setChosen] = useState<string[]>([]);
  const selected = apis.data?.find((a) => a.identifier === identifier);
  const have = useMemo(() => new Set(existing.filter((p) => p.resource_server_identifier === identifier).map((p) => p.permission_name)), [existing, identifier]);
  const offered = (selected?.scopes ?? []).filter((s) => !have.has(s.value));
  const add = mutations.addPermissions;
  const close = () => {
    add.reset();
    onClose();
  };
  return (
    <Modal opened onClose={close} title={`Add permissions to ${role.name}`} centered size="lg">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!identifier || chosen.length === 0) return;
          add.mutate(
            chosen.map((permission_name) => ({ permission_name, resource_server_identifier: identifier })),
            {
              onSuccess: () => {
                notifySuccess('Permissions added', `${chosen.length} added to ${role.name}.`);
                close();
              },
            },
          );
        }}
      >
        <Stack gap="md">
          <QueryState query={apis} errorTitle="Could not load the APIs">
            {(list) => (
              <Select
                label="API"
                placeholder="Choose an API"
                data={list.filter((a) => a.identifier).map((a) => ({ value: a.identifier!, label: `${a.name ?? a.identifier} (${a.identifier})` }))}
                value={identifier}
                onChange={(value) => {
                  setIdentifier(value);
                  setChosen([]);
                }}
                searchable
                data-autofocus
                data-testid="api-select"
              />
            )}
          </QueryState>
          {selected ? (
            offered.length === 0 ? (
              <Text size="sm" c="dimmed">
                {(selected.scopes ?? []).length === 0 ? 'This API defines no permissions.' : 'The role already has every permission of this API.'}
              </Text>
            ) : (
              <Checkbox.Group label="Permissions" value={chosen} onChange={setChosen}>
                <ScrollArea.Autosize mah={300} mt="xs">
                  <Stack gap="xs">
                    {offered.map((s) => (
                      <Checkbox key={s.value} value={s.value} label={s.value} description={s.description} />
                    ))}
                  </Stack>
                </ScrollArea.Autosize>
              </Checkbox.Group>
            )
          ) : null}
          {add.isError ? (
            <Alert color="red" role="alert" variant="light">
              {errorMessage(add.error)}
            </Alert>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" disabled={chosen.length === 0} loading={add.isPending}>
              Add {chosen.length > 0 ? chosen.length : ''} permission{chosen.length === 1 ? '' : 's'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function UsersTab({ api, role, mutations }: { api: TenantApi; role: Role; mutations: Mutations }) {
  const users = useRoleUsers(api, role.id);
  const [assigning, setAssigning] = useState(false);
  const canAssign = api.can('update:roles', 'create:role_members');
  const canRemove = api.can('update:users', 'delete:role_members');
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Text size="sm">Users assigned to this role.</Text>
        {canAssign && api.can('read:users') ? (
          <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setAssigning(true)}>
            Assign users
          </Button>
        ) : null}
      </Group>
      {mutations.removeUser.isError ? (
        <Alert color="red" role="alert" variant="light">
          {errorMessage(mutations.removeUser.error)}
        </Alert>
      ) : null}
      <QueryState query={users} errorTitle="Could not load the users" isEmpty={(list) => list.length === 0} empty="No user has this role yet.">
        {(list) => (
          <Table striped data-testid="role-users">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Email</Table.Th>
                <Table.Th scope="col">Name</Table.Th>
                <Table.Th scope="col">User ID</Table.Th>
                {canRemove ? (
                  <Table.Th scope="col">
                    <VisuallyHidden>Actions</VisuallyHidden>
                  </Table.Th>
                ) : null}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.map((u) => (
                <Table.Tr key={u.user_id}>
                  <Table.Td>{u.email}</Table.Td>
                  <Table.Td>{u.name}</Table.Td>
                  <Table.Td ff="monospace">{u.user_id}</Table.Td>
                  {canRemove ? (
                    <Table.Td>
                      <Button
                        size="xs"
                        variant="subtle"
                        color="red"
                        aria-label={`Remove ${u.email ?? u.user_id}`}
                        onClick={() => confirmRemoval('Remove user from role', `Remove ${u.email ?? u.user_id} from ${role.name}?`, () => mutations.removeUser.mutate(u.user_id))}
                      >
                        Remove
                      </Button>
                    </Table.Td>
                  ) : null}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </QueryState>
      {assigning ? <AssignUsersModal api={api} role={role} mutations={mutations} assigned={new Set((users.data ?? []).map((u) => u.user_id))} onClose={() => setAssigning(false)} /> : null}
    </Stack>
  );
}

function AssignUsersModal({ api, role, mutations, assigned, onClose }: { api: TenantApi; role: Role; mutations: Mutations; assigned: Set<string>; onClose: () => void }) {
  const [term, setTerm] = useState('');
  const [debounced] = useDebouncedValue(term, 300);
  const results = useUserSearch(api, debounced);
  const [chosen, setChosen] = useState<string[]>([]);
  const assign = mutations.assignUsers;
  const close = () => {
    assign.reset();
    onClose();
  };
  return (
    <Modal opened onClose={close} title={`Assign users to ${role.name}`} centered size="lg">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (chosen.length === 0) return;
          assign.mutate(chosen, {
            onSuccess: () => {
              notifySuccess('Users assigned', `${chosen.length} assigned to ${role.name}.`);
              close();
            },
          });
        }}
      >
        <Stack gap="md">
          <TextInput label="Search users" description="By email or name." value={term} onChange={(event) => setTerm(event.currentTarget.value)} maxLength={100} data-autofocus />
          <QueryState query={results} errorTitle="Could not search the users" isEmpty={(list) => list.filter((u) => !assigned.has(u.user_id)).length === 0} empty="No user to assign.">
            {(list) => (
              <Checkbox.Group label="Users" value={chosen} onChange={setChosen}>
                <ScrollArea.Autosize mah={300} mt="xs">
                  <Stack gap="xs">
                    {list
                      .filter((u) => !assigned.has(u.user_id))
                      .map((u) => (
                        <Checkbox key={u.user_id} value={u.user_id} label={u.email ?? u.name ?? u.user_id} description={u.user_id} />
                      ))}
                  </Stack>
                </ScrollArea.Autosize>
              </Checkbox.Group>
            )}
          </QueryState>
          {assign.isError ? (
            <Alert color="red" role="alert" variant="light">
              {errorMessage(assign.error)}
            </Alert>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" disabled={chosen.length === 0} loading={assign.isPending}>
              Assign
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
