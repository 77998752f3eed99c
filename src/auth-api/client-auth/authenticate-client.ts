/**
 * Client authentication for every endpoint that needs it (token, revoke, passwordless start; PAR,
 * device, CIBA and introspection later): picks the one method the request presents, finds the
 * client it names in the request's tenant, and lets the method check it (see method.ts).
 */
import type { FastifyRequest } from 'fastify';
import type { Services } from '../../domain/services.js';
import type { Client } from '../../domain/clients/client.js';
import { complianceProfileOf } from '../../domain/clients/compliance-levels.js';
import { tenantFeatures, type TenantFeatures } from '../../domain/tenants/features.js';
import { credentialsOf, type ClientCredentials, type CredentialParams } from './credentials.js';
import { invalidClient, multipleMethods } from './errors.js';
import type { ClientAuthContext, ClientAuthMethod } from './method.js';
import { clientAuthMethods } from './registry.js';

export interface AuthenticatedClient {
  client: Client;
  /** The method the request used. */
  method: string;
  /** False for public clients (auth method `none`) that only identified themselves. */
  authenticated: boolean;
}

/**
 * The one method whose credentials the request carries; `none` when it carries none. More than
 * one is an invalid request, refused before any client is looked up.
 */
export function presentedMethod(features: TenantFeatures, credentials: ClientCredentials): ClientAuthMethod {
  const methods = clientAuthMethods(features);
  const presented = methods.filter((method) => method.authenticates && method.presented(credentials));
  if (presented.length > 1) throw multipleMethods(presented);
  const method = presented[0] ?? methods.find((candidate) => !candidate.authenticates);
  // Unreachable while `none` is registered; without it, a request without credentials cannot name its client.
  if (!method) throw invalidClient({});
  return method;
}

export async function authenticateClient(
  services: Services,
  request: FastifyRequest,
  params: CredentialParams,
  options: { endpointAudience?: string } = {},
): Promise<AuthenticatedClient> {
  const credentials = credentialsOf(request, params);
  const method = presentedMethod(tenantFeatures(request.tenant.settings), credentials);
  const clientId = method.clientId(credentials);
  const tenant = request.tenant;
  const client = await services.clients.find(tenant.id, tenant.name, clientId);
  if (!client) throw invalidClient(method);
  // A FAPI compliance level: its profile's methods only, and a private_key_jwt assertion for the issuer alone.
  const profile = complianceProfileOf(client);
  const context: ClientAuthContext = profile?.assertionAudienceIsIssuer
    ? { services, tenant, issuer: request.issuer, issuerAudienceOnly: true }
    : { services, tenant, issuer: request.issuer, ...(options.endpointAudience ? { endpointAudience: options.endpointAudience } : {}) };
  let authenticated: AuthenticatedClient | undefined;
  if (!method.authenticates) {
    // client_id alone: a client registered for mutual TLS proves itself with its certificate.
    const registered = clientAuthMethods(tenantFeatures(tenant.settings)).filter((candidate) => candidate.registeredFor?.(client));
    if (registered.length > 0) authenticated = await authenticateByRegistration(registered, credentials, client, context);
  }
  if (!authenticated) {
    const outcome = await method.authenticate(credentials, client, context);
    if (outcome !== 'authenticated') throw invalidClient(method);
    authenticated = { client, method: method.name, authenticated: method.authenticates };
  }
  if (profile && !profile.clientAuthMethods.includes(authenticated.method)) throw invalidClient(method);
  return authenticated;
}

/** The first of the client's mTLS methods its certificate satisfies; the first one's refusal otherwise. */
async function authenticateByRegistration(methods: ClientAuthMethod[], credentials: ClientCredentials, client: Client, context: ClientAuthContext): Promise<AuthenticatedClient> {
  let refusal: unknown;
  for (const method of methods) {
    try {
      if ((await method.authenticate(credentials, client, context)) === 'authenticated') return { client, method: method.name, authenticated: true };
      refusal ??= invalidClient(method);
    } catch (error) {
      refusal ??= error;
    }
  }
  throw refusal;
}
