/**
 * `/setup`: the first administrator. The token comes from the link the server printed at start
 * (`#token=`), the rest from the form; `POST /api/control/v1/setup` creates the owner account and
 * its session, then the dashboard opens.
 */
import { useEffect, useState } from 'react';
import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { control } from '../../api/clients';
import { ApiRequestError, call } from '../../api/errors';
import { errorMessage } from '../../components/QueryState';
import { readSetupToken } from './setup-token';

/** Plain words for the setup refusals (a bad or used link is 404 `invalid_setup_token`); a weak password shows the server's own sentence. */
const SETUP_ERRORS: Record<string, string> = {
  invalid_setup_token: 'This setup link is not valid or has expired. Restart the server, or run `tessera admin setup-link`, for a new one.',
  already_set_up: 'The dashboard already has an administrator. Sign in instead.',
};

export function SetupPage() {
  const [token] = useState(() => readSetupToken(window.location.hash));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [name, setName] = useState('');
  useEffect(() => {
    // Take the token out of the address bar (and so out of history and screenshots).
    if (window.location.hash) window.history.replaceState(null, '', window.location.pathname + window.location.search);
  }, []);
  const status = useQuery({ queryKey: ['setup'], queryFn: () => call(() => control.GET('/api/control/v1/setup')) });
  const setup = useMutation({
    mutationFn: () => call(() => control.POST('/api/control/v1/setup', { body: { token: token ?? '', email, password, ...(name ? { name } : {}) } })),
    onSuccess: () => window.location.assign('/'),
  });
  const failure = setup.error instanceof ApiRequestError && setup.error.code ? SETUP_ERRORS[setup.error.code] : undefined;

  return (
    <Center mih="100vh" p="md">
      <Paper withBorder shadow="sm" p="xl" w={420} maw="100%" component="main">
        <Stack gap="md">
          <Title order={1} size="h2">
            Set up Tessera
          </Title>
          <Text size="sm">Create the first administrator. This account owns the platform and can create tenants.</Text>
          {!token ? (
            <Alert color="yellow" variant="light" role="alert" title="No setup token">
              Open the setup link the server printed when it started (it ends in <code>#token=…</code>).
            </Alert>
          ) : null}
          {status.data && !status.data.required ? (
            <Alert color="blue" variant="light" role="status" title="Already set up">
              An administrator exists. <a href="/">Sign in</a>.
            </Alert>
          ) : null}
          {status.isError ? (
            <Alert color="red" variant="light" role="alert" title="The server could not be reached" data-testid="query-error">
              {errorMessage(status.error)}
            </Alert>
          ) : null}
          <form
            onSubmit={(event) => {
              event.preventDefault();
              if (token && !setup.isPending) setup.mutate();
            }}
          >
            <Stack gap="sm">
              <TextInput label="Email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
              <TextInput label="Name" autoComplete="name" value={name} onChange={(e) => setName(e.currentTarget.value)} />
              <PasswordInput label="Password" autoComplete="new-password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
              {setup.isError ? (
                <Alert color="red" variant="light" role="alert" title="Setup failed">
                  {failure ?? errorMessage(setup.error)}
                </Alert>
              ) : null}
              <Button type="submit" loading={setup.isPending} disabled={!token}>
                Create administrator
              </Button>
            </Stack>
          </form>
        </Stack>
      </Paper>
    </Center>
  );
}
