/**
 * Settings › Signing Keys (Auth0's Signing Keys tab): rotate the tenant's signing key (confirmed,
 * with the docs' warning), the list of valid keys (next, current, previous) and of revoked keys,
 * revoking the previously used key (typed confirmation: it cannot be undone), and each key's
 * certificate with its fingerprints and downloads as PEM, CER (DER) and PKCS#7 (lib/certificate.ts).
 * Rotation rotates every key family (RS256 and, when present, ES256) at once, as the API does.
 */
import { useState } from 'react';
import { Alert, Badge, Button, Code, Group, Modal, Stack, Table, Text, VisuallyHidden } from '@mantine/core';
import { useTenantApi } from '../../api/tenant-api';
import { ConfirmDestructive } from '../../components/ConfirmDestructive';
import { QueryState, errorMessage } from '../../components/QueryState';
import { notifySuccess } from '../../components/notify';
import { KEY_STATUS_LABELS, keyStatus, sortKeys, type KeyStatus } from '../../lib/certificate';
import { formatDateTime } from '../../lib/format';
import { SettingsCard } from '../../components/SettingsCard';
import { useRevokeSigningKey, useRotateSigningKey, useSigningKeys, type SigningKey } from './queries';
import { CertificateDetails } from './CertificateDetails';

const STATUS_COLORS: Record<KeyStatus, string> = { current: 'teal', next: 'blue', previous: 'yellow', revoked: 'gray' };

export function SigningKeysPage() {
  const api = useTenantApi();
  const keys = useSigningKeys(api);
  const [rotating, setRotating] = useState(false);
  const [revoking, setRevoking] = useState<SigningKey | null>(null);
  const [viewing, setViewing] = useState<SigningKey | null>(null);
  const canRotate = api.can('create:signing_keys') && api.can('update:signing_keys');
  const canRevoke = api.can('update:signing_keys');
  const revoke = useRevokeSigningKey(api);
  return (
    <Stack gap="lg" maw={1000}>
      <Text size="sm">
        The signing key signs the ID tokens and access tokens sent to your applications and APIs; they validate the signature with its public key, published at{' '}
        <Code>/.well-known/jwks.json</Code>. Rotate keys regularly so you are ready to act in case of a security breach, and always test a rotation on a development tenant before rotating
        the keys of a production tenant.
      </Text>
      {canRotate ? (
        <SettingsCard title="Rotation Settings">
          <Group justify="space-between" wrap="nowrap" align="flex-start">
            <div>
              <Text fw={500}>Rotate Signing Key</Text>
              <Text size="sm" c="dimmed">
                Rotates the signing key without revoking it: the next key becomes the current one and the current key becomes the previous one. All tokens signed with the previous key
                will still be valid until it is revoked.
              </Text>
            </div>
            <Button onClick={() => setRotating(true)} style={{ flexShrink: 0 }}>
              Rotate key
            </Button>
          </Group>
        </SettingsCard>
      ) : null}
      <QueryState query={keys} errorTitle="Could not load the signing keys">
        {(list) => {
          const sorted = sortKeys(list);
          const valid = sorted.filter((key) => !key.revoked);
          const revoked = sorted.filter((key) => key.revoked);
          return (
            <Stack gap="lg">
              <SettingsCard title="List of Valid Keys" description="The key currently used to sign, the next key that will be used when the signing key is next rotated, and the previously used key until it is revoked.">
                <KeyTable keys={valid} label="Valid signing keys" onView={setViewing} onRevoke={canRevoke ? setRevoking : undefined} />
              </SettingsCard>
              <SettingsCard title="List of Revoked Keys" description="Revoked keys no longer validate any token and cannot be used again.">
                {revoked.length === 0 ? <Text size="sm">No key has been revoked.</Text> : <KeyTable keys={revoked} label="Revoked signing keys" onView={setViewing} />}
              </SettingsCard>
            </Stack>
          );
        }}
      </QueryState>
      <RotateModal opened={rotating} onClose={() => setRotating(false)} />
      <ConfirmDestructive
        opened={revoking !== null}
        onClose={() => {
          setRevoking(null);
          revoke.reset();
        }}
        title="Revoke signing key"
        name={revoking?.kid ?? ''}
        confirmLabel="Revoke"
        error={revoke.isError ? errorMessage(revoke.error) : undefined}
        onConfirm={() =>
          revoking
            ? revoke.mutateAsync(revoking.kid).then(
                () => {
                  notifySuccess('Key revoked', `The signing key ${revoking.kid} was revoked.`);
                  setRevoking(null);
                },
                () => undefined,
              )
            : undefined
        }
      >
        Tokens signed with this key will no longer be valid. Make sure you have updated your applications and APIs with the new key before you revoke the previous key. You cannot
        reuse a signing key after revocation.
      </ConfirmDestructive>
      <CertificateModal signingKey={viewing} onClose={() => setViewing(null)} />
    </Stack>
  );
}

function KeyTable({ keys, label, onView, onRevoke }: { keys: SigningKey[]; label: string; onView: (key: SigningKey) => void; onRevoke?: ((key: SigningKey) => void) | undefined }) {
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table aria-label={label} verticalSpacing="sm">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Key ID</Table.Th>
            <Table.Th>Algorithm</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Dates</Table.Th>
            <Table.Th>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {keys.map((key) => {
            const status = keyStatus(key);
            return (
              <Table.Tr key={key.kid} data-testid={`signing-key-${status}`}>
                <Table.Td>
                  <Text ff="monospace" size="sm" style={{ wordBreak: 'break-all' }}>
                    {key.kid}
                  </Text>
                </Table.Td>
                <Table.Td>{key.alg ?? 'RS256'}</Table.Td>
                <Table.Td>
                  <Badge color={STATUS_COLORS[status]} variant="dot" tt="none">
                    {KEY_STATUS_LABELS[status]}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <KeyDates signingKey={key} />
                </Table.Td>
                <Table.Td>
                  <Group gap="xs" justify="flex-end" wrap="nowrap">
                    <Button size="xs" variant="default" onClick={() => onView(key)} aria-label={`Certificate of ${key.kid}`}>
                      Certificate
                    </Button>
                    {onRevoke && status === 'previous' ? (
                      <Button size="xs" color="red" variant="light" onClick={() => onRevoke(key)} aria-label={`Revoke ${key.kid}`}>
                        Revoke
                      </Button>
                    ) : null}
                  </Group>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

function KeyDates({ signingKey: key }: { signingKey: SigningKey }) {
  const lines = [
    key.current_since ? `Current since ${formatDateTime(key.current_since)}` : null,
    key.current_until ? `Current until ${formatDateTime(key.current_until)}` : null,
    key.revoked_at ? `Revoked ${formatDateTime(key.revoked_at)}` : null,
  ].filter(Boolean);
  if (lines.length === 0) return <Text size="sm">Not used yet</Text>;
  return (
    <Stack gap={0}>
      {lines.map((line) => (
        <Text key={line} size="sm">
          {line}
        </Text>
      ))}
    </Stack>
  );
}

function RotateModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const api = useTenantApi();
  const rotate = useRotateSigningKey(api);
  const close = () => {
    rotate.reset();
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title="Rotate signing key" centered>
      <Stack gap="md">
        <Text size="sm">
          The next key in the queue becomes the current key and signs every new token; the current key becomes the previous key. Tokens signed with the previous key stay valid
          until you revoke it.
        </Text>
        <Alert color="yellow" variant="light" title="Applications must accept the new key">
          If an application or API does not use the keys published at /.well-known/jwks.json and was configured with the certificate by hand, it will fail to validate tokens signed
          with the new key until you update it. Test the rotation on a development tenant first.
        </Alert>
        {rotate.isError ? (
          <Alert color="red" role="alert" variant="light">
            {errorMessage(rotate.error)}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            Cancel
          </Button>
          <Button
            loading={rotate.isPending}
            data-autofocus
            onClick={() =>
              rotate.mutate(undefined, {
                onSuccess: (key) => {
                  notifySuccess('Key rotated', `The current signing key is now ${key.kid}.`);
                  close();
                },
              })
            }
          >
            Rotate
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function CertificateModal({ signingKey: key, onClose }: { signingKey: SigningKey | null; onClose: () => void }) {
  return (
    <Modal opened={key !== null} onClose={onClose} title="Signing certificate" size="xl" centered>
      {key ? (
        <CertificateDetails signingKey={key} />
      ) : null}
    </Modal>
  );
}
