/**
 * `/invitations/accept#ticket=…`: the link of an invitation email. The ticket is read from the
 * fragment once and dropped from the address bar; `POST /invitations/lookup` says which tenant, which
 * roles, and whether an account with the invited address exists. Then, one of:
 * - no account: a form (name, password) creates it and accepts (`POST /invitations/accept`), signed in;
 * - an account, not signed in: sign in first, coming back to this page (the ticket waits in sessionStorage);
 * - signed in: accept with the current account (403 `email_mismatch` if it is another address).
 */
import { useEffect, useState } from 'react';
import { Alert, Badge, Button, Center, Group, Loader, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { control, signInUrl, signOut } from '../../api/clients';
import type { InvitationLookup, Me } from '../../api/control';
import { ApiRequestError, call } from '../../api/errors';
import { fetchMe } from '../../app/session';
import { readFragmentParam } from '../../lib/fragment';
import { roleName, sortRoles } from '../../lib/roles';
import { failure } from '../members/queries';

/** The account of this browser, or null when no one is signed in (this page is public). */
async function currentAccount(): Promise<Me | null> {
  try {
    return await fetchMe();
  } catch (error) {
    if (error instanceof ApiRequestError && error.status === 401) return null;
    throw error;
  }
}

/**
 * While the person signs in, the ticket waits in this tab's sessionStorage, not in the sign-in URL:
 * `return_to` is sent to the server, and a ticket must never reach one outside a POST body.
 */
const PENDING_TICKET = 'tessera.pendingInvitation';

function takeTicket(): string | undefined {
  const fromLink = readFragmentParam(window.location.hash, 'ticket');
  const pending = window.sessionStorage.getItem(PENDING_TICKET) ?? undefined;
  window.sessionStorage.removeItem(PENDING_TICKET);
  return fromLink ?? pending;
}

export function AcceptInvitationPage() {
  const [ticket] = useState(takeTicket);
  useEffect(() => {
    if (window.location.hash) window.history.replaceState(null, '', window.location.pathname + window.location.search);
  }, []);
  const lookup = useQuery({
    queryKey: ['invitation', ticket],
    queryFn: () => call(() => control.POST('/api/control/v1/invitations/lookup', { body: { ticket: ticket ?? '' } })),
    enabled: ticket !== undefined,
    retry: false,
    staleTime: Infinity,
  });
  const me = useQuery({ queryKey: ['me', 'optional'], queryFn: currentAccount, retry: false });

  let body;
  if (!ticket) {
    body = (
      <Alert color="yellow" variant="light" role="alert" title="No invitation in this link">
        Open the link from the invitation email as it is (it ends in <code>#ticket=…</code>).
      </Alert>
    );
  } else if (lookup.isPending || me.isPending) {
    body = (
      <Center py="lg" role="status" aria-live="polite">
        <Loader aria-label="Loading the invitation" />
      </Center>
    );
  } else if (lookup.isError || me.isError) {
    body = (
      <Alert color="red" variant="light" role="alert" title="This invitation cannot be used" data-testid="invitation-error">
        {failure(lookup.error ?? me.error)}
      </Alert>
    );
  } else {
    body = <Invitation ticket={ticket} invitation={lookup.data} account={me.data} />;
  }
  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" w={480} maw="100%" component="main">
        <Stack gap="md">
          <Title order={1} size="h2">
            Accept invitation
          </Title>
          {body}
        </Stack>
      </Paper>
    </Center>
  );
}

function Invitation({ ticket, invitation, account }: { ticket: string; invitation: InvitationLookup; account: Me | null }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const accept = useMutation({
    mutationFn: (body: { name?: string; password?: string }) => call(() => control.POST('/api/control/v1/invitations/accept', { body: { ticket, ...body } })),
    // A full load: the new session cookie (or the new membership) is read afresh by GET /me.
    onSuccess: (accepted) => window.location.assign(`/t/${encodeURIComponent(accepted.tenant)}/overview`),
  });
  const signIn = () => {
    window.sessionStorage.setItem(PENDING_TICKET, ticket);
    window.location.assign(signInUrl('/invitations/accept'));
  };
  const code = accept.error instanceof ApiRequestError ? accept.error.code : undefined;
  const otherAccount = account !== null && account.email.toLowerCase() !== invitation.email.toLowerCase();

  return (
    <Stack gap="md">
      <Text>
        {invitation.inviter ? <strong>{invitation.inviter}</strong> : 'An Admin'} invites <strong>{invitation.email}</strong> to manage the tenant{' '}
        <strong>{invitation.tenant}</strong> as:
      </Text>
      <Group gap={4}>
        {sortRoles(invitation.roles).map((role) => (
          <Badge key={role} color="gray" variant="light" tt="none">
            {roleName(role)}
          </Badge>
        ))}
      </Group>
      {accept.isError ? (
        <Alert color="red" variant="light" role="alert" title="The invitation was not accepted" data-testid="invitation-error">
          {failure(accept.error)}
        </Alert>
      ) : null}

      {account ? (
        <Stack gap="sm">
          <Text size="sm">
            You are signed in as <strong>{account.email}</strong>.
          </Text>
          {otherAccount && !accept.isError ? (
            <Alert color="yellow" variant="light" title="Another account">
              This invitation is for {invitation.email}. Sign out, then open the invitation link again to accept it with that address.
            </Alert>
          ) : null}
          <Group>
            <Button onClick={() => accept.mutate({})} loading={accept.isPending} disabled={accept.isSuccess}>
              Accept invitation
            </Button>
            {otherAccount || code === 'email_mismatch' ? (
              <Button variant="default" onClick={() => void signOut()}>
                Sign out
              </Button>
            ) : null}
          </Group>
        </Stack>
      ) : invitation.account_exists || code === 'login_required' ? (
        <Stack gap="sm">
          <Text size="sm">An account with this address exists. Sign in with it, and you come back here to accept.</Text>
          <Group>
            <Button onClick={signIn}>Sign in to accept</Button>
          </Group>
        </Stack>
      ) : (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (!password || accept.isPending) return;
            accept.mutate({ ...(name.trim() ? { name: name.trim() } : {}), password });
          }}
        >
          <Stack gap="sm">
            <Text size="sm">Create your dashboard account for {invitation.email}.</Text>
            <TextInput label="Email" value={invitation.email} readOnly autoComplete="username" />
            <TextInput label="Name" autoComplete="name" value={name} onChange={(e) => setName(e.currentTarget.value)} maxLength={300} />
            <PasswordInput label="Password" autoComplete="new-password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} maxLength={200} />
            <Group>
              <Button type="submit" loading={accept.isPending} disabled={accept.isSuccess}>
                Create account and accept
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Stack>
  );
}
