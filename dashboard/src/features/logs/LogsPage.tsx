/**
 * `/t/{tenant}/logs` (Monitoring › Logs): the tenant's log events searched with Auth0's `q` syntax
 * (`GET /api/v2/logs?q&page&per_page&sort=date:-1&include_totals`), newest first, a detail drawer
 * with the raw event, and a live tail that reads by checkpoint (`from={last log_id}&take=100`) every
 * 2 s: the server returns what was stored after that entry, oldest first, whatever else is asked.
 */
import { useEffect, useRef, useState } from 'react';
import { Alert, Anchor, Badge, Button, Code, Drawer, Group, Pagination, ScrollArea, Stack, Switch, Table, Text, TextInput, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { call } from '../../api/errors';
import { WithTenantApi, type TenantApi } from '../../api/tenant-api';
import { QueryState, errorMessage } from '../../components/QueryState';
import { logTypeDescription } from '../../lib/log-types';

export interface LogEvent {
  log_id: string;
  date: string;
  type: string;
  description?: string;
  client_id?: string;
  client_name?: string;
  user_id?: string;
  user_name?: string;
  ip?: string;
  [key: string]: unknown;
}

const PER_PAGE = 50;
const TAIL_TAKE = 100;
const TAIL_INTERVAL_MS = 2_000;
/** How many tailed events stay on screen. */
const TAIL_KEEP = 500;
/** Auth0 lets a search page through its first 1,000 results. */
const SEARCH_WINDOW = 1000;

export function LogsPage() {
  const tenant = useParams().tenant ?? '';
  return (
    <WithTenantApi tenant={tenant}>
      {(api) =>
        api.can('read:logs') ? (
          <Logs api={api} />
        ) : (
          <Alert color="gray" title="No access" role="alert">
            Your role in {tenant} does not include the logs.
          </Alert>
        )
      }
    </WithTenantApi>
  );
}

function useLogTail(api: TenantApi, live: boolean) {
  const [events, setEvents] = useState<LogEvent[]>([]);
  const [error, setError] = useState<unknown>(undefined);
  /** The checkpoint is taken: every event stored from now on will show. */
  const [ready, setReady] = useState(false);
  const cursor = useRef<string | null | undefined>(undefined);
  useEffect(() => {
    if (!live) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    cursor.current = undefined;
    setEvents([]);
    setReady(false);
    const tick = async () => {
      let full = false;
      try {
        if (cursor.current === undefined) {
          // The checkpoint starts at the newest stored event: only what comes after it is new.
          const newest = (await call(() => api.client.GET('/api/v2/logs', { params: { query: { per_page: 1, sort: 'date:-1', fields: 'log_id', include_fields: true } } }))) as LogEvent[];
          cursor.current = newest[0]?.log_id ?? null;
          if (!stopped) setReady(true);
        }
        const from = cursor.current;
        const batch = (await call(() => api.client.GET('/api/v2/logs', { params: { query: { ...(from ? { from } : {}), take: TAIL_TAKE } } }))) as LogEvent[];
        if (stopped) return;
        if (batch.length > 0) {
          cursor.current = batch[batch.length - 1]!.log_id;
          setEvents((previous) => [...[...batch].reverse(), ...previous].slice(0, TAIL_KEEP));
        }
        full = batch.length === TAIL_TAKE;
        setError(undefined);
      } catch (e) {
        if (!stopped) setError(e);
      }
      if (!stopped) timer = setTimeout(() => void tick(), full ? 0 : TAIL_INTERVAL_MS);
    };
    void tick();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [api, live]);
  return { events, error, ready };
}

function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'medium' });
}

function Logs({ api }: { api: TenantApi }) {
  const [draft, setDraft] = useState('');
  const [q, setQ] = useState('');
  const [page, setPage] = useState(0);
  const [live, setLive] = useState(false);
  const [open, setOpen] = useState<LogEvent | undefined>(undefined);
  const logs = useQuery({
    queryKey: ['logs', api.tenant, q, page],
    queryFn: () =>
      call(() =>
        api.client.GET('/api/v2/logs', { params: { query: { page, per_page: PER_PAGE, sort: 'date:-1', include_totals: true, ...(q ? { q } : {}) } } }),
      ) as Promise<{ logs: LogEvent[]; total: number }>,
    placeholderData: keepPreviousData,
  });
  const tail = useLogTail(api, live);

  return (
    <Stack gap="lg">
      <Title order={1}>Logs</Title>
      <form
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          setQ(draft.trim());
          setPage(0);
        }}
      >
        <Group align="flex-end" gap="sm">
          <TextInput
            label="Search logs"
            description={
              <>
                Auth0 query syntax, e.g. <Code>type:f</Code>, <Code>user_name:"jane@example.com"</Code>, <Code>date:[2026-12-01 TO *]</Code>
              </>
            }
            value={draft}
            onChange={(event) => setDraft(event.currentTarget.value)}
            maxLength={1000}
            style={{ flex: 1, minWidth: 240 }}
            disabled={live}
          />
          <Button type="submit" disabled={live}>
            Search
          </Button>
          {q ? (
            <Button
              variant="default"
              disabled={live}
              onClick={() => {
                setDraft('');
                setQ('');
                setPage(0);
              }}
            >
              Clear
            </Button>
          ) : null}
        </Group>
      </form>
      <Group gap="md">
        <Switch label="Live tail" checked={live} onChange={(event) => setLive(event.currentTarget.checked)} data-testid="live-tail" />
        {live ? (
          <Text size="sm" c="dimmed" role="status">
            {tail.ready ? `New events appear at the top every 2 seconds${tail.events.length ? ` (${tail.events.length} new)` : ''}.` : 'Starting the live tail…'}
          </Text>
        ) : null}
      </Group>
      {live && tail.error ? (
        <Alert color="red" role="alert" variant="light" title="Live tail failed">
          {errorMessage(tail.error)} It tries again in 2 seconds.
        </Alert>
      ) : null}
      <QueryState
        query={logs}
        errorTitle="Could not load the logs"
        isEmpty={(data) => data.logs.length === 0 && tail.events.length === 0}
        empty={q ? 'No log event matches this search.' : 'No log events yet.'}
      >
        {(data) => (
          <Stack gap="sm">
            <ScrollArea>
              <Table striped highlightOnHover data-testid="logs-table" miw={800}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">Date</Table.Th>
                    <Table.Th scope="col">Type</Table.Th>
                    <Table.Th scope="col">Description</Table.Th>
                    <Table.Th scope="col">User</Table.Th>
                    <Table.Th scope="col">Client</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {[...(live ? tail.events.map((e) => ({ e, fresh: true })) : []), ...data.logs.map((e) => ({ e, fresh: false }))].map(({ e, fresh }) => (
                    <Table.Tr key={`${fresh ? 'tail' : 'page'}-${e.log_id}`} data-log-id={e.log_id} data-type={e.type} data-fresh={fresh || undefined}>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>
                        <Anchor component="button" type="button" c="inherit" underline="always" onClick={() => setOpen(e)} aria-label={`Details of ${logTypeDescription(e.type)} at ${formatDate(e.date)}`}>
                          {formatDate(e.date)}
                        </Anchor>
                        {fresh ? (
                          <Badge ml="xs" size="xs" variant="outline">
                            new
                          </Badge>
                        ) : null}
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm" fw={600}>
                          {logTypeDescription(e.type)}
                        </Text>
                        <Text size="xs" c="dimmed" ff="monospace">
                          {e.type}
                        </Text>
                      </Table.Td>
                      <Table.Td>{e.description}</Table.Td>
                      <Table.Td>{e.user_name ?? e.user_id}</Table.Td>
                      <Table.Td>{e.client_name ?? e.client_id}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </ScrollArea>
            {!live && data.total > PER_PAGE ? (
              <Pagination
                total={Math.ceil(Math.min(data.total, SEARCH_WINDOW) / PER_PAGE)}
                value={page + 1}
                onChange={(value) => setPage(value - 1)}
                getControlProps={(control) => ({ 'aria-label': `${control} page` })}
              />
            ) : null}
          </Stack>
        )}
      </QueryState>
      <Drawer opened={open !== undefined} onClose={() => setOpen(undefined)} position="right" size="lg" title={open ? logTypeDescription(open.type) : 'Log event'} closeButtonProps={{ 'aria-label': 'Close details' }}>
        {open ? (
          <Stack gap="sm">
            <Text size="sm">{formatDate(open.date)}</Text>
            <Code block data-testid="log-json" tabIndex={0} aria-label="Raw log event">
              {JSON.stringify(open, null, 2)}
            </Code>
          </Stack>
        ) : null}
      </Drawer>
    </Stack>
  );
}
