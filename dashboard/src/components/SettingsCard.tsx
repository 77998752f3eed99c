/**
 * The pieces every settings form of the dashboard is made of: a titled card per group of settings,
 * the save bar (or, for a role that may only read, a note saying so), and the error of a save that
 * no field could take.
 */
import type { ReactNode } from 'react';
import { Alert, Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { errorMessage } from './QueryState';

export function SettingsCard({ title, description, children }: { title: string; description?: ReactNode; children: ReactNode }) {
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

/** `subject` names what is edited, for the read-only note: "this application", "the branding"; `label` tells a second form's button apart on one page. */
export function SaveBar({ canWrite, pending, error, disabled = false, subject, label = 'Save Changes' }: { canWrite: boolean; pending: boolean; error: unknown; disabled?: boolean; subject: string; label?: string }) {
  if (!canWrite) return <Text size="sm" c="dimmed">Your role can read {subject} but not change it.</Text>;
  return (
    <Stack gap="xs">
      {error ? (
        <Alert color="red" role="alert" variant="light">
          {errorMessage(error)}
        </Alert>
      ) : null}
      <Group>
        <Button type="submit" loading={pending} disabled={disabled}>
          {label}
        </Button>
      </Group>
    </Stack>
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
