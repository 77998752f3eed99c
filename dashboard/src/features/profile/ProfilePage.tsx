/**
 * `/profile`: the account and its theme. The theme applies at once (Mantine's color scheme, kept
 * in localStorage for the next first paint) and is saved to the account with `PATCH /me`.
 */
import { Alert, Card, Radio, Stack, Text, TextInput, Title, useMantineColorScheme } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { control } from '../../api/clients';
import type { Me, ThemePreference } from '../../api/control';
import { call } from '../../api/errors';
import { ME_QUERY_KEY, useAccount } from '../../app/session';
import { toMantineScheme, toPreference } from '../../app/theme';
import { errorMessage } from '../../components/QueryState';
import { SessionsCard } from './SessionsCard';

const THEMES: { value: ThemePreference; label: string; description: string }[] = [
  { value: 'light', label: 'Light', description: 'Always light.' },
  { value: 'dark', label: 'Dark', description: 'Always dark.' },
  { value: 'system', label: 'System', description: "Follow this device's setting." },
];

export function ProfilePage() {
  const account = useAccount();
  const queryClient = useQueryClient();
  const { colorScheme, setColorScheme } = useMantineColorScheme();
  const saveTheme = useMutation({
    mutationFn: (theme: ThemePreference) => call(() => control.PATCH('/api/control/v1/me', { body: { preferences: { theme } } })),
    onSuccess: (me: Me) => queryClient.setQueryData(ME_QUERY_KEY, me),
  });
  const current = toPreference(colorScheme);
  return (
    <Stack gap="lg" maw={960}>
      <Title order={1}>Profile</Title>
      <Card withBorder>
        <Stack gap="md">
          <TextInput label="Email" value={account.email} readOnly />
          <TextInput label="Name" value={account.name} readOnly />
        </Stack>
      </Card>
      <Card withBorder>
        <Radio.Group
          label="Theme"
          description="Saved to your account, so it follows you to other browsers."
          value={current}
          onChange={(value) => {
            const theme = value as ThemePreference;
            setColorScheme(toMantineScheme(theme));
            saveTheme.mutate(theme);
          }}
        >
          <Stack gap="sm" mt="sm">
            {THEMES.map((theme) => (
              <Radio key={theme.value} value={theme.value} label={theme.label} description={theme.description} />
            ))}
          </Stack>
        </Radio.Group>
        {saveTheme.isError ? (
          <Alert mt="md" color="red" variant="light" role="alert" title="The theme was applied here but not saved">
            {errorMessage(saveTheme.error)}
          </Alert>
        ) : null}
        {saveTheme.isSuccess ? (
          <Text mt="md" size="sm" c="dimmed" role="status">
            Saved.
          </Text>
        ) : null}
      </Card>
      <SessionsCard />
    </Stack>
  );
}
