/** `/t/{tenant}/roles`: the tenant's roles (name filter, pages) and, with `create:roles`, a create dialog. */
import { useState } from 'react';
import { Alert, Anchor, Button, Group, Modal, Pagination, Stack, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconPlus } from '@tabler/icons-react';
import { Link, useNavigate, useParams } from 'react-router';
import { WithTenantApi, type TenantApi } from '../../api/tenant-api';
import { QueryState, errorMessage } from '../../components/QueryState';
import { PER_PAGE, useCreateRole, useRoles } from './queries';

export function RolesPage() {
  const tenant = useParams().tenant ?? '';
  return <WithTenantApi tenant={tenant}>{(api) => <Roles api={api} />}</WithTenantApi>;
}

function Roles({ api }: { api: TenantApi }) {
  const [page, setPage] = useState(0);
  const [filter, setFilter] = useState('');
  const [debounced] = useDebouncedValue(filter.trim(), 300);
  const roles = useRoles(api, page, debounced);
  const [creating, setCreating] = useState(false);
  const base = `/t/${encodeURIComponent(api.tenant)}/roles`;
  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={1}>Roles</Title>
        {api.can('create:roles') ? (
          <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setCreating(true)}>
            Create role
          </Button>
        ) : null}
      </Group>
      <Text size="sm" c="dimmed">
        A role is a set of permissions (API scopes) given to the users assigned to it.
      </Text>
      <TextInput
        label="Filter by name"
        value={filter}
        onChange={(event) => {
          setFilter(event.currentTarget.value);
          setPage(0);
        }}
        maw={360}
        maxLength={200}
      />
      <QueryState query={roles} errorTitle="Could not load the roles" isEmpty={(data) => data.roles.length === 0} empty={debounced ? 'No role matches that name.' : 'No roles yet.'}>
        {(data) => (
          <Stack gap="sm">
            <Table striped highlightOnHover data-testid="roles-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Name</Table.Th>
                  <Table.Th scope="col">Description</Table.Th>
                  <Table.Th scope="col">ID</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.roles.map((role) => (
                  <Table.Tr key={role.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`${base}/${encodeURIComponent(role.id)}`} fw={600}>
                        {role.name}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{role.description}</Table.Td>
                    <Table.Td>
                      <Text size="xs" ff="monospace">
                        {role.id}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            {data.total > PER_PAGE ? (
              <Pagination total={Math.ceil(data.total / PER_PAGE)} value={page + 1} onChange={(value) => setPage(value - 1)} getControlProps={(control) => ({ 'aria-label': `${control} page` })} />
            ) : null}
          </Stack>
        )}
      </QueryState>
      <CreateRoleModal api={api} opened={creating} onClose={() => setCreating(false)} base={base} />
    </Stack>
  );
}

function CreateRoleModal({ api, opened, onClose, base }: { api: TenantApi; opened: boolean; onClose: () => void; base: string }) {
  const create = useCreateRole(api);
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const close = () => {
    setName('');
    setDescription('');
    create.reset();
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title="Create role" centered>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!name.trim()) return;
          create.mutate(
            { name: name.trim(), ...(description.trim() ? { description: description.trim() } : {}) },
            { onSuccess: (role) => void navigate(`${base}/${encodeURIComponent(role.id)}`) },
          );
        }}
      >
        <Stack gap="md">
          <TextInput label="Name" required value={name} onChange={(event) => setName(event.currentTarget.value)} maxLength={255} data-autofocus />
          <Textarea label="Description" value={description} onChange={(event) => setDescription(event.currentTarget.value)} maxLength={1000} autosize minRows={2} />
          {create.isError ? (
            <Alert color="red" role="alert" variant="light">
              {errorMessage(create.error)}
            </Alert>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending} disabled={!name.trim()}>
              Create
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
