/**
 * `/t/{tenant}/users/{id}`: Details (the profile fields, user_metadata and app_metadata in JSON
 * editors that say what is wrong before saving, roles, block/unblock, delete: type the email to
 * confirm), Permissions, Logs, and the Actions menu (verification and password reset emails,
 * password change).
 */
import { useState } from 'react';
import { Alert, Anchor, Avatar, Badge, Button, Card, Group, Modal, SimpleGrid, Stack, Tabs, Text, TextInput, Title } from '@mantine/core';
import { notifySuccess } from '../../components/notify';
import { IconArrowLeft } from '@tabler/icons-react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { useTenantApi, type TenantApi, type User, type UserPatch } from '../../api/tenant-api';
import { ConfirmDestructive } from '../../components/ConfirmDestructive';
import { CopyField } from '../../components/CopyField';
import { JsonEditor, jsonError } from '../../components/JsonEditor';
import { QueryState, errorMessage } from '../../components/QueryState';
import { parseJsonObject } from '../../lib/url-list';
import { UserActions } from './UserActions';
import { UserLogs } from './UserLogs';
import { UserPermissions } from './UserPermissions';
import { UserRoles } from './UserRoles';
import { useDeleteUser, useUpdateUser, useUser } from './queries';

export function UserPage() {
  const api = useTenantApi();
  const id = useParams().id ?? '';
  const user = useUser(api, id);
  return (
    <Stack gap="lg">
      <Anchor component={Link} to={`/t/${encodeURIComponent(api.tenant)}/users`} size="sm">
        <Group gap={4}>
          <IconArrowLeft size={14} aria-hidden /> Back to Users
        </Group>
      </Anchor>
      <QueryState query={user} errorTitle="Could not load the user">
        {(u) => <UserDetails key={`${u.user_id} ${String(u.updated_at)}`} api={api} user={u} />}
      </QueryState>
    </Stack>
  );
}

const TABS = ['details', 'permissions', 'logs'] as const;

const pretty = (value: unknown) => JSON.stringify(value ?? {}, null, 2);

/** The PATCH value that turns `before` into `after` under Auth0's top-level merge: removed keys become null. */
function metadataPatch(before: unknown, after: Record<string, unknown>): Record<string, unknown> {
  const patch: Record<string, unknown> = { ...after };
  for (const key of Object.keys((before as Record<string, unknown> | undefined) ?? {})) if (!(key in after)) patch[key] = null;
  return patch;
}

function UserDetails({ api, user }: { api: TenantApi; user: User }) {
  const id = user.user_id ?? '';
  const update = useUpdateUser(api, id);
  const remove = useDeleteUser(api);
  const navigate = useNavigate();
  const canWrite = api.can('update:users');
  const canWriteAppMetadata = api.can('update:users_app_metadata') || canWrite;
  const [profile, setProfile] = useState({
    name: String(user.name ?? ''),
    given_name: String(user.given_name ?? ''),
    family_name: String(user.family_name ?? ''),
    nickname: String(user.nickname ?? ''),
    picture: String(user.picture ?? ''),
  });
  const [userMetadata, setUserMetadata] = useState(pretty(user.user_metadata));
  const [appMetadata, setAppMetadata] = useState(pretty(user.app_metadata));
  const [blocking, setBlocking] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const saved = () => notifySuccess('Saved', 'The user was updated.');
  const field = (key: keyof typeof profile, label: string) => (
    <TextInput label={label} value={profile[key]} onChange={(e) => setProfile({ ...profile, [key]: e.currentTarget.value })} maxLength={300} disabled={!canWrite} />
  );
  const label = String(user.email ?? user.name ?? id);
  const [params, setParams] = useSearchParams();
  const tab = TABS.find((t) => t === params.get('tab')) ?? 'details';
  const canReadLogs = api.can('read:logs') || api.can('read:logs_users');
  return (
    <Stack gap="lg" maw={900}>
      <Group justify="space-between" align="flex-start">
        <Group gap="md">
          <Avatar src={(user.picture as string | undefined) || null} alt="" size="lg" radius="xl">
            {label.slice(0, 1).toUpperCase()}
          </Avatar>
          <div>
            <Group gap="sm">
              <Title order={1}>{label}</Title>
              {user.blocked ? <Badge color="red">Blocked</Badge> : null}
            </Group>
            <Text size="sm" c="dimmed" ff="monospace">
              {id}
            </Text>
          </div>
        </Group>
        <UserActions api={api} user={user} />
      </Group>
      <Tabs value={tab} onChange={(value) => setParams(value && value !== 'details' ? { tab: value } : {}, { replace: true })} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="details">Details</Tabs.Tab>
          <Tabs.Tab value="permissions">Permissions</Tabs.Tab>
          {canReadLogs ? <Tabs.Tab value="logs">Logs</Tabs.Tab> : null}
        </Tabs.List>
        <Tabs.Panel value="permissions" pt="lg">
          <UserPermissions api={api} userId={id} />
        </Tabs.Panel>
        {canReadLogs ? (
          <Tabs.Panel value="logs" pt="lg">
            <UserLogs api={api} userId={id} />
          </Tabs.Panel>
        ) : null}
        <Tabs.Panel value="details" pt="lg">
          <Stack gap="lg">
            <Card withBorder>
              <Stack gap="md">
                <Title order={2} size="h4">
                  Profile
                </Title>
                <SimpleGrid cols={{ base: 1, sm: 2 }}>
                  <CopyField label="Email" value={String(user.email ?? '')} description={user.email_verified ? 'Verified' : 'Not verified'} />
                  <CopyField label="User ID" value={id} />
                  <TextInput label="Connection" value={user.identities?.[0]?.connection ?? ''} readOnly />
                  <TextInput label="Signed up" value={user.created_at ? new Date(String(user.created_at)).toLocaleString() : ''} readOnly />
                  <TextInput label="Latest login" value={user.last_login ? new Date(String(user.last_login)).toLocaleString() : 'Never'} readOnly />
                  <TextInput label="Logins" value={String(user.logins_count ?? 0)} readOnly />
                </SimpleGrid>
                <form
                  onSubmit={(event) => {
                    event.preventDefault();
                    const patch: Record<string, string> = {};
                    for (const [key, value] of Object.entries(profile)) if (value.trim() !== String((user as Record<string, unknown>)[key] ?? '')) patch[key] = value.trim();
                    update.mutate(patch as UserPatch, { onSuccess: saved });
                  }}
                >
                  <Stack gap="md">
                    <SimpleGrid cols={{ base: 1, sm: 2 }}>
                      {field('name', 'Name')}
                      {field('nickname', 'Nickname')}
                      {field('given_name', 'Given name')}
                      {field('family_name', 'Family name')}
                      {field('picture', 'Picture URL')}
                    </SimpleGrid>
                    {canWrite ? (
                      <Group>
                        <Button type="submit" loading={update.isPending}>
                          Save profile
                        </Button>
                      </Group>
                    ) : null}
                  </Stack>
                </form>
              </Stack>
            </Card>
            <Card withBorder>
              <form
                onSubmit={(event) => {
                  event.preventDefault();
                  const um = parseJsonObject(userMetadata);
                  const am = parseJsonObject(appMetadata);
                  if ('error' in um || 'error' in am) return;
                  const patch: Record<string, unknown> = {};
                  if (canWrite) patch.user_metadata = metadataPatch(user.user_metadata, um.value);
                  if (canWriteAppMetadata) patch.app_metadata = metadataPatch(user.app_metadata, am.value);
                  update.mutate(patch as UserPatch, { onSuccess: saved });
                }}
              >
                <Stack gap="md">
                  <Title order={2} size="h4">
                    Metadata
                  </Title>
                  <JsonEditor label="user_metadata" description="Data the user can read and change (preferences, address)." value={userMetadata} onChange={setUserMetadata} disabled={!canWrite} />
                  <JsonEditor label="app_metadata" description="Data the user cannot change (roles, plan, support flags)." value={appMetadata} onChange={setAppMetadata} disabled={!canWriteAppMetadata} />
                  <Text size="xs" c="dimmed">
                    The Management API merges top-level keys into the stored metadata; a top-level key removed here is sent as null, which deletes it.
                  </Text>
                  {canWrite || canWriteAppMetadata ? (
                    <Group>
                      <Button type="submit" loading={update.isPending} disabled={Boolean(jsonError(userMetadata) || jsonError(appMetadata))}>
                        Save metadata
                      </Button>
                    </Group>
                  ) : null}
                </Stack>
              </form>
            </Card>
            {api.can('read:roles') ? <UserRoles api={api} userId={id} /> : null}
            {update.isError ? (
              <Alert color="red" role="alert" variant="light">
                {errorMessage(update.error)}
              </Alert>
            ) : null}
            {canWrite || api.can('delete:users') ? (
              <Card withBorder style={{ borderColor: 'var(--mantine-color-red-outline)' }}>
                <Stack gap="md">
                  <Title order={2} size="h4">
                    Danger Zone
                  </Title>
                  {canWrite ? (
                    <Group justify="space-between" wrap="nowrap">
                      <Text size="sm">{user.blocked ? 'Unblock this user: they can sign in again.' : 'Block this user: they cannot sign in until unblocked.'}</Text>
                      <Button variant="default" onClick={() => setBlocking(true)}>
                        {user.blocked ? 'Unblock' : 'Block'}
                      </Button>
                    </Group>
                  ) : null}
                  {api.can('delete:users') ? (
                    <Group justify="space-between" wrap="nowrap">
                      <Text size="sm">Delete this user, their sessions and grants. This cannot be undone.</Text>
                      <Button color="red" onClick={() => setDeleting(true)}>
                        Delete
                      </Button>
                    </Group>
                  ) : null}
                </Stack>
              </Card>
            ) : null}
            <Modal opened={blocking} onClose={() => setBlocking(false)} title={user.blocked ? 'Unblock user?' : 'Block user?'} centered>
              <Stack gap="md">
                <Text size="sm">{user.blocked ? `${label} will be able to sign in again.` : `${label} will not be able to sign in.`}</Text>
                <Group justify="flex-end">
                  <Button variant="default" onClick={() => setBlocking(false)}>
                    Cancel
                  </Button>
                  <Button
                    color={user.blocked ? undefined : 'red'}
                    loading={update.isPending}
                    onClick={() => update.mutate({ blocked: !user.blocked } as UserPatch, { onSuccess: () => setBlocking(false), onError: () => setBlocking(false) })}
                  >
                    {user.blocked ? 'Unblock' : 'Block'}
                  </Button>
                </Group>
              </Stack>
            </Modal>
            <ConfirmDestructive
              opened={deleting}
              onClose={() => {
                setDeleting(false);
                remove.reset();
              }}
              title="Delete user"
              name={label}
              confirmLabel="Delete user"
              error={remove.isError ? errorMessage(remove.error) : undefined}
              onConfirm={() =>
                remove.mutateAsync(id).then(
                  () => {
                    notifySuccess('User deleted', `${label} was deleted.`);
                    void navigate(`/t/${encodeURIComponent(api.tenant)}/users`);
                  },
                  () => undefined,
                )
              }
            >
              This deletes {label}. It cannot be undone.
            </ConfirmDestructive>
          </Stack>
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
