/**
 * The Credentials tab of a confidential application (docs: "Credential Settings", "Configure
 * Private Key JWT Authentication", "Rotate Credentials", "Configure mTLS Authentication for a
 * Client"): the authentication method (client secret post / basic, Private Key JWT, mTLS with a
 * CA-signed or a self-signed certificate), the client secret while a secret method is in use (masked,
 * copy, rotate), and the available credentials (at most two) with their menu: enable or disable for
 * the current method, edit the expiry, delete (refused while enabled). Switching to a key or
 * certificate method enables at least one credential of its type in the same save, picked from the
 * list or added on the spot. Every write goes through the Management API; its 400s show inline.
 */
import { useState } from 'react';
import {
  ActionIcon, Alert, Badge, Button, Checkbox, CopyButton, Group, Menu, Modal, PasswordInput, Radio, SimpleGrid, Stack, Table, Text, TextInput, Tooltip, VisuallyHidden,
} from '@mantine/core';
import { IconCheck, IconCopy, IconDots } from '@tabler/icons-react';
import type { Client, TenantApi } from '../../api/tenant-api';
import { QueryState, errorMessage } from '../../components/QueryState';
import { SaveBar, SettingsCard } from '../../components/SettingsCard';
import { notifySuccess } from '../../components/notify';
import { formatDateTime } from '../../lib/format';
import { AddCredentialModal } from './AddCredentialModal';
import {
  AUTH_METHODS, CREDENTIAL_TYPE_OF, CREDENTIAL_TYPES, MAX_CREDENTIALS, METHOD_OF_TYPE, NONE_METHOD, associatedIds, credentialIdentifier, currentMethod, isCredentialMethod, isInUse, isoToLocal, localToIso, methodLabel, methodShort, switchMethodPatch, toggleCredentialPatch,
  type AuthMethod, type ClientCredential, type CredentialMethod, type CredentialType,
} from './credential-methods';
import { useClientCredentials, useCredentialMutations, useRotateSecret, useUpdateClient } from './queries';

export function CredentialsTab({ api, app }: { api: TenantApi; app: Client }) {
  const clientId = app.client_id ?? '';
  const canReadCredentials = api.can('read:client_credentials');
  const credentials = useClientCredentials(api, clientId, canReadCredentials);
  const [adding, setAdding] = useState<{ type: CredentialType; lockType: boolean; onCreated?: (credential: ClientCredential) => void } | null>(null);
  const current = currentMethod(app);
  const list = credentials.data ?? [];
  return (
    <Stack gap="lg" maw={900}>
      <MethodCard api={api} app={app} credentials={list} credentialsReadable={canReadCredentials} onAdd={(type, onCreated) => setAdding({ type, lockType: true, onCreated })} />
      {isCredentialMethod(current) ? null : <ClientSecretCard api={api} app={app} />}
      <SettingsCard
        title="Available Credentials"
        description={`Public keys and certificates ${app.name ?? 'this application'} can authenticate with. A credential works only once it is enabled for the authentication method; at most ${MAX_CREDENTIALS} per application.`}
      >
        {canReadCredentials ? (
          <QueryState query={credentials} errorTitle="Could not load the credentials">
            {(loaded) => (
              <CredentialList
                api={api}
                app={app}
                credentials={loaded}
                onAdd={() => setAdding({ type: isCredentialMethod(current) ? CREDENTIAL_TYPE_OF[current] : 'public_key', lockType: false })}
              />
            )}
          </QueryState>
        ) : (
          <Text size="sm" c="dimmed">
            Your role cannot read application credentials (read:client_credentials).
          </Text>
        )}
      </SettingsCard>
      <AddCredentialModal
        api={api}
        clientId={clientId}
        opened={adding !== null}
        onClose={() => setAdding(null)}
        initialType={adding?.type ?? 'public_key'}
        lockType={adding?.lockType ?? false}
        {...(adding?.onCreated ? { onCreated: adding.onCreated } : {})}
      />
    </Stack>
  );
}

/** The Authentication Method radio cards and the save that switches (with the credentials a key method needs). */
function MethodCard({ api, app, credentials, credentialsReadable, onAdd }: {
  api: TenantApi;
  app: Client;
  credentials: ClientCredential[];
  credentialsReadable: boolean;
  onAdd: (type: CredentialType, onCreated: (credential: ClientCredential) => void) => void;
}) {
  const update = useUpdateClient(api, app.client_id ?? '');
  const current = currentMethod(app);
  const [choice, setChoice] = useState<AuthMethod>(current);
  const [picked, setPicked] = useState<string[]>([]);
  const canWrite = api.can('update:clients');
  const canCreate = api.can('create:client_credentials');
  const options = current === 'none' ? [NONE_METHOD, ...AUTH_METHODS] : AUTH_METHODS;
  const switching = choice !== current;
  const needsCredentials = switching && isCredentialMethod(choice);
  const compatible = needsCredentials ? credentials.filter((c) => c.credential_type === CREDENTIAL_TYPE_OF[choice]) : [];
  const chosen = picked.filter((id) => compatible.some((c) => c.id === id));
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        update.mutate(switchMethodPatch(app, choice, chosen), {
          onSuccess: () => {
            setPicked([]);
            notifySuccess('Saved', `${app.name ?? 'The application'} now authenticates with ${methodLabel(choice)}.`);
          },
        });
      }}
    >
      <SettingsCard title="Authentication Method" description="How the application authenticates at the token endpoint.">
        <Radio.Group
          label="Authentication Method"
          value={choice}
          onChange={(value) => {
            setChoice(value as AuthMethod);
            setPicked([]);
            update.reset();
          }}
        >
          <SimpleGrid cols={{ base: 1, sm: 2 }} mt="xs">
            {options.map((method) => (
              <Radio.Card key={method.value} value={method.value} p="sm" radius="md" aria-label={method.label} disabled={!canWrite}>
                <Group wrap="nowrap" align="flex-start" gap="sm">
                  <Radio.Indicator />
                  <div>
                    <Text fw={600} size="sm">
                      {method.label}
                      {method.value === current ? (
                        <Badge ml="xs" size="sm" variant="light" color="gray" tt="none">
                          Current
                        </Badge>
                      ) : null}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {method.description}
                    </Text>
                  </div>
                </Group>
              </Radio.Card>
            ))}
          </SimpleGrid>
        </Radio.Group>
        {!switching && isCredentialMethod(current) ? (
          <Text size="sm">Enable or disable credentials for {methodShort(current)} from their menu in Available Credentials.</Text>
        ) : null}
        {needsCredentials ? (
          <Stack gap="xs" data-testid="method-credentials">
            {!credentialsReadable ? (
              <Text size="sm" c="dimmed">
                Your role cannot read application credentials (read:client_credentials), so it cannot pick one for this method.
              </Text>
            ) : compatible.length > 0 ? (
              <Checkbox.Group label={`Credentials to enable for ${methodShort(choice)}`} description="At least one. The application can then authenticate with any of them." value={chosen} onChange={setPicked}>
                <Stack gap="xs" mt="xs">
                  {compatible.map((credential) => (
                    <Checkbox key={credential.id} value={credential.id} label={credential.name || credential.id} />
                  ))}
                </Stack>
              </Checkbox.Group>
            ) : (
              <Text size="sm">This application has no {CREDENTIAL_TYPES.find((t) => t.value === CREDENTIAL_TYPE_OF[choice])?.label.toLowerCase()} yet: add one to use {methodShort(choice)}.</Text>
            )}
            {credentialsReadable && canCreate && credentials.length < MAX_CREDENTIALS ? (
              <Group>
                <Button variant="light" onClick={() => onAdd(CREDENTIAL_TYPE_OF[choice], (credential) => setPicked((ids) => [...ids, credential.id]))}>
                  Add a credential for {methodShort(choice)}
                </Button>
              </Group>
            ) : null}
            <Alert color="yellow" variant="light">
              Once saved, the client secret no longer authenticates this application and is hidden until you switch back to a Client Secret method. Store it first if you will need it.
            </Alert>
          </Stack>
        ) : null}
        {switching && !isCredentialMethod(choice) && isCredentialMethod(current) ? (
          <Alert color="yellow" variant="light">
            Once saved, {methodShort(current)} no longer authenticates this application: it must send its client secret. The credentials stay in the list below.
          </Alert>
        ) : null}
        <SaveBar canWrite={canWrite} pending={update.isPending} error={update.error} disabled={!switching || (needsCredentials && chosen.length === 0)} subject="this application" />
      </SettingsCard>
    </form>
  );
}

function ClientSecretCard({ api, app }: { api: TenantApi; app: Client }) {
  const rotate = useRotateSecret(api, app.client_id ?? '');
  const [confirmRotate, setConfirmRotate] = useState(false);
  const canReadKeys = api.can('read:client_keys');
  const canRotate = api.can('update:client_keys');
  return (
    <SettingsCard title="Client Secret">
      {canReadKeys && app.client_secret ? (
        <PasswordInput
          label="Client Secret"
          value={app.client_secret}
          readOnly
          styles={{ input: { fontFamily: 'ui-monospace, monospace' } }}
          description="The secret is used to sign and validate tokens and to authenticate the application at the token endpoint. Keep it confidential."
          rightSectionWidth={64}
          rightSection={
            <CopyButton value={app.client_secret} timeout={1500}>
              {({ copied, copy }) => (
                <Tooltip label={copied ? 'Copied' : 'Copy'} withArrow>
                  <ActionIcon variant="subtle" color={copied ? 'teal' : 'gray'} onClick={copy} aria-label={copied ? 'Client Secret copied' : 'Copy Client Secret'} mr={28}>
                    {copied ? <IconCheck size={16} aria-hidden /> : <IconCopy size={16} aria-hidden />}
                  </ActionIcon>
                </Tooltip>
              )}
            </CopyButton>
          }
          data-testid="client-secret"
        />
      ) : (
        <Text size="sm" c="dimmed">
          {canReadKeys ? 'This application has no client secret.' : 'Your role cannot read client secrets (read:client_keys).'}
        </Text>
      )}
      {canRotate ? (
        <Group>
          <Button color="red" variant="outline" onClick={() => setConfirmRotate(true)}>
            Rotate secret
          </Button>
        </Group>
      ) : null}
      <Modal opened={confirmRotate} onClose={() => setConfirmRotate(false)} title="Rotate client secret?" centered>
        <Stack gap="md">
          <Text size="sm">All authorized apps will need to be updated with the new client secret. The current secret stops working immediately.</Text>
          {rotate.isError ? (
            <Alert color="red" role="alert" variant="light">
              {errorMessage(rotate.error)}
            </Alert>
          ) : null}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirmRotate(false)}>
              Cancel
            </Button>
            <Button
              color="red"
              loading={rotate.isPending}
              onClick={() =>
                rotate.mutate(undefined, {
                  onSuccess: () => {
                    setConfirmRotate(false);
                    notifySuccess('Secret rotated', 'The client secret was rotated.');
                  },
                })
              }
            >
              Rotate
            </Button>
          </Group>
        </Stack>
      </Modal>
    </SettingsCard>
  );
}

function CredentialList({ api, app, credentials, onAdd }: { api: TenantApi; app: Client; credentials: ClientCredential[]; onAdd: () => void }) {
  const update = useUpdateClient(api, app.client_id ?? '');
  const [editing, setEditing] = useState<ClientCredential | null>(null);
  const [deleting, setDeleting] = useState<ClientCredential | null>(null);
  const canCreate = api.can('create:client_credentials');
  const full = credentials.length >= MAX_CREDENTIALS;
  const toggle = (method: CredentialMethod, credential: ClientCredential, enable: boolean) =>
    update.mutate(toggleCredentialPatch(app, method, credential.id, enable), {
      onSuccess: () => notifySuccess(enable ? 'Credential enabled' : 'Credential disabled', `${credential.name} is ${enable ? 'enabled' : 'disabled'} for ${methodShort(method)}.`),
    });
  return (
    <Stack gap="sm">
      <Group justify="space-between">
        <Text size="sm" data-testid="credential-count">
          {credentials.length} of {MAX_CREDENTIALS} credentials
        </Text>
        {canCreate ? (
          <Button onClick={onAdd} disabled={full}>
            Add New Credential
          </Button>
        ) : null}
      </Group>
      {canCreate && full ? (
        <Text size="sm" c="dimmed">
          This application has the maximum of {MAX_CREDENTIALS} credentials. To rotate, disable and delete one first.
        </Text>
      ) : null}
      {update.isError ? (
        <Alert color="red" role="alert" variant="light" title="The credential could not be changed">
          {errorMessage(update.error)}
        </Alert>
      ) : null}
      {credentials.length === 0 ? (
        <Text c="dimmed" py="sm" data-testid="query-empty">
          No credentials yet. Add a public key for Private Key JWT, or a certificate for mTLS.
        </Text>
      ) : (
        <Table aria-label="Available Credentials" striped data-testid="credentials">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Identifier</Table.Th>
              <Table.Th>Algorithm</Table.Th>
              <Table.Th>Expires At</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>
                <VisuallyHidden>Actions</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {credentials.map((credential) => (
              <CredentialRow
                key={credential.id}
                api={api}
                app={app}
                credential={credential}
                busy={update.isPending}
                onToggle={(method, enable) => toggle(method, credential, enable)}
                onEdit={() => setEditing(credential)}
                onDelete={() => setDeleting(credential)}
              />
            ))}
          </Table.Tbody>
        </Table>
      )}
      <EditExpiryModal api={api} app={app} credential={editing} onClose={() => setEditing(null)} />
      <DeleteCredentialModal api={api} app={app} credential={deleting} onClose={() => setDeleting(null)} />
    </Stack>
  );
}

function CredentialRow({ api, app, credential, busy, onToggle, onEdit, onDelete }: {
  api: TenantApi;
  app: Client;
  credential: ClientCredential;
  busy: boolean;
  onToggle: (method: CredentialMethod, enable: boolean) => void;
  onEdit: () => void;
  onDelete: () => void;
}) {
  const method = METHOD_OF_TYPE[credential.credential_type];
  const ids = associatedIds(app, method);
  const enabled = ids.includes(credential.id);
  const inUse = isInUse(app, credential.id);
  const verifiesRequests = app.signed_request_object?.credentials.some((c) => c.id === credential.id) ?? false;
  // Only the method the application uses can enable a credential; a credential method needs one at least.
  const methodActive = currentMethod(app) === method || ids.length > 0;
  const identifier = credentialIdentifier(credential);
  const expired = credential.expires_at !== undefined && Date.parse(credential.expires_at) <= Date.now();
  const canAssociate = api.can('update:clients');
  const canEdit = api.can('update:client_credentials');
  const canDelete = api.can('delete:client_credentials');
  const label = credential.name || credential.id;
  return (
    <Table.Tr>
      <Table.Td>
        <Text size="sm" fw={500}>
          {label}
        </Text>
        <Text size="xs" c="dimmed">
          {CREDENTIAL_TYPES.find((t) => t.value === credential.credential_type)?.label}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="xs" c="dimmed">
          {identifier.label}
        </Text>
        <Text size="xs" ff="monospace" style={{ wordBreak: 'break-all' }}>
          {identifier.value}
        </Text>
      </Table.Td>
      <Table.Td>{credential.alg ?? '—'}</Table.Td>
      <Table.Td>
        {credential.expires_at ? formatDateTime(credential.expires_at) : 'Never'}
        {expired ? (
          <Badge ml="xs" size="sm" color="red" variant="light">
            Expired
          </Badge>
        ) : null}
      </Table.Td>
      <Table.Td>
        {enabled ? (
          <>
            <Badge color="indigo" variant="light" tt="none">
              Enabled
            </Badge>
            <Text size="xs" c="dimmed">
              for {methodShort(method)}
            </Text>
          </>
        ) : (
          <Badge color="gray" variant="light" tt="none">
            Disabled
          </Badge>
        )}
        {verifiesRequests ? (
          <Text size="xs" c="dimmed">
            verifies JAR requests
          </Text>
        ) : null}
      </Table.Td>
      <Table.Td>
        <Menu position="bottom-end" withinPortal>
          <Menu.Target>
            <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${label}`} disabled={busy}>
              <IconDots size={16} aria-hidden />
            </ActionIcon>
          </Menu.Target>
          <Menu.Dropdown maw={300}>
            {canAssociate ? (
              enabled ? (
                <Menu.Item onClick={() => onToggle(method, false)} disabled={ids.length <= 1}>
                  Disable for {methodShort(method)} use
                  {ids.length <= 1 ? (
                    <Text component="span" display="block" size="xs" c="dimmed">
                      It is the method's only credential: enable another first, or choose another authentication method.
                    </Text>
                  ) : null}
                </Menu.Item>
              ) : (
                <Menu.Item onClick={() => onToggle(method, true)} disabled={!methodActive}>
                  Enable for {methodShort(method)} use
                  {!methodActive ? (
                    <Text component="span" display="block" size="xs" c="dimmed">
                      Choose {methodLabel(method)} as the authentication method first.
                    </Text>
                  ) : null}
                </Menu.Item>
              )
            ) : null}
            {canEdit ? <Menu.Item onClick={onEdit}>Edit Credential</Menu.Item> : null}
            {canDelete ? (
              <Menu.Item color="red" onClick={onDelete} disabled={inUse !== undefined || verifiesRequests}>
                Delete Credential
                {inUse ? (
                  <Text component="span" display="block" size="xs" c="dimmed">
                    It is enabled for {methodShort(inUse)}: disable it first.
                  </Text>
                ) : verifiesRequests ? (
                  <Text component="span" display="block" size="xs" c="dimmed">
                    It verifies JWT-secured authorization requests: unassign it in Settings first.
                  </Text>
                ) : null}
              </Menu.Item>
            ) : null}
            {!canAssociate && !canEdit && !canDelete ? <Menu.Item disabled>Your role cannot change credentials.</Menu.Item> : null}
          </Menu.Dropdown>
        </Menu>
      </Table.Td>
    </Table.Tr>
  );
}

/** "Edit Credential": the expiry is the only field a credential can change (docs: PATCH takes expires_at only). */
function EditExpiryModal({ api, app, credential, onClose }: { api: TenantApi; app: Client; credential: ClientCredential | null; onClose: () => void }) {
  return (
    <Modal opened={credential !== null} onClose={onClose} title="Edit Credential" centered>
      {credential ? <EditExpiryForm api={api} app={app} credential={credential} onClose={onClose} /> : null}
    </Modal>
  );
}

function EditExpiryForm({ api, app, credential, onClose }: { api: TenantApi; app: Client; credential: ClientCredential; onClose: () => void }) {
  const { updateExpiry } = useCredentialMutations(api, app.client_id ?? '');
  const [explicit, setExplicit] = useState(credential.expires_at !== undefined);
  const [value, setValue] = useState(isoToLocal(credential.expires_at));
  const iso = localToIso(value);
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (explicit && !iso) return;
        updateExpiry.mutate(
          { credentialId: credential.id, expires_at: explicit ? iso! : null },
          {
            onSuccess: () => {
              notifySuccess('Credential updated', `${credential.name} ${explicit ? `expires ${formatDateTime(iso)}` : 'no longer expires'}.`);
              onClose();
            },
          },
        );
      }}
    >
      <Stack gap="md">
        <Text size="sm">
          {credential.name}: the expiry is the only thing a credential can change. To change its key, add a new credential and rotate.
        </Text>
        <Checkbox label="Set an explicit expiry date for this credential" checked={explicit} onChange={(e) => setExplicit(e.currentTarget.checked)} />
        {explicit ? (
          <TextInput type="datetime-local" label="Expires at" description="In your time zone. The credential stops working then; it is not deleted." value={value} onChange={(e) => setValue(e.currentTarget.value)} required error={value !== '' && !iso ? 'Enter a date and time.' : undefined} />
        ) : null}
        {updateExpiry.isError ? (
          <Alert color="red" role="alert" variant="light">
            {errorMessage(updateExpiry.error)}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={updateExpiry.isPending}>
            Update Credential
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function DeleteCredentialModal({ api, app, credential, onClose }: { api: TenantApi; app: Client; credential: ClientCredential | null; onClose: () => void }) {
  const { remove } = useCredentialMutations(api, app.client_id ?? '');
  const close = () => {
    remove.reset();
    onClose();
  };
  return (
    <Modal opened={credential !== null} onClose={close} title="Delete credential?" centered>
      <Stack gap="md">
        <Text size="sm">{credential?.name} is deleted for good. An application still signing with its key, or presenting its certificate, can no longer authenticate with it.</Text>
        {remove.isError ? (
          <Alert color="red" role="alert" variant="light">
            {errorMessage(remove.error)}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          <Button
            color="red"
            loading={remove.isPending}
            onClick={() =>
              credential &&
              remove.mutate(credential.id, {
                onSuccess: () => {
                  notifySuccess('Credential deleted', `${credential.name} was deleted.`);
                  close();
                },
              })
            }
          >
            Delete
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
