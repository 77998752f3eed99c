/** `/`: the account's tenants; with none, how to get one. */
import { useState } from 'react';
import { Anchor, Badge, Button, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { useAccount } from '../../app/session';
import { QueryState } from '../../components/QueryState';
import { CreateTenantModal } from './CreateTenantModal';
import { ENVIRONMENT_COLORS, useTenants } from './queries';

export function HomePage() {
  const account = useAccount();
  const tenants = useTenants();
  const [creating, setCreating] = useState(false);
  return (
    <Stack gap="lg">
      <Group justify="space-between">
        <Title order={1}>Tenants</Title>
        {account.is_owner ? <Button onClick={() => setCreating(true)}>Create tenant</Button> : null}
      </Group>
      <QueryState
        query={tenants}
        errorTitle="Could not load your tenants"
        isEmpty={(list) => list.length === 0}
        empty={account.is_owner ? 'You have no tenants yet: create one.' : 'You are not a member of any tenant yet. Ask an Admin to invite you.'}
      >
        {(list) => (
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
            {list.map((tenant) => (
              <Card key={tenant.id} withBorder padding="md">
                <Group justify="space-between" mb="xs">
                  <Anchor component={Link} to={`/t/${encodeURIComponent(tenant.name)}`} fw={600}>
                    {tenant.name}
                  </Anchor>
                  <Badge color={ENVIRONMENT_COLORS[tenant.environment_tag]} variant="light">
                    {tenant.environment_tag}
                  </Badge>
                </Group>
                <Text size="sm" c="dimmed">
                  {tenant.domain}
                </Text>
              </Card>
            ))}
          </SimpleGrid>
        )}
      </QueryState>
      <CreateTenantModal opened={creating} onClose={() => setCreating(false)} />
    </Stack>
  );
}
