/**
 * `/t/{tenant}/settings/members` (Admins only; the navigation hides it from other roles and the
 * control API answers 403 anyway): the tenant's members with their roles (change, remove), and its
 * pending invitations (send, revoke). A tenant always keeps one Admin: the server refuses the last
 * one's removal or demotion (409 `last_admin`), shown in the dialog that asked.
 */
import { useState } from 'react';
import { Alert, Badge, Button, Card, Group, Modal, MultiSelect, Stack, Table, Text, TextInput, Title, VisuallyHidden } from '@mantine/core';
import { modals } from '@mantine/modals';
import { useParams } from 'react-router';
import type { Invitation, Member, RoleId } from '../../api/control';
import { ConfirmDestructive } from '../../components/ConfirmDestructive';
import { QueryState } from '../../components/QueryState';
import { useAccount } from '../../app/session';
import { formatDateTime } from '../../lib/format';
import { managesMembers, ROLE_OPTIONS, roleName, sameRoles, sortRoles } from '../../lib/roles';
import { useTenant } from '../tenants/queries';
import { failure, useInvitations, useInvite, useMembers, useRemoveMember, useRevokeInvitation, useSetMemberRoles } from './queries';
import { notifySuccess, notifyFailure } from '../../components/notify';

function RoleBadges({ roles }: { roles: readonly string[] }) {
  return (
    <Group gap={4}>
      {sortRoles(roles).map((role) => (
        <Badge key={role} variant="light" color="gray" tt="none" style={{ flexShrink: 0 }}>
          {roleName(role)}
        </Badge>
      ))}
    </Group>
  );
}

function ChangeRolesModal({ tenant, member, onClose }: { tenant: string; member: Member | undefined; onClose: () => void }) {
  const [roles, setRoles] = useState<string[]>(member?.roles ?? []);
  const save = useSetMemberRoles(tenant);
  const close = () => {
    save.reset();
    onClose();
  };
  if (!member) return null;
  return (
    <Modal opened onClose={close} title={`Roles of ${member.email}`} centered>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (roles.length === 0 || save.isPending) return;
          save.mutate(
            { userId: member.user_id, roles: roles as RoleId[] },
            {
              onSuccess: () => {
                notifySuccess('Roles changed', `${member.email} now has: ${sortRoles(roles).map(roleName).join(', ')}. Their sessions were ended.`);
                close();
              },
            },
          );
        }}
      >
        <Stack gap="md">
          <MultiSelect
            label="Roles"
            description="A member holds the permissions of all its roles. Changing them signs the member out."
            data={ROLE_OPTIONS}
            value={roles}
            onChange={setRoles}
            error={roles.length === 0 ? 'Choose at least one role.' : undefined}
            data-autofocus
          />
          {save.isError ? (
            <Alert color="red" variant="light" role="alert" title="The roles were not changed">
              {failure(save.error)}
            </Alert>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending} disabled={roles.length === 0 || sameRoles(roles, member.roles)}>
              Save roles
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function MembersTable({ tenant, members }: { tenant: string; members: Member[] }) {
  const account = useAccount();
  const [editing, setEditing] = useState<Member | undefined>();
  const [removing, setRemoving] = useState<Member | undefined>();
  const remove = useRemoveMember(tenant);
  return (
    <>
      <Table.ScrollContainer minWidth={720}>
        <Table striped highlightOnHover verticalSpacing="sm" aria-label="Members" data-testid="members-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Email</Table.Th>
              <Table.Th>Name</Table.Th>
              <Table.Th>Roles</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th>Last login</Table.Th>
              <Table.Th>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {members.map((member) => (
              <Table.Tr key={member.user_id} data-testid={`member-${member.email}`}>
                <Table.Td>
                  {member.email}
                  {member.user_id === account.user_id ? (
                    <Badge ml="xs" size="sm" color="gray" variant="light" tt="none">
                      You
                    </Badge>
                  ) : null}
                </Table.Td>
                <Table.Td>{member.name}</Table.Td>
                <Table.Td>
                  <RoleBadges roles={member.roles} />
                </Table.Td>
                <Table.Td>{formatDateTime(member.created_at)}</Table.Td>
                <Table.Td>{formatDateTime(member.last_login)}</Table.Td>
                <Table.Td>
                  <Group gap="xs" wrap="nowrap" justify="flex-end">
                    <Button size="xs" variant="default" onClick={() => setEditing(member)} aria-label={`Change roles of ${member.email}`}>
                      Change roles
                    </Button>
                    <Button size="xs" variant="outline" color="red" onClick={() => setRemoving(member)} aria-label={`Remove ${member.email}`}>
                      Remove
                    </Button>
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {editing ? <ChangeRolesModal key={editing.user_id} tenant={tenant} member={editing} onClose={() => setEditing(undefined)} /> : null}
      <ConfirmDestructive
        opened={removing !== undefined}
        onClose={() => {
          setRemoving(undefined);
          remove.reset();
        }}
        title={`Remove ${removing?.email ?? ''} from ${tenant}`}
        name={removing?.email ?? ''}
        confirmLabel="Remove member"
        error={remove.isError ? failure(remove.error) : undefined}
        onConfirm={() =>
          removing &&
          remove.mutateAsync(removing.user_id).then(
            () => {
              notifySuccess('Member removed', `${removing.email} can no longer manage ${tenant}.`);
              setRemoving(undefined);
              remove.reset();
            },
            () => undefined,
          )
        }
      >
        {removing?.email} loses access to {tenant} at once: their dashboard sessions end and their tokens stop working.
      </ConfirmDestructive>
    </>
  );
}

function InviteForm({ tenant }: { tenant: string }) {
  const [email, setEmail] = useState('');
  const [roles, setRoles] = useState<string[]>([]);
  const [touched, setTouched] = useState(false);
  const invite = useInvite(tenant);
  const emailProblem = touched && !/^[^\s@]+@[^\s@]+$/.test(email.trim()) ? 'Enter an email address.' : undefined;
  const rolesProblem = touched && roles.length === 0 ? 'Choose at least one role.' : undefined;
  return (
    <form
      noValidate
      aria-label="Invite a member"
      onSubmit={(event) => {
        event.preventDefault();
        setTouched(true);
        if (!/^[^\s@]+@[^\s@]+$/.test(email.trim()) || roles.length === 0 || invite.isPending) return;
        invite.mutate(
          { email: email.trim(), roles: roles as RoleId[] },
          {
            onSuccess: (sent) => {
              notifySuccess('Invitation sent', `${sent.email} was invited.`);
              setEmail('');
              setRoles([]);
              setTouched(false);
            },
          },
        );
      }}
    >
      <Stack gap="sm">
        <Group align="flex-start" grow>
          <TextInput label="Email" type="email" autoComplete="off" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} error={emailProblem} maxLength={320} />
          <MultiSelect label="Roles" required data={ROLE_OPTIONS} value={roles} onChange={setRoles} error={rolesProblem} placeholder={roles.length ? undefined : 'Choose roles'} />
        </Group>
        {invite.isError ? (
          <Alert color="red" variant="light" role="alert" title="The invitation was not sent">
            {failure(invite.error)}
          </Alert>
        ) : null}
        <Group>
          <Button type="submit" loading={invite.isPending}>
            Send invitation
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function InvitationsTable({ tenant, invitations, members }: { tenant: string; invitations: Invitation[]; members: Member[] | undefined }) {
  const revoke = useRevokeInvitation(tenant);
  const inviter = (id: string) => members?.find((m) => m.user_id === id)?.email ?? id;
  const confirmRevoke = (invitation: Invitation) =>
    modals.openConfirmModal({
      title: `Revoke the invitation of ${invitation.email}?`,
      centered: true,
      children: <Text size="sm">The link in the email stops working. You can invite them again later.</Text>,
      labels: { confirm: 'Revoke invitation', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: () =>
        revoke.mutate(invitation.id, {
          onSuccess: () => notifySuccess('Invitation revoked', `${invitation.email} can no longer accept it.`),
          onError: (error) => notifyFailure('The invitation was not revoked', failure(error)),
        }),
    });
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table striped verticalSpacing="sm" aria-label="Pending invitations" data-testid="invitations-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Email</Table.Th>
            <Table.Th>Roles</Table.Th>
            <Table.Th>Invited by</Table.Th>
            <Table.Th>Sent</Table.Th>
            <Table.Th>Expires</Table.Th>
            <Table.Th>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {invitations.map((invitation) => (
            <Table.Tr key={invitation.id}>
              <Table.Td>{invitation.email}</Table.Td>
              <Table.Td>
                <RoleBadges roles={invitation.roles} />
              </Table.Td>
              <Table.Td>{inviter(invitation.invited_by)}</Table.Td>
              <Table.Td>{formatDateTime(invitation.created_at)}</Table.Td>
              <Table.Td>{formatDateTime(invitation.expires_at)}</Table.Td>
              <Table.Td>
                <Group justify="flex-end">
                  <Button size="xs" variant="outline" color="red" onClick={() => confirmRevoke(invitation)} aria-label={`Revoke the invitation of ${invitation.email}`}>
                    Revoke
                  </Button>
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

export function MembersPage() {
  const name = useParams().tenant ?? '';
  const tenant = useTenant(name);
  return (
    <QueryState query={tenant} errorTitle={`Could not load tenant ${name}`}>
      {(t) => (managesMembers(t.roles) ? <MembersScreen tenant={t.name} /> : <NotAnAdmin tenant={t.name} />)}
    </QueryState>
  );
}

function NotAnAdmin({ tenant }: { tenant: string }) {
  return (
    <Stack gap="md" maw={640}>
      <Title order={1}>Tenant members</Title>
      <Alert color="yellow" variant="light" role="alert" title="Admins only">
        Only an Admin of {tenant} can see and manage its members.
      </Alert>
    </Stack>
  );
}

function MembersScreen({ tenant }: { tenant: string }) {
  const members = useMembers(tenant);
  const invitations = useInvitations(tenant);
  return (
    <Stack gap="lg">
      <div>
        <Title order={1}>Tenant members</Title>
        <Text size="sm" c="dimmed">
          The people who can manage {tenant} from this dashboard, and their roles.
        </Text>
      </div>
      <Card withBorder>
        <Title order={2} size="h4" mb="sm">
          Members
        </Title>
        <QueryState query={members} errorTitle="Could not load the members" isEmpty={(list) => list.length === 0} empty="This tenant has no members.">
          {(list) => <MembersTable tenant={tenant} members={list} />}
        </QueryState>
      </Card>
      <Card withBorder>
        <Title order={2} size="h4" mb="sm">
          Invite a member
        </Title>
        <InviteForm tenant={tenant} />
      </Card>
      <Card withBorder>
        <Title order={2} size="h4" mb="sm">
          Pending invitations
        </Title>
        <QueryState query={invitations} errorTitle="Could not load the invitations" isEmpty={(list) => list.length === 0} empty="No pending invitations.">
          {(list) => <InvitationsTable tenant={tenant} invitations={list} members={members.data} />}
        </QueryState>
      </Card>
    </Stack>
  );
}
