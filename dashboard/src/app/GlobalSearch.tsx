/**
 * The header's search of the current tenant (`/` or Ctrl/⌘+K focuses it): users by the Management
 * API's `q` (name or email containing the text), applications and APIs by a filter of their lists
 * (the same cached lists their screens use). A group appears only when the member's token holds its
 * read scope. Combobox semantics (Mantine Combobox: a combobox input, a listbox of grouped options,
 * arrow keys and Enter); the first result is selected, so Enter opens it.
 */
import { useEffect, useState } from 'react';
import { Combobox, Group, Kbd, Loader, Text, TextInput, useCombobox } from '@mantine/core';
import { useDebouncedValue, useHotkeys } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { listAll, useTenantApiQuery, type Client, type ResourceServer, type TenantApi, type User } from '../api/tenant-api';
import { clientsKey, resourceServersKey } from '../features/applications/queries';
import { filterByText, MAX_SEARCH_LENGTH, MIN_SEARCH_LENGTH, RESULTS_PER_GROUP, userSearchQuery } from '../lib/global-search';

interface Result {
  value: string;
  label: string;
  detail: string;
  path: string;
}

function useResults(api: TenantApi | undefined, text: string, active: boolean) {
  const [debounced] = useDebouncedValue(text.trim(), 250);
  const q = userSearchQuery(debounced);
  const base = `/t/${encodeURIComponent(api?.tenant ?? '')}`;
  const users = useQuery({
    queryKey: ['tenant', api?.tenant, 'users', 'search', q],
    queryFn: async () => (await api!.get<{ users: User[] }>('/users', { q, search_engine: 'v3', per_page: RESULTS_PER_GROUP, include_totals: true })).users ?? [],
    enabled: Boolean(api?.can('read:users') && q),
    staleTime: 10_000,
  });
  // Same keys and contents as the Applications and APIs screens, so each list is fetched once.
  const clients = useQuery({
    queryKey: clientsKey(api?.tenant ?? ''),
    queryFn: async () => (await listAll<Client>(api!, '/clients', 'clients')).filter((c) => !c.global),
    enabled: Boolean(active && api?.can('read:clients')),
    staleTime: 30_000,
  });
  const apis = useQuery({
    queryKey: resourceServersKey(api?.tenant ?? ''),
    queryFn: () => listAll<ResourceServer>(api!, '/resource-servers', 'resource_servers'),
    enabled: Boolean(active && api?.can('read:resource_servers')),
    staleTime: 30_000,
  });
  const groups: { label: string; results: Result[] }[] = [];
  if (api?.can('read:users') && q) {
    groups.push({
      label: 'Users',
      results: (users.data ?? []).map((user) => ({
        value: `user:${user.user_id}`,
        label: user.name || user.email || user.user_id || '',
        detail: user.email ?? user.user_id ?? '',
        path: `${base}/users/${encodeURIComponent(user.user_id ?? '')}`,
      })),
    });
  }
  if (api?.can('read:clients')) {
    groups.push({
      label: 'Applications',
      results: filterByText(clients.data ?? [], debounced, (c) => [c.name, c.client_id]).map((c) => ({
        value: `app:${c.client_id}`,
        label: c.name ?? c.client_id ?? '',
        detail: c.client_id ?? '',
        path: `${base}/applications/${encodeURIComponent(c.client_id ?? '')}`,
      })),
    });
  }
  if (api?.can('read:resource_servers')) {
    groups.push({
      label: 'APIs',
      results: filterByText(apis.data ?? [], debounced, (rs) => [rs.name, rs.identifier]).map((rs) => ({
        value: `api:${rs.id}`,
        label: rs.name ?? rs.identifier ?? '',
        detail: rs.identifier ?? '',
        path: `${base}/apis/${encodeURIComponent(rs.id ?? '')}`,
      })),
    });
  }
  const loading = users.isFetching || clients.isFetching || apis.isFetching || debounced !== text.trim();
  const failed = users.isError || clients.isError || apis.isError;
  return { groups: groups.filter((group) => group.results.length > 0), loading, failed, ready: debounced.length >= MIN_SEARCH_LENGTH };
}

export function GlobalSearch({ tenant }: { tenant: string }) {
  const api = useTenantApiQuery(tenant).data;
  const navigate = useNavigate();
  const combobox = useCombobox({ onDropdownClose: () => combobox.resetSelectedOption() });
  const [text, setText] = useState('');
  const [input, setInput] = useState<HTMLInputElement | null>(null);
  const { groups, loading, failed, ready } = useResults(api, text, combobox.dropdownOpened || text !== '');
  const results = groups.flatMap((group) => group.results);
  useHotkeys([
    ['/', () => input?.focus()],
    ['mod+K', () => input?.focus()],
  ]);
  // Whatever the results, the first one is selected: Enter opens it.
  const firstValue = results[0]?.value;
  const opened = combobox.dropdownOpened;
  useEffect(() => {
    if (opened && firstValue) combobox.selectFirstOption();
    // The store is a new object at each render; only new results (or opening) move the selection.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [firstValue, opened]);

  const open = (value: string) => {
    const result = results.find((r) => r.value === value);
    if (!result) return;
    setText('');
    combobox.closeDropdown();
    input?.blur();
    void navigate(result.path);
  };

  return (
    <Combobox store={combobox} onOptionSubmit={open} width={400} position="bottom-end" withinPortal>
      <Combobox.Target withExpandedAttribute>
        <TextInput
          ref={setInput}
          aria-label={`Search ${tenant}`}
          placeholder="Search users, apps, APIs"
          value={text}
          maxLength={MAX_SEARCH_LENGTH}
          onChange={(event) => {
            setText(event.currentTarget.value);
            combobox.openDropdown();
          }}
          onFocus={() => combobox.openDropdown()}
          onBlur={() => combobox.closeDropdown()}
          leftSection={<IconSearch size={16} aria-hidden />}
          rightSection={
            <Kbd size="xs" aria-hidden>
              /
            </Kbd>
          }
          w={280}
          visibleFrom="sm"
          data-testid="global-search"
        />
      </Combobox.Target>
      <Combobox.Dropdown hidden={text.trim().length === 0}>
        <Combobox.Options aria-label={`Results in ${tenant}`}>
          {groups.map((group) => (
            <Combobox.Group key={group.label} label={group.label}>
              {group.results.map((result) => (
                <Combobox.Option key={result.value} value={result.value} aria-label={`${group.label.replace(/s$/, '')} ${result.label}`}>
                  <Text size="sm" fw={500}>
                    {result.label}
                  </Text>
                  <Text size="xs" ff="monospace" truncate>
                    {result.detail}
                  </Text>
                </Combobox.Option>
              ))}
            </Combobox.Group>
          ))}
          {results.length === 0 ? (
            <Combobox.Empty>
              {!ready ? (
                `Type at least ${MIN_SEARCH_LENGTH} characters`
              ) : loading ? (
                <Group gap="xs" justify="center">
                  <Loader size="xs" /> Searching…
                </Group>
              ) : failed ? (
                'The search failed. Try again.'
              ) : (
                'No results'
              )}
            </Combobox.Empty>
          ) : null}
        </Combobox.Options>
      </Combobox.Dropdown>
    </Combobox>
  );
}
