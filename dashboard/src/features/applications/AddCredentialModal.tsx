/**
 * "Add New Credential" (docs: "Configure Private Key JWT Authentication", "Configure mTLS
 * Authentication for a Client"): a name, the public key or certificate pasted or read from a file,
 * the algorithm of a public key, an optional expiry (explicit, or the certificate's), or for a
 * CA-signed certificate its subject DN instead. A private key is refused here, before it leaves the
 * browser. Adding a credential does not enable it: the caller decides (onCreated).
 */
import { useState } from 'react';
import { Alert, Button, Checkbox, FileInput, Group, Modal, Radio, Select, Stack, TextInput, Textarea } from '@mantine/core';
import type { TenantApi } from '../../api/tenant-api';
import { errorMessage } from '../../components/QueryState';
import { notifySuccess } from '../../components/notify';
import { CREDENTIAL_TYPES, isCertificatePem, localToIso, pemProblem, type ClientCredential, type CredentialType } from './credential-methods';
import { useCredentialMutations, type CredentialCreate } from './queries';

/** The API's bound on a PEM (src/domain/clients/credential-material.ts MAX_PEM_LENGTH). */
const MAX_PEM_LENGTH = 16_384;

const ALGORITHMS = [
  { value: 'RS256', label: 'RS256' },
  { value: 'RS384', label: 'RS384' },
  { value: 'PS256', label: 'PS256' },
  { value: 'ES256', label: 'ES256 (EC P-256 key, Tessera extension)' },
];

export interface AddCredentialModalProps {
  api: TenantApi;
  clientId: string;
  opened: boolean;
  onClose: () => void;
  /** The type offered first (the method being configured). */
  initialType: CredentialType;
  /** Only this type may be added (the method being switched to needs it). */
  lockType?: boolean;
  onCreated?: (credential: ClientCredential) => void;
}

export function AddCredentialModal(props: AddCredentialModalProps) {
  // Mounted only while open, so every opening starts from an empty form.
  return (
    <Modal opened={props.opened} onClose={props.onClose} title="Add New Credential" centered size="lg">
      {props.opened ? <AddCredentialForm {...props} /> : null}
    </Modal>
  );
}

function AddCredentialForm({ api, clientId, onClose, initialType, lockType = false, onCreated }: AddCredentialModalProps) {
  const { create } = useCredentialMutations(api, clientId);
  const [type, setType] = useState<CredentialType>(initialType);
  const [name, setName] = useState('');
  const [pem, setPem] = useState('');
  const [fileError, setFileError] = useState<string | undefined>();
  const [alg, setAlg] = useState('RS256');
  const [byDn, setByDn] = useState(false);
  const [subjectDn, setSubjectDn] = useState('');
  const [explicitExpiry, setExplicitExpiry] = useState(false);
  const [expiresAt, setExpiresAt] = useState('');
  const [parseExpiry, setParseExpiry] = useState(false);

  const usesPem = type !== 'cert_subject_dn' || !byDn;
  const certificate = isCertificatePem(pem);
  const pemError = usesPem ? (fileError ?? pemProblem(pem)) : undefined;
  const expiryError = type === 'public_key' && explicitExpiry && expiresAt !== '' && !localToIso(expiresAt) ? 'Enter a date and time.' : undefined;

  const readFile = async (file: File | null) => {
    setFileError(undefined);
    if (!file) return;
    if (file.size > MAX_PEM_LENGTH) {
      setFileError(`The file is larger than a PEM public key or certificate (at most ${MAX_PEM_LENGTH / 1024} KB).`);
      return;
    }
    setPem(await file.text());
  };

  const body = (): CredentialCreate => {
    const base: CredentialCreate = { credential_type: type, name: name.trim() };
    if (type === 'cert_subject_dn') return byDn ? { ...base, subject_dn: subjectDn.trim() } : { ...base, pem };
    if (type === 'x509_cert') return { ...base, pem };
    return {
      ...base,
      pem,
      alg: alg as CredentialCreate['alg'],
      ...(explicitExpiry ? { expires_at: localToIso(expiresAt) ?? expiresAt } : {}),
      ...(parseExpiry && certificate ? { parse_expiry_from_cert: true } : {}),
    };
  };

  const pemLabel = type === 'public_key' ? 'Public Key or Certificate (PEM)' : 'Certificate (PEM)';
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        if (pemError || expiryError) return;
        create.mutate(body(), {
          onSuccess: (credential) => {
            notifySuccess('Credential added', `${credential.name} was added.`);
            onCreated?.(credential);
            onClose();
          },
        });
      }}
    >
      <Stack gap="md">
        <Select
          label="Credential Type"
          data={CREDENTIAL_TYPES.map((t) => ({ value: t.value, label: t.label }))}
          value={type}
          onChange={(value) => value && setType(value as CredentialType)}
          allowDeselect={false}
          disabled={lockType}
        />
        <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} required maxLength={128} data-autofocus description="A name to recognise the credential by, e.g. the key's purpose or date." />
        {type === 'cert_subject_dn' ? (
          <Radio.Group label="Identify the certificate by" value={byDn ? 'dn' : 'pem'} onChange={(value) => setByDn(value === 'dn')}>
            <Group mt="xs">
              <Radio value="pem" label="The certificate (recommended)" />
              <Radio value="dn" label="Its subject DN" />
            </Group>
          </Radio.Group>
        ) : null}
        {usesPem ? (
          <>
            <Textarea
              label={pemLabel}
              description={type === 'public_key' ? 'An RSA key of 2048 to 4096 bits (or an EC P-256 key for ES256), as openssl writes it. Never the private key.' : 'The client certificate, as openssl writes it. Never its private key.'}
              value={pem}
              onChange={(e) => {
                setFileError(undefined);
                setPem(e.currentTarget.value);
              }}
              placeholder={type === 'public_key' ? '-----BEGIN PUBLIC KEY-----' : '-----BEGIN CERTIFICATE-----'}
              autosize
              minRows={4}
              maxRows={10}
              maxLength={MAX_PEM_LENGTH}
              required
              error={pemError}
              styles={{ input: { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace', fontSize: 12 } }}
            />
            <FileInput label="Or upload a PEM file" description="A .pem, .crt or .cer file: its text replaces the field above." accept=".pem,.crt,.cer,.pub,text/plain,application/x-pem-file" onChange={(file) => void readFile(file)} clearable />
          </>
        ) : (
          <TextInput label="Subject DN" value={subjectDn} onChange={(e) => setSubjectDn(e.currentTarget.value)} required maxLength={256} placeholder="CN=worker.example.com,O=Example,C=US" description="Must match the subject of the certificates the application presents. Uploading the certificate is the more reliable way." />
        )}
        {type === 'public_key' ? (
          <>
            <Select label="Algorithm" description="The algorithm the application signs its assertions with." data={ALGORITHMS} value={alg} onChange={(value) => value && setAlg(value)} allowDeselect={false} />
            <Checkbox label="Set an explicit expiry date for this credential" checked={explicitExpiry} onChange={(e) => setExplicitExpiry(e.currentTarget.checked)} disabled={parseExpiry && certificate} />
            {explicitExpiry ? (
              <TextInput type="datetime-local" label="Expires at" description="In your time zone. The credential stops working then; it is not deleted." value={expiresAt} onChange={(e) => setExpiresAt(e.currentTarget.value)} required error={expiryError} />
            ) : null}
            {certificate ? <Checkbox label="Use the certificate's expiry date" checked={parseExpiry} onChange={(e) => setParseExpiry(e.currentTarget.checked)} disabled={explicitExpiry} /> : null}
          </>
        ) : null}
        {create.isError ? (
          <Alert color="red" role="alert" variant="light" title="The credential was not added">
            {errorMessage(create.error)}
          </Alert>
        ) : null}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" loading={create.isPending}>
            Add Credential
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
