/**
 * Application credentials (`/api/v2/clients/{id}/credentials`): create (at most two per
 * application, as Auth0), list, get, change the expiry (the only mutable field), delete (refused
 * while a method of the application uses it). Authentication reads them on every request that
 * presents a client assertion or certificate, so `forAuthentication` is cached, parsed keys and
 * all, and dropped on every instance through the invalidation bus: by this service's writes, and
 * by any write to the tenant's applications (an association changed, an application deleted).
 */
import type { KeyObject } from 'node:crypto';
import type { Storage, Repositories } from '../../storage/storage.js';
import type { ClientCredentialRecord } from '../../storage/repositories/client-credentials.js';
import type { InvalidationBus } from '../../storage/cache/invalidation-bus.js';
import { EntityCache } from '../../storage/cache/entity-cache.js';
import { conflict, invalid, notFound } from '../errors.js';
import { randomAlphanumeric } from '../ids.js';
import { nowIso, systemClock, type Clock } from '../clock.js';
import { CLIENT_KIND, toClient } from './client.js';
import { isAssociated } from './authentication-methods.js';
import { checkedExpiry, credentialMaterial, keyThumbprintOf, verificationKeyOf, type CredentialInput } from './credential-material.js';

export const CLIENT_CREDENTIAL_KIND = 'client_credential';
/** Docs: "Applications can have a maximum of two credentials configured." */
export const MAX_CREDENTIALS_PER_CLIENT = 2;

export const newCredentialId = (): string => `cred_${randomAlphanumeric(22)}`;

/** A credential as the Management API shows it (Auth0's ClientCredential: no key material). */
export interface ClientCredentialView {
  id: string;
  name: string;
  credential_type: ClientCredentialRecord['credentialType'];
  kid?: string;
  alg?: string;
  subject_dn?: string;
  thumbprint_sha256?: string;
  created_at: string;
  updated_at: string;
  expires_at?: string;
}

/** What an authentication method needs of a credential, parsed once per cache fill. */
export interface ActiveCredential {
  id: string;
  credentialType: ClientCredentialRecord['credentialType'];
  kid: string | null;
  alg: string | null;
  /** The verification key of a public_key credential. */
  key: KeyObject | undefined;
  subjectDn: string | null;
  thumbprintSha256: string | null;
  /** Epoch milliseconds; null when it never expires. */
  expiresAt: number | null;
}

export function viewOf(record: ClientCredentialRecord): ClientCredentialView {
  return {
    id: record.id,
    name: record.name,
    credential_type: record.credentialType,
    ...(record.kid !== null ? { kid: record.kid } : {}),
    ...(record.alg !== null ? { alg: record.alg } : {}),
    ...(record.subjectDn !== null ? { subject_dn: record.subjectDn } : {}),
    ...(record.thumbprintSha256 !== null ? { thumbprint_sha256: record.thumbprintSha256 } : {}),
    created_at: record.createdAt,
    updated_at: record.updatedAt,
    ...(record.expiresAt !== null ? { expires_at: record.expiresAt } : {}),
  };
}

function activeOf(record: ClientCredentialRecord): ActiveCredential {
  return {
    id: record.id,
    credentialType: record.credentialType,
    kid: record.kid,
    alg: record.alg,
    key: record.credentialType === 'public_key' && record.pem ? verificationKeyOf(record.pem) : undefined,
    subjectDn: record.subjectDn,
    thumbprintSha256: record.thumbprintSha256,
    expiresAt: record.expiresAt === null ? null : Date.parse(record.expiresAt),
  };
}

const inexistentClient = () => notFound('The client does not exist', 'inexistent_client');
const inexistentCredential = () => notFound('The credential does not exist', 'inexistent_credential');

/**
 * Creates one credential inside the caller's transaction (this service's create, or an application
 * created with its credentials inline). The application must exist in the same transaction.
 */
export async function insertCredential(repos: Repositories, tenantId: string, clientId: string, input: CredentialInput, now: number): Promise<ClientCredentialRecord> {
  const material = await credentialMaterial(input, now);
  // Concurrent creates for one application wait here for each other: the count below cannot be raced.
  if (!(await repos.clientCredentials.lockClient(tenantId, clientId))) throw inexistentClient();
  const existing = await repos.clientCredentials.listForClient(tenantId, clientId);
  if (existing.length >= MAX_CREDENTIALS_PER_CLIENT) {
    throw invalid(`The maximum number of credentials (${MAX_CREDENTIALS_PER_CLIENT}) for this client has been reached. Delete an unused credential first.`, 'too_many_credentials');
  }
  for (const other of existing) {
    const sameKey = material.keyThumbprint !== null && other.pem !== null && (await keyThumbprintOf(verificationKeyOf(other.pem))) === material.keyThumbprint;
    const sameDn = material.pem === null && other.pem === null && material.subjectDn !== null && material.subjectDn === other.subjectDn;
    if ((sameKey || sameDn) && other.credentialType === material.credentialType) throw conflict('A credential with the same key already exists for this client.', 'credential_exists');
    if (material.kid !== null && other.kid === material.kid) throw conflict(`A credential with kid ${material.kid} already exists for this client.`, 'credential_exists');
  }
  const at = nowIso();
  const record: ClientCredentialRecord = {
    tenantId,
    id: newCredentialId(),
    clientId,
    name: material.name,
    credentialType: material.credentialType,
    pem: material.pem,
    kid: material.kid,
    alg: material.alg,
    subjectDn: material.subjectDn,
    thumbprintSha256: material.thumbprintSha256,
    expiresAt: material.expiresAt,
    createdAt: at,
    updatedAt: at,
  };
  // The unique index on (tenant, application, kid) holds even if the checks above were raced.
  if (!(await repos.clientCredentials.insert(record))) throw conflict(`A credential with kid ${material.kid} already exists for this client.`, 'credential_exists');
  return record;
}

export class ClientCredentialService {
  private readonly cache: EntityCache<{ credentials: ActiveCredential[] }>;

  constructor(
    private readonly storage: Storage,
    private readonly bus: InvalidationBus,
    private readonly clock: Clock = systemClock,
  ) {
    this.cache = new EntityCache(CLIENT_CREDENTIAL_KIND, bus, { dependsOn: [CLIENT_KIND] });
  }

  /** The application's credentials with their parsed keys (cached: read on every assertion or certificate). */
  async forAuthentication(tenantId: string, clientId: string): Promise<ActiveCredential[]> {
    const entry = await this.cache.get(tenantId, clientId, async () => ({
      credentials: (await this.storage.repos.clientCredentials.listForClient(tenantId, clientId)).map(activeOf),
    }));
    return entry?.credentials ?? [];
  }

  async list(tenantId: string, clientId: string): Promise<ClientCredentialView[]> {
    if (!(await this.storage.repos.clients.findById(tenantId, clientId))) throw inexistentClient();
    return (await this.storage.repos.clientCredentials.listForClient(tenantId, clientId)).map(viewOf);
  }

  async get(tenantId: string, clientId: string, id: string): Promise<ClientCredentialView> {
    if (!(await this.storage.repos.clients.findById(tenantId, clientId))) throw inexistentClient();
    const record = await this.storage.repos.clientCredentials.find(tenantId, clientId, id);
    if (!record) throw inexistentCredential();
    return viewOf(record);
  }

  async create(tenantId: string, clientId: string, input: CredentialInput): Promise<ClientCredentialView> {
    const record = await this.storage.transaction(async (repos) => {
      if (!(await repos.clients.findById(tenantId, clientId))) throw inexistentClient();
      return insertCredential(repos, tenantId, clientId, input, this.clock.now());
    });
    await this.invalidate(tenantId, clientId);
    return viewOf(record);
  }

  /** PATCH: only `expires_at` changes (null removes the expiry). */
  async updateExpiry(tenantId: string, clientId: string, id: string, expiresAt: string | null): Promise<ClientCredentialView> {
    const stored = expiresAt === null ? null : checkedExpiry(expiresAt, this.clock.now());
    const record = await this.storage.transaction(async (repos) => {
      if (!(await repos.clients.findById(tenantId, clientId))) throw inexistentClient();
      const existing = await repos.clientCredentials.find(tenantId, clientId, id);
      if (!existing) throw inexistentCredential();
      // As on create (Auth0: expires_at applies to public_key credentials); a certificate credential's
      // life is the certificate's own validity, which authentication checks.
      if (existing.credentialType !== 'public_key' && stored !== null) throw invalid("Payload validation error: 'expires_at' applies to public_key credentials only.");
      if (!(await repos.clientCredentials.setExpiry(tenantId, clientId, id, stored, nowIso()))) throw inexistentCredential();
      return (await repos.clientCredentials.find(tenantId, clientId, id))!;
    });
    await this.invalidate(tenantId, clientId);
    return viewOf(record);
  }

  /** Refused while the application's methods use the credential (docs: unassociate it first). */
  async delete(tenantId: string, tenantName: string, clientId: string, id: string): Promise<void> {
    await this.storage.transaction(async (repos) => {
      const client = await repos.clients.findById(tenantId, clientId);
      if (!client) throw inexistentClient();
      if (!(await repos.clientCredentials.find(tenantId, clientId, id))) throw inexistentCredential();
      if (isAssociated(toClient(client, tenantName), id)) {
        throw invalid('The credential is enabled for client authentication or signed request objects. Remove it from client_authentication_methods and signed_request_object before deleting it.', 'credential_in_use');
      }
      await repos.clientCredentials.delete(tenantId, clientId, id);
    });
    await this.invalidate(tenantId, clientId);
  }

  private invalidate(tenantId: string, clientId: string): Promise<void> {
    return this.bus.publish({ tenantId, kind: CLIENT_CREDENTIAL_KIND, key: clientId });
  }
}
