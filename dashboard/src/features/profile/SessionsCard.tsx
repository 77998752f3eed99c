/**
 * Profile › Login sessions: the account's dashboard sessions (device, browser, address, times), each
 * revocable. Revoking the current one signs out (the server ends its hosted-login session too).
 */
import { Alert, Badge, Button, Card, Group, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { modals } from '@mantine/modals';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { control, forgetSession } from '../../api/clients';
import type { DashboardSession } from '../../api/control';
import { call } from '../../api/errors';
import { QueryState } from '../../components/QueryState';
import { formatDateTime } from '../../lib/format';
import { failure } from '../members/queries';
import { notifySuccess } from '../../components/notify';

const SESSIONS_KEY = ['me', 'sessions'] as const;

export function SessionsCard() {
  const queryClient = useQueryClient();
  const sessions = useQuery({ queryKey: SESSIONS_KEY, queryFn: () => call(() => control.GET('/api/control/v1/me/sessions')) });
  const revoke = useMutation({
    mutationFn: (session: DashboardSession) => call(() => control.DELETE('/api/control/v1/me/sessions/{id}', { params: { path: { id: session.id } } })),
    onSuccess: (_nothing, session) => {
      if (session.current) return forgetSession();
      notifySuccess('Session revoked', `${session.browser} on ${session.device} is signed out.`);
      return queryClient.invalidateQueries({ queryKey: SESSIONS_KEY });
    },
  });
  const confirm = (session: DashboardSession) =>
    modals.openConfirmModal({
      title: session.current ? 'Sign out of this session?' : 'Revoke this session?',
      centered: true,
      children: (
        <Text size="sm">
          {session.current
            ? 'This is the session you are using: revoking it signs you out here.'
            : `${session.browser} on ${session.device} (${session.ip}) is signed out at once.`}
        </Text>
      ),
      labels: { confirm: session.current ? 'Sign out' : 'Revoke session', cancel: 'Cancel' },
      confirmProps: { color: 'red' },
      onConfirm: () => revoke.mutate(session),
    });
  return (
    <Card withBorder>
      <Stack gap="sm">
        <Title order={2} size="h4">
          Login sessions
        </Title>
        <Text size="sm" c="dimmed">
          Where your account is signed in to the dashboard.
        </Text>
        {revoke.isError ? (
          <Alert color="red" variant="light" role="alert" title="The session was not revoked">
            {failure(revoke.error)}
          </Alert>
        ) : null}
        <QueryState query={sessions} errorTitle="Could not load your sessions" isEmpty={(list) => list.length === 0} empty="No active sessions.">
          {(list) => (
            <Table.ScrollContainer minWidth={640}>
              <Table striped verticalSpacing="sm" aria-label="Login sessions" data-testid="sessions-table">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Device</Table.Th>
                    <Table.Th>Browser</Table.Th>
                    <Table.Th>IP address</Table.Th>
                    <Table.Th>Signed in</Table.Th>
                    <Table.Th>Last active</Table.Th>
                    <Table.Th>
                      <VisuallyHidden>Actions</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {list.map((session) => (
                    <Table.Tr key={session.id}>
                      <Table.Td>
                        {session.device}
                        {session.current ? (
                          <Badge ml="xs" size="sm" color="gray" variant="light" tt="none">
                            This session
                          </Badge>
                        ) : null}
                      </Table.Td>
                      <Table.Td>{session.browser}</Table.Td>
                      <Table.Td>{session.ip}</Table.Td>
                      <Table.Td>{formatDateTime(session.created_at)}</Table.Td>
                      <Table.Td>{formatDateTime(session.last_active_at)}</Table.Td>
                      <Table.Td>
                        <Group justify="flex-end">
                          <Button
                            size="xs"
                            variant="outline"
                            color="red"
                            onClick={() => confirm(session)}
                            aria-label={session.current ? 'Revoke this session (signs you out)' : `Revoke the session of ${session.browser} on ${session.device}`}
                          >
                            Revoke
                          </Button>
                        </Group>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </QueryState>
      </Stack>
    </Card>
  );
}
