/** A titled card of a settings form, and the error of a save that no field could take. */
import type { ReactNode } from 'react';
import { Alert, Card, Stack, Text, Title } from '@mantine/core';
import { errorMessage } from '../../components/QueryState';

export function SettingsSection({ title, description, children }: { title: string; description?: ReactNode; children: ReactNode }) {
  return (
    <Card withBorder>
      <Stack gap="md">
        <div>
          <Title order={2} size="h4">
            {title}
          </Title>
          {description ? (
            <Text size="sm" c="dimmed">
              {description}
            </Text>
          ) : null}
        </div>
        {children}
      </Stack>
    </Card>
  );
}

/** The save's error, unless it is shown on a field already. */
export function FormError({ error, shownOnField }: { error: unknown; shownOnField: boolean }) {
  if (!error || shownOnField) return null;
  return (
    <Alert color="red" role="alert" variant="light">
      {errorMessage(error)}
    </Alert>
  );
}
