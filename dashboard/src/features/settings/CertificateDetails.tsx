/**
 * A signing key's certificate: key id, SHA-1 fingerprint, the PEM, and downloads as PEM, CER (DER)
 * and PKCS#7, converted in the browser (lib/certificate.ts). Settings › Signing Keys shows it for any
 * key, an application's Advanced tab for the current one.
 */
import { Button, Code, Group, Stack, Text } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { certificateFile, type CertificateFormat } from '../../lib/certificate';
import type { SigningKey } from './queries';

export function CertificateDetails({ signingKey: key }: { signingKey: SigningKey }) {
  return (
    <Stack gap="md">
      <Text size="sm">
        Key ID <Text span ff="monospace">{key.kid}</Text>
      </Text>
      <div>
        <Text size="sm" fw={500}>
          Fingerprint (SHA-1)
        </Text>
        <Text size="sm" ff="monospace" style={{ wordBreak: 'break-all' }}>
          {key.fingerprint}
        </Text>
      </div>
      <div>
        <Text size="sm" fw={500}>
          Certificate (PEM)
        </Text>
        <Code block data-testid="certificate-pem">
          {key.cert}
        </Code>
      </div>
      <Group gap="sm">
        <Button variant="default" leftSection={<IconDownload size={16} aria-hidden />} onClick={() => download(key, 'pem')}>
          Download PEM
        </Button>
        <Button variant="default" leftSection={<IconDownload size={16} aria-hidden />} onClick={() => download(key, 'cer')}>
          Download CER
        </Button>
        <Button variant="default" leftSection={<IconDownload size={16} aria-hidden />} onClick={() => download(key, 'p7b')}>
          Download PKCS#7
        </Button>
      </Group>
    </Stack>
  );
}

/** Saves a file in the browser (an object URL on a temporary link); nothing leaves the page. */
function download(signingKey: SigningKey, format: CertificateFormat) {
  const file = certificateFile(signingKey, format);
  const url = URL.createObjectURL(new Blob([file.content as BlobPart], { type: file.type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = file.name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

