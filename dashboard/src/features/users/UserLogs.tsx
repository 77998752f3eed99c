/** The user's log events (GET /users/{id}/logs), newest first, a page of 25 at a time. */
import { useState } from 'react';
import { Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { TenantApi } from '../../api/tenant-api';
import { QueryState } from '../../components/QueryState';
import { formatDateTime } from '../../lib/format';
import { logTypeDescription } from '../../lib/log-types';

interface LogEvent {
  log_id: string;
  date: string;
  type: string;
  description?: string;
  client_id?: string;
  client_name?: string;
  ip?: string;
}

interface LogPage {
  logs: LogEvent[];
  total: number;
}

const PER_PAGE = 25;
/** The Management API pages through a user's first 1,000 events only (as Auth0). */
const WINDOW = 1000;

export function UserLogs({ api, userId }: { api: TenantApi; userId: string }) {
  const [page, setPage] = useState(0);
  const logs = useQuery({
    queryKey: ['tenant', api.tenant, 'users', 'logs', userId, page],
    queryFn: () => api.get<LogPage>(`/users/${encodeURIComponent(userId)}/logs`, { page, per_page: PER_PAGE, include_totals: true, sort: 'date:-1' }),
    placeholderData: (previous) => previous,
  });
  const total = Math.min(logs.data?.total ?? 0, WINDOW);
  const last = Math.max(0, Math.ceil(total / PER_PAGE) - 1);
  return (
    <Card withBorder>
      <Stack gap="md">
        <Group justify="space-between">
          <Title order={2} size="h4">
            Logs
          </Title>
          <Button variant="default" size="xs" onClick={() => void logs.refetch()} loading={logs.isFetching}>
            Refresh
          </Button>
        </Group>
        <QueryState query={logs} errorTitle="Could not load the user's logs" isEmpty={(p) => p.logs.length === 0} empty="No log events for this user.">
          {({ logs: events }) => (
            <Table aria-label="Log events of the user">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">Date</Table.Th>
                  <Table.Th scope="col">Event</Table.Th>
                  <Table.Th scope="col">Description</Table.Th>
                  <Table.Th scope="col">Application</Table.Th>
                  <Table.Th scope="col">IP address</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {events.map((e) => (
                  <Table.Tr key={e.log_id} data-type={e.type}>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{formatDateTime(e.date)}</Table.Td>
                    <Table.Td>{logTypeDescription(e.type)}</Table.Td>
                    <Table.Td>{e.description}</Table.Td>
                    <Table.Td>{e.client_name ?? e.client_id}</Table.Td>
                    <Table.Td ff="monospace">{e.ip}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </QueryState>
        {total > PER_PAGE ? (
          <Group justify="space-between">
            <Text size="sm" c="dimmed">
              Page {page + 1} of {last + 1}
            </Text>
            <Group gap="xs">
              <Button variant="default" size="xs" disabled={page === 0} onClick={() => setPage(page - 1)}>
                Newer
              </Button>
              <Button variant="default" size="xs" disabled={page >= last} onClick={() => setPage(page + 1)}>
                Older
              </Button>
            </Group>
          </Group>
        ) : null}
      </Stack>
    </Card>
  );
}
