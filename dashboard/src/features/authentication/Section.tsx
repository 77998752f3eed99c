/** The card of one group of settings, and the save bar of a settings form (the Applications screens' look). */
import type { ReactNode } from 'react';
import { Alert, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { errorMessage } from '../../components/QueryState';

export function Section({ title, description, children }: { title: string; description?: string; children: ReactNode }) {
  return (
    <Card withBorder>
      <Stack gap="md">
        <div>
          <Title order={2} size="h4">
            {title}
          </Title>
          {description ? <Text size="sm">{description}</Text> : null}
        </div>
        {children}
      </Stack>
    </Card>
  );
}

export function SaveBar({ canWrite, pending, error, problem }: { canWrite: boolean; pending: boolean; error: unknown; problem?: string | undefined }) {
  if (!canWrite) return <Text size="sm" c="dimmed">Your role can read this connection but not change it.</Text>;
  return (
    <Stack gap="xs">
      {error ? (
        <Alert color="red" role="alert" variant="light">
          {errorMessage(error)}
        </Alert>
      ) : null}
      <Group>
        <Button type="submit" loading={pending} disabled={problem !== undefined}>
          Save Changes
        </Button>
      </Group>
    </Stack>
  );
}
