/**
 * The read-only part of an application's Advanced tab, as Auth0 shows it: the tenant's endpoints an
 * application is configured with (the OpenID Connect discovery document's, on the tenant's own
 * origin), and the certificate that signs its tokens (the current signing key, for roles that may
 * read signing keys), with PEM / CER / PKCS#7 downloads.
 */
import { Stack, Text } from '@mantine/core';
import type { Client, TenantApi } from '../../api/tenant-api';
import { CopyField } from '../../components/CopyField';
import { QueryState } from '../../components/QueryState';
import { SettingsCard } from '../../components/SettingsCard';
import { CertificateDetails } from '../settings/CertificateDetails';
import { useSigningKeys } from '../settings/queries';

/** Paths every tenant serves (src/auth-api): discovery lists the same ones. */
const ENDPOINTS: ReadonlyArray<{ label: string; path: string }> = [
  { label: 'OpenID Configuration', path: '/.well-known/openid-configuration' },
  { label: 'JSON Web Key Set', path: '/.well-known/jwks.json' },
  { label: 'OAuth Authorization URL', path: '/authorize' },
  { label: 'OAuth Token URL', path: '/oauth/token' },
  { label: 'OAuth User Info URL', path: '/userinfo' },
  { label: 'OAuth Revocation URL', path: '/oauth/revoke' },
];

export function EndpointsAndCertificates({ api, app }: { api: TenantApi; app: Client }) {
  return (
    <Stack gap="lg" maw={820} mt="lg">
      <SettingsCard title="Endpoints" description={`The URLs ${app.name ?? 'this application'} talks to, on the tenant's domain.`}>
        {ENDPOINTS.map((endpoint) => (
          <CopyField key={endpoint.path} label={endpoint.label} value={`${api.origin}${endpoint.path}`} />
        ))}
      </SettingsCard>
      {api.can('read:signing_keys') ? <SigningCertificate api={api} /> : null}
    </Stack>
  );
}

function SigningCertificate({ api }: { api: TenantApi }) {
  const keys = useSigningKeys(api);
  return (
    <SettingsCard title="Certificates" description="The tenant's current signing certificate: applications verify the tokens it issues with its public key.">
      <QueryState query={keys} errorTitle="Could not load the signing certificate">
        {(list) => {
          const current = list.find((key) => key.current && !key.revoked);
          return current ? <CertificateDetails signingKey={current} /> : <Text size="sm">No current signing key.</Text>;
        }}
      </QueryState>
    </SettingsCard>
  );
}
