/**
 * "Authorization Requests" in an application's Settings (docs: "Configure JWT-Secured Authorization
 * Requests"): the "Require JWT-Secured Authorization Requests" toggle and the public keys that verify
 * the application's request objects (`signed_request_object`), assigned from its existing public_key
 * credentials or added on the spot (AddCredentialModal). Saving needs update:clients and
 * update:client_credentials, as the API does; its 400s show inline.
 */
import { useState } from 'react';
import { Alert, Button, Checkbox, Group, Stack, Switch, Text } from '@mantine/core';
import type { Client, ClientPatch, TenantApi } from '../../api/tenant-api';
import { SaveBar, SettingsCard } from '../../components/SettingsCard';
import { notifySuccess } from '../../components/notify';
import { AddCredentialModal } from './AddCredentialModal';
import { MAX_CREDENTIALS } from './credential-methods';
import { useClientCredentials, useUpdateClient } from './queries';

export function AuthorizationRequestsCard({ api, app }: { api: TenantApi; app: Client }) {
  const clientId = app.client_id ?? '';
  const update = useUpdateClient(api, clientId);
  const readable = api.can('read:client_credentials');
  const credentials = useClientCredentials(api, clientId, readable);
  const stored = app.signed_request_object;
  const [required, setRequired] = useState(stored?.required ?? false);
  const [picked, setPicked] = useState<string[]>(() => stored?.credentials.map((c) => c.id) ?? []);
  const [adding, setAdding] = useState(false);
  const canWrite = api.can('update:clients') && api.can('update:client_credentials');
  const publicKeys = (credentials.data ?? []).filter((c) => c.credential_type === 'public_key');
  const changed = required !== (stored?.required ?? false) || [...picked].sort().join() !== (stored?.credentials.map((c) => c.id) ?? []).sort().join();
  return (
    <>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const patch = { signed_request_object: { required, credentials: picked.map((id) => ({ id })) } } as ClientPatch;
          update.mutate(patch, { onSuccess: () => notifySuccess('Saved', required ? 'Authorization requests must now be signed (JAR).' : 'Authorization request settings saved.') });
        }}
      >
        <SettingsCard
          title="JWT-Secured Authorization Requests (JAR)"
          description="JWT-Secured Authorization Requests (JAR, RFC 9101): the application sends the /authorize parameters as one JWT (request) signed with its private key; Tessera verifies it with a public key assigned here."
        >
          <Switch
            label="Require JWT-Secured Authorization Requests"
            description="Plain /authorize requests from this application are refused."
            checked={required}
            disabled={!canWrite}
            onChange={(event) => {
              setRequired(event.currentTarget.checked);
              update.reset();
            }}
          />
          {!readable ? (
            <Text size="sm" c="dimmed">
              Your role cannot read application credentials (read:client_credentials), so it cannot assign one.
            </Text>
          ) : publicKeys.length > 0 ? (
            <Checkbox.Group label="Credentials that verify request objects" description="Public keys of this application. Use a different key pair than for Private Key JWT." value={picked} onChange={setPicked}>
              <Stack gap="xs" mt="xs">
                {publicKeys.map((credential) => (
                  <Checkbox key={credential.id} value={credential.id} label={`${credential.name || credential.id} (${credential.alg ?? '—'})`} disabled={!canWrite} />
                ))}
              </Stack>
            </Checkbox.Group>
          ) : (
            <Text size="sm" data-testid="jar-no-credentials">
              This application has no public key yet: assign a new credential to verify its request objects.
            </Text>
          )}
          {readable && canWrite && api.can('create:client_credentials') && (credentials.data?.length ?? 0) < MAX_CREDENTIALS ? (
            <Group>
              <Button variant="light" onClick={() => setAdding(true)}>
                Assign New Credential
              </Button>
            </Group>
          ) : null}
          {required && picked.length === 0 ? (
            <Alert color="yellow" variant="light">
              Assign at least one credential to require signed authorization requests.
            </Alert>
          ) : null}
          <SaveBar canWrite={canWrite} pending={update.isPending} error={update.error} disabled={!changed || (required && picked.length === 0)} subject="this application" label="Save Authorization Requests" />
        </SettingsCard>
      </form>
      {/* Outside the form: the modal's own form must not submit this one (React events bubble through portals). */}
      <AddCredentialModal api={api} clientId={clientId} opened={adding} onClose={() => setAdding(false)} initialType="public_key" lockType onCreated={(credential) => setPicked((ids) => [...ids, credential.id])} />
    </>
  );
}
