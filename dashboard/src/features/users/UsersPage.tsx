/** `/t/{tenant}/users`: search (Auth0 `q` syntax, search_engine v3), the list, and create. */
import { useState } from 'react';
import { Alert, Anchor, Avatar, Badge, Button, Group, Modal, Pagination, PasswordInput, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { notifySuccess } from '../../components/notify';
import { IconPlus, IconSearch } from '@tabler/icons-react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useTenantApi } from '../../api/tenant-api';
import { QueryState, errorMessage } from '../../components/QueryState';
import { USERS_PER_PAGE, useCreateUser, useDatabaseConnections, useUsers } from './queries';

export function UsersPage() {
  const api = useTenantApi();
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const page = Math.max(0, Number(params.get('page') ?? 0) || 0);
  const [text, setText] = useState(q);
  const users = useUsers(api, q, page);
  const [creating, setCreating] = useState(false);
  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <div>
          <Title order={1}>Users</Title>
          <Text size="sm" c="dimmed">
            The users of {api.tenant}.
          </Text>
        </div>
        {api.can('create:users') ? (
          <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={() => setCreating(true)}>
            Create User
          </Button>
        ) : null}
      </Group>
      <form
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          setParams(text.trim() ? { q: text.trim() } : {});
        }}
      >
        <Group align="flex-end">
          <TextInput
            label="Search users"
            description={'Lucene syntax as in Auth0, e.g. email:"jane@example.com", name:jane*, blocked:true'}
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            leftSection={<IconSearch size={16} aria-hidden />}
            maxLength={1000}
            style={{ flex: 1 }}
          />
          <Button type="submit" variant="default">
            Search
          </Button>
        </Group>
      </form>
      <QueryState query={users} errorTitle="Could not load users" isEmpty={(d) => d.users.length === 0} empty={q ? 'No users match this search.' : 'No users yet.'}>
        {({ users: list, total }) => (
          <Stack gap="sm">
            <Table.ScrollContainer minWidth={640}>
              <Table striped highlightOnHover aria-label="Users">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Name</Table.Th>
                    <Table.Th>Connection</Table.Th>
                    <Table.Th>Logins</Table.Th>
                    <Table.Th>Latest Login</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.map((user) => (
                    <Table.Tr key={user.user_id}>
                      <Table.Td>
                        <Group gap="sm" wrap="nowrap">
                          <Avatar src={(user.picture as string | undefined) || null} alt="" radius="xl" size="sm">
                            {String(user.email ?? user.name ?? '?').slice(0, 1).toUpperCase()}
                          </Avatar>
                          <div>
                            <Anchor component={Link} to={`/t/${encodeURIComponent(api.tenant)}/users/${encodeURIComponent(user.user_id ?? '')}`} size="sm">
                              {user.name || user.email || user.user_id}
                            </Anchor>
                            <Text size="xs" c="dimmed">
                              {user.email}
                            </Text>
                          </div>
                          {user.blocked ? <Badge color="red" variant="light">Blocked</Badge> : null}
                        </Group>
                      </Table.Td>
                      <Table.Td>{user.identities?.[0]?.connection}</Table.Td>
                      <Table.Td>{user.logins_count ?? 0}</Table.Td>
                      <Table.Td>{user.last_login ? new Date(String(user.last_login)).toLocaleString() : 'Never'}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            {total > USERS_PER_PAGE ? (
              <Pagination
                total={Math.ceil(Math.min(total, 1000) / USERS_PER_PAGE)}
                value={page + 1}
                onChange={(p) => setParams({ ...(q ? { q } : {}), page: String(p - 1) })}
                getControlProps={(control) => ({ 'aria-label': `${control} page` })}
                getItemProps={(p) => ({ 'aria-label': `Page ${p}` })}
              />
            ) : null}
          </Stack>
        )}
      </QueryState>
      {creating ? <CreateUserModal onClose={() => setCreating(false)} /> : null}
    </Stack>
  );
}

function CreateUserModal({ onClose }: { onClose: () => void }) {
  const api = useTenantApi();
  const navigate = useNavigate();
  const create = useCreateUser(api);
  const connections = useDatabaseConnections(api, true);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [connection, setConnection] = useState<string | null>(null);
  const chosen = connection ?? connections.data?.[0]?.name ?? null;
  const canSubmit = /^[^\s@]+@[^\s@]+$/.test(email.trim()) && password !== '' && chosen !== null;
  return (
    <Modal opened onClose={onClose} title="Create user" centered>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!canSubmit || !chosen) return;
          create.mutate(
            { connection: chosen, email: email.trim(), password },
            {
              onSuccess: (user) => {
                notifySuccess('User created', `${user.email} was created.`);
                onClose();
                void navigate(`/t/${encodeURIComponent(api.tenant)}/users/${encodeURIComponent(user.user_id ?? '')}`);
              },
            },
          );
        }}
      >
        <Stack gap="md">
          <TextInput label="Email" type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} required maxLength={320} data-autofocus autoComplete="off" />
          <PasswordInput label="Password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} required maxLength={1000} autoComplete="new-password" />
          <QueryState query={connections} errorTitle="Could not load connections" isEmpty={(list) => list.length === 0} empty="This tenant has no database connection to create users in.">
            {(list) => <Select label="Connection" data={list.map((c) => c.name)} value={chosen} onChange={setConnection} allowDeselect={false} />}
          </QueryState>
          {create.isError ? (
            <Alert color="red" role="alert" variant="light">
              {errorMessage(create.error)}
            </Alert>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" disabled={!canSubmit} loading={create.isPending}>
              Create
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
