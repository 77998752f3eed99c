/**
 * Token Settings › "JSON Web Encryption (JWE)" (docs: "Configure JSON Web Encryption (JWE)"): turning
 * it on asks for the API's key (a name, the RSA public key or certificate as PEM, the algorithm, an
 * optional key identifier); the saved key is shown by its thumbprint, never its PEM (the Management
 * API does not answer it). Turning it off sends `token_encryption: null`; replacing the key sends the
 * whole object again. A private key is refused here, before it leaves the browser.
 */
import { useState } from 'react';
import { Alert, Button, Group, Modal, Select, Stack, Switch, Text, TextInput, Textarea } from '@mantine/core';
import type { ResourceServer, ResourceServerPatch, TenantApi } from '../../api/tenant-api';
import { CopyField } from '../../components/CopyField';
import { errorMessage } from '../../components/QueryState';
import { SettingsCard } from '../../components/SettingsCard';
import { notifySuccess } from '../../components/notify';
import { pemProblem } from '../applications/credential-methods';
import { useUpdateResourceServer } from './queries';

/** The API's bounds (src/domain/resource-servers/token-encryption.ts, Auth0's schema). */
const MAX_PEM_LENGTH = 4096;
const MAX_NAME_LENGTH = 128;
const JWE_ALGS = ['RSA-OAEP-256', 'RSA-OAEP-384', 'RSA-OAEP-512'];

export function TokenEncryptionCard({ api, rs, canWrite }: { api: TenantApi; rs: ResourceServer; canWrite: boolean }) {
  const update = useUpdateResourceServer(api, rs.id ?? '');
  const [adding, setAdding] = useState(false);
  const key = rs.token_encryption?.encryption_key;
  const turnOff = () =>
    update.mutate({ token_encryption: null } as ResourceServerPatch, { onSuccess: () => notifySuccess('JWE turned off', 'Access tokens for this API are signed JWTs again.') });
  return (
    <SettingsCard title="Token Settings">
      <Switch
        label="JSON Web Encryption (JWE)"
        description="Access tokens for this API are encrypted for it: the signed JWT nested in a JWE that only the API, holding the private key, can decrypt."
        checked={Boolean(key)}
        disabled={!canWrite || update.isPending}
        onChange={(event) => (event.currentTarget.checked ? setAdding(true) : turnOff())}
      />
      {key ? (
        <Stack gap="xs" data-testid="jwe-key">
          <Text size="sm">
            Key <Text span fw={600}>{key.name || '(unnamed)'}</Text> · {key.alg}
            {key.kid ? (
              <>
                {' '}
                · kid <Text span ff="monospace">{key.kid}</Text>
              </>
            ) : null}
          </Text>
          <CopyField label="Thumbprint (SHA-256)" value={key.thumbprint_sha256} description="Identifies the key: base64url SHA-256 of the certificate (or of the public key)." />
          {canWrite ? (
            <Group>
              <Button variant="default" size="xs" onClick={() => setAdding(true)}>
                Replace key
              </Button>
            </Group>
          ) : null}
        </Stack>
      ) : null}
      {update.error ? (
        <Alert color="red" role="alert" variant="light">
          {errorMessage(update.error)}
        </Alert>
      ) : null}
      <Modal opened={adding} onClose={() => setAdding(false)} title="Add JSON Web Encryption (JWE) Key" centered size="lg">
        {adding ? <JweKeyForm api={api} rs={rs} onClose={() => setAdding(false)} /> : null}
      </Modal>
    </SettingsCard>
  );
}

function JweKeyForm({ api, rs, onClose }: { api: TenantApi; rs: ResourceServer; onClose: () => void }) {
  const update = useUpdateResourceServer(api, rs.id ?? '');
  const [name, setName] = useState('');
  const [pem, setPem] = useState('');
  const [alg, setAlg] = useState('RSA-OAEP-256');
  const [kid, setKid] = useState('');
  const pemError = pemProblem(pem);
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (pemError || !pem.trim()) return;
        const encryptionKey = { alg, pem, ...(name.trim() ? { name: name.trim() } : {}), ...(kid.trim() ? { kid: kid.trim() } : {}) };
        update.mutate({ token_encryption: { format: 'compact-nested-jwe', encryption_key: encryptionKey } } as ResourceServerPatch, {
          onSuccess: () => {
            notifySuccess('JWE key added', 'Access tokens for this API are now encrypted.');
            onClose();
          },
        });
      }}
    >
      <Stack gap="md">
        <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} maxLength={MAX_NAME_LENGTH} data-autofocus description="A friendly name to recognise the key by." />
        <Textarea
          label="Public Key or Certificate (PEM)"
          description="The API's RSA key of 2048 to 4096 bits, as openssl writes it. Never the private key: the API keeps it to decrypt its tokens."
          value={pem}
          onChange={(e) => setPem(e.currentTarget.value)}
          placeholder="-----BEGIN PUBLIC KEY-----"
          autosize
          minRows={4}
          maxRows={10}
          maxLength={MAX_PEM_LENGTH}
          required
          error={pemError}
          styles={{ input: { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace', fontSize: 12 } }}
        />
        <Select label="Encryption Algorithm" description="How the content key is encrypted for the API; the token itself is encrypted with A256GCM." data={JWE_ALGS} value={alg} onChange={(value) => value && setAlg(value)} allowDeselect={false} />
        <TextInput label="Key Identifier (optional)" value={kid} onChange={(e) => setKid(e.currentTarget.value)} maxLength={128} description="Written as the kid header of each token, to pick the key during a rotation." />
        {update.error ? (
          <Alert color="red" role="alert" variant="light">
            {errorMessage(update.error)}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={update.isPending} disabled={Boolean(pemError) || !pem.trim()}>
            Add
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
