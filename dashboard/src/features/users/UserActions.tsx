/**
 * The user page's Actions menu: send a verification email (POST /jobs/verification-email,
 * `update:users`), send a password reset email (Tessera's POST /tessera/users/{id}/password-reset-email,
 * `create:user_tickets`: a five-day, one-use link to the hosted reset page) and change the password
 * directly (PATCH /users/{id} with the connection, `update:users`). Each asks first and says how it
 * went; an action the role cannot use, or that does not apply to the user, is not offered.
 */
import { useState, type ReactNode } from 'react';
import { Alert, Button, Group, Menu, Modal, PasswordInput, Stack, Text } from '@mantine/core';
import { IconChevronDown } from '@tabler/icons-react';
import { useMutation } from '@tanstack/react-query';
import type { TenantApi, User, UserPatch } from '../../api/tenant-api';
import { errorMessage } from '../../components/QueryState';
import { notifySuccess } from '../../components/notify';
import { useUpdateUser } from './queries';

type Action = 'verify' | 'reset' | 'password';

export function UserActions({ api, user }: { api: TenantApi; user: User }) {
  const id = user.user_id ?? '';
  const email = typeof user.email === 'string' ? user.email : undefined;
  const identity = user.identities?.[0];
  // Only a database connection's users have a password here.
  const hasPassword = identity?.provider === 'auth0';
  const [open, setOpen] = useState<Action | null>(null);
  const offers = {
    verify: api.can('update:users') && email !== undefined && user.email_verified !== true,
    reset: api.can('create:user_tickets') && email !== undefined && hasPassword,
    password: api.can('update:users') && hasPassword,
  };
  if (!offers.verify && !offers.reset && !offers.password) return null;
  return (
    <>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <Button variant="default" rightSection={<IconChevronDown size={14} aria-hidden />}>
            Actions
          </Button>
        </Menu.Target>
        <Menu.Dropdown>
          {offers.verify ? <Menu.Item onClick={() => setOpen('verify')}>Send verification email</Menu.Item> : null}
          {offers.reset ? <Menu.Item onClick={() => setOpen('reset')}>Send password reset email</Menu.Item> : null}
          {offers.password ? <Menu.Item onClick={() => setOpen('password')}>Change password</Menu.Item> : null}
        </Menu.Dropdown>
      </Menu>
      {open === 'verify' ? (
        <SendEmail
          title="Send verification email?"
          label="Send verification email"
          send={() => api.post(`/jobs/verification-email`, { user_id: id })}
          sent={() => notifySuccess('Verification email sent', `A verification link was sent to ${email}.`)}
          onClose={() => setOpen(null)}
        >
          {email} will receive a link that marks the address verified. The link works once and expires in 5 days.
        </SendEmail>
      ) : null}
      {open === 'reset' ? (
        <SendEmail
          title="Send password reset email?"
          label="Send password reset email"
          send={() => api.post(`/tessera/users/${encodeURIComponent(id)}/password-reset-email`)}
          sent={() => notifySuccess('Password reset email sent', `A password reset link was sent to ${email}.`)}
          onClose={() => setOpen(null)}
        >
          {email} will receive a link to choose a new password. The link works once and expires in 5 days; the current password keeps working until then.
        </SendEmail>
      ) : null}
      {open === 'password' ? <ChangePassword api={api} user={user} connection={identity?.connection ?? ''} onClose={() => setOpen(null)} /> : null}
    </>
  );
}

function SendEmail({ title, label, send, sent, onClose, children }: { title: string; label: string; send: () => Promise<unknown>; sent: () => void; onClose: () => void; children: ReactNode }) {
  const mutation = useMutation({
    mutationFn: send,
    onSuccess: () => {
      sent();
      onClose();
    },
  });
  return (
    <Modal opened onClose={onClose} title={title} centered>
      <Stack gap="md">
        <Text size="sm">{children}</Text>
        {mutation.isError ? (
          <Alert color="red" role="alert" variant="light">
            {errorMessage(mutation.error)}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button loading={mutation.isPending} onClick={() => mutation.mutate()}>
            {label}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function ChangePassword({ api, user, connection, onClose }: { api: TenantApi; user: User; connection: string; onClose: () => void }) {
  const update = useUpdateUser(api, user.user_id ?? '');
  const [password, setPassword] = useState('');
  const [confirmation, setConfirmation] = useState('');
  const mismatch = confirmation !== '' && confirmation !== password;
  return (
    <Modal opened onClose={onClose} title="Change password" centered>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (!password || mismatch) return;
          update.mutate({ password, connection } as UserPatch, {
            onSuccess: () => {
              notifySuccess('Password changed', `The password of ${String(user.email ?? user.user_id)} was changed.`);
              onClose();
            },
          });
        }}
      >
        <Stack gap="md">
          <Text size="sm">Set a new password for {String(user.email ?? user.user_id)}. The connection's password policy applies.</Text>
          <PasswordInput label="New password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} autoComplete="new-password" maxLength={128} required data-autofocus />
          <PasswordInput
            label="Confirm new password"
            value={confirmation}
            onChange={(e) => setConfirmation(e.currentTarget.value)}
            autoComplete="new-password"
            maxLength={128}
            required
            error={mismatch ? 'The passwords do not match.' : undefined}
          />
          {update.isError ? (
            <Alert color="red" role="alert" variant="light">
              {errorMessage(update.error)}
            </Alert>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={update.isPending} disabled={!password || mismatch}>
              Change password
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
