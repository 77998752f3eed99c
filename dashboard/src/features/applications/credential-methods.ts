/**
 * How the Credentials tab reads and writes an application's authentication method (docs: "Credential
 * Settings", "Configure Private Key JWT Authentication", "Configure mTLS Authentication for a
 * Client"). A secret method lives in `token_endpoint_auth_method`; a key or certificate method in
 * `client_authentication_methods` (credential ids per method) with `token_endpoint_auth_method: null`.
 * Pure: no React, no requests, no imports (unit-tested in test/unit/dashboard-apps-helpers.test.ts).
 */

export type CredentialType = 'public_key' | 'cert_subject_dn' | 'x509_cert';
export type CredentialMethod = 'private_key_jwt' | 'tls_client_auth' | 'self_signed_tls_client_auth';
export type SecretMethod = 'client_secret_post' | 'client_secret_basic';
export type AuthMethod = SecretMethod | CredentialMethod | 'none';

/** Auth0's ClientCredential as `/clients/{id}/credentials` answers it (no key material). */
export interface ClientCredential {
  id: string;
  name: string;
  credential_type: CredentialType;
  kid?: string;
  alg?: string;
  subject_dn?: string;
  thumbprint_sha256?: string;
  created_at: string;
  updated_at: string;
  expires_at?: string;
}

type Methods = Partial<Record<CredentialMethod, { credentials: Array<{ id: string }> }>>;

/** What this module reads of an application (api/tenant-api's Client has these fields). */
export interface Client {
  app_type?: string;
  token_endpoint_auth_method?: string | null;
  client_authentication_methods?: Methods | null;
}

/** The part of a client PATCH that sets the authentication method. */
export interface ClientPatch {
  token_endpoint_auth_method?: SecretMethod | 'none';
  client_authentication_methods?: Methods | null;
}

/** Docs: "Applications can have a maximum of two credentials configured." */
export const MAX_CREDENTIALS = 2;

export const CREDENTIAL_TYPE_OF: Record<CredentialMethod, CredentialType> = {
  private_key_jwt: 'public_key',
  tls_client_auth: 'cert_subject_dn',
  self_signed_tls_client_auth: 'x509_cert',
};

export const METHOD_OF_TYPE: Record<CredentialType, CredentialMethod> = {
  public_key: 'private_key_jwt',
  cert_subject_dn: 'tls_client_auth',
  x509_cert: 'self_signed_tls_client_auth',
};

/** The choices of the Authentication Method card, in Auth0's words; `short` names the method in menus ("Enable for … use"). */
export const AUTH_METHODS: ReadonlyArray<{ value: AuthMethod; label: string; short: string; description: string }> = [
  { value: 'client_secret_post', label: 'Client Secret (Post)', short: 'Client Secret (Post)', description: 'The application sends its client secret in the request body.' },
  { value: 'client_secret_basic', label: 'Client Secret (Basic)', short: 'Client Secret (Basic)', description: 'The application sends its client secret with the HTTP Basic authentication scheme.' },
  { value: 'private_key_jwt', label: 'Private Key JWT', short: 'Private Key JWT', description: 'The application signs a short-lived JWT with its private key; Tessera verifies it with a public key registered below.' },
  { value: 'tls_client_auth', label: 'mTLS with a CA-signed certificate', short: 'mTLS (CA-signed)', description: "The application presents a client certificate issued by a trusted CA whose subject DN is registered below." },
  { value: 'self_signed_tls_client_auth', label: 'mTLS with a self-signed certificate', short: 'mTLS (self-signed)', description: 'The application presents a self-signed client certificate registered below.' },
];

export const NONE_METHOD = { value: 'none' as const, label: 'None (public client)', short: 'None', description: 'The application does not authenticate at the token endpoint.' };

export const CREDENTIAL_TYPES: ReadonlyArray<{ value: CredentialType; label: string }> = [
  { value: 'public_key', label: 'Public key (Private Key JWT)' },
  { value: 'x509_cert', label: 'Self-signed certificate (mTLS)' },
  { value: 'cert_subject_dn', label: 'CA-signed certificate subject DN (mTLS)' },
];

export const isCredentialMethod = (method: string): method is CredentialMethod => method in CREDENTIAL_TYPE_OF;

export function methodLabel(method: string): string {
  return (AUTH_METHODS.find((m) => m.value === method) ?? NONE_METHOD).label;
}

export function methodShort(method: string): string {
  return (AUTH_METHODS.find((m) => m.value === method) ?? NONE_METHOD).short;
}

/** Auth0's spa and native applications are public: they have no Credentials tab. */
export const isConfidential = (app: Client): boolean => app.app_type !== 'spa' && app.app_type !== 'native';

/** The configured credential methods (the API allows several at once; the Dashboard sets one). */
export function credentialMethodsOf(app: Client): CredentialMethod[] {
  const methods = app.client_authentication_methods;
  return methods ? (Object.keys(methods) as CredentialMethod[]).filter((m) => isCredentialMethod(m) && (methods[m]?.credentials.length ?? 0) > 0) : [];
}

/** The method the application authenticates with now: its (first) credential method, else its secret method. */
export function currentMethod(app: Client): AuthMethod {
  return credentialMethodsOf(app)[0] ?? (app.token_endpoint_auth_method as AuthMethod | null | undefined) ?? 'client_secret_post';
}

/** The credential ids one method accepts. */
export function associatedIds(app: Client, method: CredentialMethod): string[] {
  return app.client_authentication_methods?.[method]?.credentials.map((c) => c.id) ?? [];
}

/** Whether any method of the application uses the credential (then the API refuses to delete it). */
export function isInUse(app: Client, credentialId: string): CredentialMethod | undefined {
  return credentialMethodsOf(app).find((method) => associatedIds(app, method).includes(credentialId));
}

/**
 * The PATCH that makes `method` the application's way to authenticate: a secret method clears
 * `client_authentication_methods` (docs: "disable client_authentication_methods and re-enable
 * token_endpoint_auth_method"); a credential method replaces it with that method alone (the API then
 * sets `token_endpoint_auth_method` to null itself).
 */
export function switchMethodPatch(app: Client, method: AuthMethod, credentialIds: readonly string[] = []): ClientPatch {
  if (!isCredentialMethod(method)) {
    return { token_endpoint_auth_method: method, ...(credentialMethodsOf(app).length > 0 ? { client_authentication_methods: null } : {}) };
  }
  return { client_authentication_methods: { [method]: { credentials: credentialIds.map((id) => ({ id })) } } };
}

/** The PATCH that enables (or disables) one credential for a configured method, keeping the other methods as they are. */
export function toggleCredentialPatch(app: Client, method: CredentialMethod, credentialId: string, enable: boolean): ClientPatch {
  const current = associatedIds(app, method);
  const ids = enable ? [...current.filter((id) => id !== credentialId), credentialId] : current.filter((id) => id !== credentialId);
  const methods: Methods = {};
  for (const other of credentialMethodsOf(app)) if (other !== method) methods[other] = { credentials: associatedIds(app, other).map((id) => ({ id })) };
  methods[method] = { credentials: ids.map((id) => ({ id })) };
  return { client_authentication_methods: methods };
}

/** What identifies a credential in the list: its key id, its subject DN, or its certificate's thumbprint. */
export function credentialIdentifier(credential: ClientCredential): { label: string; value: string } {
  if (credential.credential_type === 'public_key') return { label: 'Key ID', value: credential.kid ?? '' };
  if (credential.credential_type === 'cert_subject_dn') return { label: 'Subject DN', value: credential.subject_dn ?? '' };
  return { label: 'Thumbprint (SHA-256)', value: credential.thumbprint_sha256 ?? '' };
}

/** Local `datetime-local` text as an ISO instant (the browser's time zone), or undefined when it is not a date. */
export function localToIso(value: string): string | undefined {
  const time = new Date(value).getTime();
  return value && Number.isFinite(time) ? new Date(time).toISOString() : undefined;
}

/** An ISO instant as `datetime-local` text in the browser's time zone. */
export function isoToLocal(iso: string | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** PEM labels in pasted text: a private key never leaves the browser. */
export function pemProblem(pem: string): string | undefined {
  if (/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(pem)) return 'This is a private key. Keep it to yourself: paste the public key or certificate only.';
  if (pem.trim() !== '' && !/-----BEGIN [A-Z0-9 ]+-----/.test(pem)) return 'Paste a PEM block (-----BEGIN PUBLIC KEY----- or -----BEGIN CERTIFICATE-----).';
  return undefined;
}

export const isCertificatePem = (pem: string): boolean => /-----BEGIN CERTIFICATE-----/.test(pem);
