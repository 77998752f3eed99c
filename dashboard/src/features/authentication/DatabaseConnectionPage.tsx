/**
 * `/t/{tenant}/authentication/database/{id}`: one database connection, in tabs: Settings (username,
 * sign ups, brute-force protection, delete), Password Policy, Applications (where it may be used),
 * Try Connection.
 */
import { Anchor, Badge, Group, Stack, Tabs, Text, Title } from '@mantine/core';
import { IconArrowLeft } from '@tabler/icons-react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useTenantApi } from '../../api/tenant-api';
import { QueryState } from '../../components/QueryState';
import { ApplicationsTab } from './ApplicationsTab';
import { PasswordPolicyTab } from './PasswordPolicyTab';
import { SettingsTab } from './SettingsTab';
import { TryConnectionTab } from './TryConnectionTab';
import { databasePath, useConnection } from './queries';

const TABS = ['settings', 'password-policy', 'applications', 'try'] as const;

export function DatabaseConnectionPage() {
  const api = useTenantApi();
  const id = useParams().id ?? '';
  const connection = useConnection(api, id);
  const [params, setParams] = useSearchParams();
  const tab = TABS.find((t) => t === params.get('tab')) ?? 'settings';
  return (
    <Stack gap="lg">
      <Anchor component={Link} to={databasePath(api.tenant)} size="sm">
        <Group gap={4}>
          <IconArrowLeft size={14} aria-hidden /> Back to Database Connections
        </Group>
      </Anchor>
      <QueryState query={connection} errorTitle="Could not load the connection">
        {(conn) => (
          <Stack gap="lg">
            <div>
              <Group gap="sm">
                <Title order={1}>{conn.name}</Title>
                <Badge variant="light">Database</Badge>
              </Group>
              <Text size="sm" c="dimmed">
                Identifier <Text span ff="monospace">{conn.id}</Text>
              </Text>
            </div>
            <Tabs value={tab} onChange={(value) => setParams(value && value !== 'settings' ? { tab: value } : {}, { replace: true })} keepMounted={false}>
              <Tabs.List>
                <Tabs.Tab value="settings">Settings</Tabs.Tab>
                <Tabs.Tab value="password-policy">Password Policy</Tabs.Tab>
                <Tabs.Tab value="applications">Applications</Tabs.Tab>
                <Tabs.Tab value="try">Try Connection</Tabs.Tab>
              </Tabs.List>
              <Tabs.Panel value="settings" pt="lg">
                <SettingsTab api={api} connection={conn} />
              </Tabs.Panel>
              <Tabs.Panel value="password-policy" pt="lg">
                <PasswordPolicyTab api={api} connection={conn} />
              </Tabs.Panel>
              <Tabs.Panel value="applications" pt="lg">
                <ApplicationsTab api={api} connection={conn} />
              </Tabs.Panel>
              <Tabs.Panel value="try" pt="lg">
                <TryConnectionTab api={api} connection={conn} />
              </Tabs.Panel>
            </Tabs>
          </Stack>
        )}
      </QueryState>
    </Stack>
  );
}
