/**
 * `/t/{tenant}/authentication/passwordless`: Auth0's Authentication › Passwordless. One card per
 * channel Tessera implements (email, SMS); its switch creates the connection (named like the
 * strategy, as Auth0 does) or deletes it after the name is typed, since deleting a connection
 * deletes its users. Settings and applications are on the connection's own page.
 */
import { useState } from 'react';
import { Alert, Anchor, Badge, Button, Card, Group, SimpleGrid, Stack, Switch, Text, Title } from '@mantine/core';
import { IconMail, IconMessage } from '@tabler/icons-react';
import { Link, useNavigate } from 'react-router';
import { useTenantApi } from '../../api/tenant-api';
import { ConfirmDestructive } from '../../components/ConfirmDestructive';
import { QueryState, errorMessage } from '../../components/QueryState';
import { notifySuccess } from '../../components/notify';
import { useConnections, useCreateConnection, useDeleteConnection, type Connection, type PasswordlessStrategy } from './queries';

const CHANNELS: ReadonlyArray<{ strategy: PasswordlessStrategy; title: string; description: string; icon: typeof IconMail }> = [
  {
    strategy: 'sms',
    title: 'SMS',
    description: 'Users will receive a one-time password via SMS to authenticate.',
    icon: IconMessage,
  },
  {
    strategy: 'email',
    title: 'Email',
    description: 'Users will receive a one-time password or a magic link via email to authenticate.',
    icon: IconMail,
  },
];

export const passwordlessPath = (tenant: string, id?: string) =>
  `/t/${encodeURIComponent(tenant)}/authentication/passwordless${id ? `/${encodeURIComponent(id)}` : ''}`;

export function PasswordlessPage() {
  const api = useTenantApi();
  const connections = useConnections(api);
  return (
    <Stack gap="lg">
      <div>
        <Title order={1}>Passwordless</Title>
        <Text size="sm" c="dimmed">
          Allow your users to sign up and log in using one-time passcodes (delivered by email or SMS) or one-click links, instead of passwords.
        </Text>
      </div>
      <QueryState query={connections} errorTitle="Could not load connections">
        {(list) => (
          <SimpleGrid cols={{ base: 1, md: 2 }} maw={980}>
            {CHANNELS.map((channel) => (
              <ChannelCard key={channel.strategy} channel={channel} connections={list.filter((c) => c.strategy === channel.strategy)} />
            ))}
          </SimpleGrid>
        )}
      </QueryState>
    </Stack>
  );
}

function ChannelCard({ channel, connections }: { channel: (typeof CHANNELS)[number]; connections: Connection[] }) {
  const api = useTenantApi();
  const navigate = useNavigate();
  const create = useCreateConnection(api);
  const remove = useDeleteConnection(api);
  const [deleting, setDeleting] = useState<Connection | null>(null);
  const primary = connections[0];
  const canToggle = primary ? api.can('delete:connections') : api.can('create:connections');
  const Icon = channel.icon;
  return (
    <Card withBorder padding="lg">
      <Stack gap="sm">
        <Group justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Icon size={28} aria-hidden />
            <Title order={2} size="h4">
              {channel.title}
            </Title>
          </Group>
          <Switch
            aria-label={channel.title}
            checked={primary !== undefined}
            disabled={!canToggle || create.isPending}
            onChange={(event) => {
              if (!event.currentTarget.checked) return setDeleting(primary ?? null);
              create.mutate(
                { name: channel.strategy, strategy: channel.strategy },
                {
                  onSuccess: (connection) => {
                    notifySuccess('Connection created', `The ${channel.title} connection was created. Choose the applications that may use it.`);
                    navigate(`${passwordlessPath(api.tenant, connection.id)}?tab=applications`);
                  },
                },
              );
            }}
          />
        </Group>
        <Text size="sm">{channel.description}</Text>
        {create.isError ? (
          <Alert color="red" role="alert" variant="light">
            {errorMessage(create.error)}
          </Alert>
        ) : null}
        {connections.map((connection) => (
          <Group key={connection.id} justify="space-between">
            <Group gap="xs">
              <Anchor component={Link} to={passwordlessPath(api.tenant, connection.id)}>
                {connection.name}
              </Anchor>
              <Badge variant="light" color={connection.enabled_clients?.length ? 'teal' : 'gray'}>
                {connection.enabled_clients?.length ?? 0} {connection.enabled_clients?.length === 1 ? 'application' : 'applications'}
              </Badge>
            </Group>
            <Button size="xs" variant="default" component={Link} to={passwordlessPath(api.tenant, connection.id)} aria-label={`Configure ${connection.name}`}>
              Configure
            </Button>
          </Group>
        ))}
        {!primary && !api.can('create:connections') ? <Text size="sm" c="dimmed">Your role cannot create connections.</Text> : null}
      </Stack>
      <ConfirmDestructive
        opened={deleting !== null}
        onClose={() => setDeleting(null)}
        title={`Delete the ${channel.title} connection?`}
        name={deleting?.name ?? ''}
        confirmLabel="Delete"
        error={remove.isError ? errorMessage(remove.error) : undefined}
        onConfirm={() =>
          deleting?.id
            ? remove.mutateAsync(deleting.id).then(
                () => {
                  setDeleting(null);
                  notifySuccess('Connection deleted', `${deleting.name} and its users were deleted.`);
                },
                () => undefined,
              )
            : undefined
        }
      >
        Turning {channel.title} off deletes the connection <strong>{deleting?.name}</strong> and every user who signs in with it. Applications using it can no longer log users in this way. This cannot be undone.
      </ConfirmDestructive>
    </Card>
  );
}
