/**
 * `client_authentication_methods` of an application (docs: "Configure Private Key JWT
 * Authentication", "Configure mTLS Authentication for a Client"): which of its credentials each
 * key- or certificate-based method accepts. When set, `token_endpoint_auth_method` is null and the
 * client secret no longer authenticates; reverting sets both back (`client_authentication_methods:
 * null` and a secret method).
 */
import { invalid } from '../errors.js';
import type { ClientCredentialRecord, CredentialType } from '../../storage/repositories/client-credentials.js';
import type { Client } from './client.js';

export const CREDENTIAL_TYPE_OF_METHOD = {
  private_key_jwt: 'public_key',
  tls_client_auth: 'cert_subject_dn',
  self_signed_tls_client_auth: 'x509_cert',
} as const satisfies Record<string, CredentialType>;

export type CredentialMethod = keyof typeof CREDENTIAL_TYPE_OF_METHOD;
export const CREDENTIAL_METHODS = Object.keys(CREDENTIAL_TYPE_OF_METHOD) as CredentialMethod[];

export type ClientAuthenticationMethods = Partial<Record<CredentialMethod, { credentials: Array<{ id: string }> }>>;

/** The application's methods, or undefined when it authenticates with its secret (or as a public client). */
export function authenticationMethodsOf(client: Client): ClientAuthenticationMethods | undefined {
  const methods = client.client_authentication_methods as ClientAuthenticationMethods | null | undefined;
  return methods && Object.keys(methods).length > 0 ? methods : undefined;
}

/**
 * Whether the application may authenticate with its client secret: the one place that decides it
 * (client_secret_basic and client_secret_post ask here). Not a public client (`none`), not one
 * registered for key- or certificate-based methods (docs: "a Client Secret will no longer be
 * accepted") — by either half of that registration, in case a stored document has one without the
 * other — and a secret to compare with. "Not `none`" rather than "one of the secret methods" on
 * purpose: a stored document without the field has always authenticated with its secret.
 */
export function authenticatesWithSecret(client: Client): boolean {
  if (client.token_endpoint_auth_method === 'none' || client.token_endpoint_auth_method === null) return false;
  return authenticationMethodsOf(client) === undefined && Boolean(client.client_secret);
}

/** The credential ids associated with one method (empty when the method is not configured). */
export function associatedIds(client: Client, method: CredentialMethod): string[] {
  return authenticationMethodsOf(client)?.[method]?.credentials.map((credential) => credential.id) ?? [];
}

/** The credential ids that verify the application's JAR request objects (`signed_request_object.credentials`). */
export function requestObjectCredentialIds(client: Client): string[] {
  return client.signed_request_object?.credentials.map((credential) => credential.id) ?? [];
}

/** Whether a credential is used by any method of the application, or verifies its request objects (then it cannot be deleted). */
export function isAssociated(client: Client, credentialId: string): boolean {
  return CREDENTIAL_METHODS.some((method) => associatedIds(client, method).includes(credentialId)) || requestObjectCredentialIds(client).includes(credentialId);
}

/**
 * `signed_request_object` after a create or PATCH was applied: stored whole (`required` false by
 * default, `credentials` [] by default); `required` needs a credential to verify with.
 */
export function normalizeSignedRequestObject(client: Client): void {
  const given = client.signed_request_object as Partial<Client['signed_request_object']> | null | undefined;
  if (given === undefined || given === null) {
    delete client.signed_request_object;
    return;
  }
  client.signed_request_object = { required: given.required ?? false, credentials: (given.credentials ?? []).map((credential) => ({ id: credential.id })) };
  if (client.signed_request_object.required && client.signed_request_object.credentials.length === 0) {
    throw invalid('Payload validation error: signed_request_object.required needs at least one credential in signed_request_object.credentials to verify request objects with.');
  }
}

/**
 * The rules between `token_endpoint_auth_method` and `client_authentication_methods`, after a create
 * or PATCH was applied (`explicitAuthMethod`: whether the body named token_endpoint_auth_method):
 * setting the methods clears the secret method unless the body asked for both, which is refused.
 */
export function reconcileAuthenticationMethods(client: Client, body: { client_authentication_methods?: unknown; token_endpoint_auth_method?: unknown }): void {
  if (client.client_authentication_methods !== undefined && authenticationMethodsOf(client) === undefined) delete client.client_authentication_methods;
  const methods = authenticationMethodsOf(client);
  if (methods && body.client_authentication_methods !== undefined && body.client_authentication_methods !== null && body.token_endpoint_auth_method === undefined) {
    client.token_endpoint_auth_method = null;
  }
  if (methods && client.token_endpoint_auth_method !== null) {
    throw invalid('Payload validation error: token_endpoint_auth_method must be null when client_authentication_methods is set (set client_authentication_methods to null to authenticate with a client secret again).');
  }
  if (!methods && client.token_endpoint_auth_method === null) {
    throw invalid('Payload validation error: token_endpoint_auth_method can be null only when client_authentication_methods is set.');
  }
  if (methods && (client.app_type === 'spa' || client.app_type === 'native')) {
    throw invalid('Payload validation error: client_authentication_methods is for confidential applications; spa and native applications cannot use it.');
  }
  if (methods?.private_key_jwt && client.jwt_configuration.alg === 'HS256') {
    throw invalid("Payload validation error: private_key_jwt requires an asymmetric jwt_configuration.alg (RS256 or PS256), not HS256.");
  }
}

/** Every associated id names one of the application's credentials, of the type its method uses, once. */
export function checkAssociations(client: Client, credentials: readonly ClientCredentialRecord[]): void {
  const byId = new Map(credentials.map((credential) => [credential.id, credential]));
  const jarIds = requestObjectCredentialIds(client);
  if (new Set(jarIds).size !== jarIds.length) throw invalid('Payload validation error: signed_request_object.credentials lists a credential twice.');
  for (const id of jarIds) {
    const credential = byId.get(id);
    if (!credential) throw invalid(`Payload validation error: credential ${id} of signed_request_object does not exist for this client.`);
    if (credential.credentialType !== 'public_key') throw invalid(`Payload validation error: credential ${id} is of type ${credential.credentialType}; signed_request_object uses public_key credentials.`);
  }
  const methods = authenticationMethodsOf(client);
  if (!methods) return;
  for (const method of CREDENTIAL_METHODS) {
    const ids = associatedIds(client, method);
    if (methods[method] && ids.length === 0) throw invalid(`Payload validation error: client_authentication_methods.${method}.credentials must list at least one credential.`);
    if (new Set(ids).size !== ids.length) throw invalid(`Payload validation error: client_authentication_methods.${method}.credentials lists a credential twice.`);
    for (const id of ids) {
      const credential = byId.get(id);
      if (!credential) throw invalid(`Payload validation error: credential ${id} of client_authentication_methods.${method} does not exist for this client.`);
      const wanted = CREDENTIAL_TYPE_OF_METHOD[method];
      if (credential.credentialType !== wanted) throw invalid(`Payload validation error: credential ${id} is of type ${credential.credentialType}; ${method} uses ${wanted} credentials.`);
    }
  }
}
