/**
 * `/tester/callback` (on the admin origin, outside the session gate): where "Try connection" logins
 * come back. It redeems the code at the tenant's `/oauth/token` as the public tester client with the
 * PKCE verifier this browser kept (lib/connection-tester.ts), and shows "It works!" with the ID
 * token's profile, or the error and its description. No dashboard session or token is involved:
 * the tenant's token endpoint allows the admin origin because the tester client lists it.
 */
import { useEffect, useState } from 'react';
import { Alert, Code, Container, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck } from '@tabler/icons-react';
import { useQuery } from '@tanstack/react-query';
import { QueryState } from '../../components/QueryState';
import { checkIdToken, takeAttempt, type StoredAttempt } from '../../lib/connection-tester';

type Outcome =
  | { ok: true; connection: string; tenant: string; profile: Record<string, unknown> }
  | { ok: false; error: string; description: string };

/** The callback's query, read once; then the URL is cleaned so that the code does not linger in the history. */
function useCallbackParams() {
  const [params] = useState(() => new URLSearchParams(window.location.search));
  useEffect(() => window.history.replaceState(null, '', window.location.pathname), []);
  return params;
}

async function redeem(params: URLSearchParams): Promise<Outcome> {
  const state = params.get('state') ?? '';
  const attempt = state ? takeAttempt(localStorage, state, Date.now()) : undefined;
  // Without a try started here, nothing in the URL is shown: a crafted link must not put its own
  // text under this origin's heading.
  if (!attempt) {
    return { ok: false, error: 'invalid_state', description: 'This login was not started from this browser, was already used, or is older than 10 minutes. Start it again with Try.' };
  }
  if (params.has('error')) return { ok: false, error: params.get('error') ?? '', description: params.get('error_description') ?? '' };
  const code = params.get('code');
  if (!code) return { ok: false, error: 'invalid_request', description: 'The login came back without an authorization code.' };
  return exchange(attempt, code);
}

async function exchange(attempt: StoredAttempt, code: string): Promise<Outcome> {
  let response: Response;
  try {
    response = await fetch(attempt.token_endpoint, {
      method: 'POST',
      credentials: 'omit',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', client_id: attempt.client_id, code, redirect_uri: attempt.redirect_uri, code_verifier: attempt.verifier }),
    });
  } catch {
    return { ok: false, error: 'network_error', description: `The token endpoint ${attempt.token_endpoint} could not be reached.` };
  }
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) return { ok: false, error: String(body.error ?? `HTTP ${response.status}`), description: String(body.error_description ?? '') };
  const checked = checkIdToken(body.id_token, attempt, Math.floor(Date.now() / 1000));
  if (!checked.ok) return { ok: false, error: 'invalid_id_token', description: checked.problem };
  return { ok: true, connection: attempt.connection, tenant: attempt.tenant, profile: checked.claims };
}

export function TesterCallbackPage() {
  const params = useCallbackParams();
  // One redemption per page (a code works once), even if React renders twice.
  const outcome = useQuery({ queryKey: ['connection-tester', params.toString()], queryFn: () => redeem(params), staleTime: Infinity, gcTime: Infinity, retry: false });
  return (
    <Container size="sm" py="xl">
      <QueryState query={outcome} loadingLabel="Completing the test login">
        {(result) =>
          result.ok ? (
            <Stack gap="md">
              <Title order={1}>
                <IconCircleCheck size={28} aria-hidden style={{ verticalAlign: 'middle', marginRight: 8, color: 'var(--mantine-color-green-filled)' }} />
                It works!
              </Title>
              <Text>
                You logged in through the connection <strong>{result.connection}</strong> of {result.tenant}. This is the profile the ID token carries:
              </Text>
              <Code block data-testid="tester-profile" tabIndex={0} role="region" aria-label="User profile">
                {JSON.stringify(result.profile, null, 2)}
              </Code>
            </Stack>
          ) : (
            <Stack gap="md">
              <Title order={1}>The login did not work</Title>
              <Alert color="red" variant="light" role="alert" icon={<IconAlertTriangle aria-hidden />} title={result.error}>
                {result.description || 'No description was given.'}
              </Alert>
            </Stack>
          )
        }
      </QueryState>
    </Container>
  );
}
