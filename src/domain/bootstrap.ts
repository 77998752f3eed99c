/**
 * First-start provisioning: the default tenant and, for any tenant, the bootstrap
 * machine-to-machine application authorised for the whole Management API.
 */
import type { Services } from './services.js';
import type { Tenant } from './tenants/tenant-service.js';
import { toClient, type Client } from './clients/client.js';
import { MANAGEMENT_API_SCOPES, TESSERA_EXTENSION_SCOPES } from './management-api-scopes.js';
import { newClientId } from './ids.js';
import { DomainError } from './errors.js';
import { ConfigError } from '../config/config.js';

export interface BootstrapCredentials {
  tenant: string;
  domain: string;
  client_id: string;
  client_secret: string;
  audience: string;
}

/**
 * Hands freshly provisioned credentials to the operator (writes the file, prints them). Called at most
 * once per provisioning, before its completion is recorded: a crash before it ends is provisioned again.
 */
export type BootstrapHandOver = (credentials: BootstrapCredentials) => Promise<void>;

/** A label only: the bootstrap application is identified by the id its tenant records (anyone with `create:clients` can copy a name). */
export const BOOTSTRAP_CLIENT_NAME = 'Tessera Bootstrap (Management API)';

/** Where provisioning reports what an operator should look at (the server's log, the CLI's stderr). */
export type ProvisioningWarn = (message: string) => void;

/**
 * Ensures the tenant's bootstrap application is provisioned, in this order: its id is generated and
 * recorded on the tenant row, then the application is created with that id, then its grant with every
 * Management API scope, then the credentials are handed over, then the completion is recorded on the
 * tenant row (`bootstrap_provisioned_at`). The application is only ever found by that recorded id,
 * never by its name, which anyone with `create:clients` can copy. Until completion each step is
 * re-checked, so a crash anywhere is completed by the next call (a recorded id without its application
 * recreates it with that id, an application without a grant gets one). Once complete nothing is healed:
 * deleting the grant or the application is how an operator revokes it, and the secret is never handed
 * over again. With `fixed` credentials (automation) that id is recorded (a new id is a new provisioning)
 * and the application's secret is set to the given one at every call.
 * Returns whether this call handed the credentials over.
 */
export async function ensureBootstrapClient(
  services: Services,
  tenant: Tenant,
  options: { fixed?: { clientId: string; clientSecret: string } | undefined; warn: ProvisioningWarn; handOver: BootstrapHandOver },
): Promise<{ handedOver: boolean }> {
  const { fixed, warn } = options;
  const audience = await prepareSystemApi(services, tenant);
  const tenants = services.storage.repos.tenants;

  let clientId = await bootstrapClientIdOf(services, tenant, audience, warn, fixed?.clientId);
  if (fixed && clientId !== fixed.clientId) clientId = await tenants.recordBootstrapClientId(tenant.id, fixed.clientId, { onlyIfUnset: false });
  // Recorded before the application exists, so that a crash leaves an id to complete, not a name to guess.
  clientId ??= await tenants.recordBootstrapClientId(tenant.id, newClientId(), { onlyIfUnset: true });

  let client = await storedClient(services, tenant, clientId);
  if ((await tenants.findBootstrap(tenant.id)).provisionedAt) {
    if (!client) warn(`Tenant "${tenant.name}": its bootstrap application ${clientId} was deleted; it is not recreated.`);
    else if (fixed && client.client_secret !== fixed.clientSecret) await services.clients.update(tenant.id, tenant.name, clientId, { client_secret: fixed.clientSecret });
    return { handedOver: false };
  }

  if (!client) client = await createBootstrapClient(services, tenant, clientId, fixed?.clientSecret);
  else if (fixed && client.client_secret !== fixed.clientSecret) {
    client = await services.clients.update(tenant.id, tenant.name, clientId, { client_secret: fixed.clientSecret });
  }
  await ensureGrantExists(services, tenant.id, clientId, audience);
  await options.handOver({ tenant: tenant.name, domain: tenant.domain, audience, client_id: clientId, client_secret: client.client_secret ?? '' });
  await tenants.markBootstrapProvisioned(tenant.id, new Date().toISOString());
  return { handedOver: true };
}

/** True once the tenant's bootstrap provisioning completed (its credentials were handed over). */
export async function isBootstrapProvisioned(services: Services, tenant: Tenant): Promise<boolean> {
  return (await services.storage.repos.tenants.findBootstrap(tenant.id)).provisionedAt !== null;
}

/**
 * At start, for every tenant other than the default one (whose provisioning `ensureBootstrapClient`
 * does): the system API gets the scopes this version defines and a tenant from before the recorded id
 * adopts its application. An unfinished provisioning is left to `tessera tenants create NAME`, which
 * completes it and hands the credentials over; a finished one is never touched.
 */
export async function healTenantProvisioning(services: Services, tenant: Tenant, warn: ProvisioningWarn): Promise<void> {
  const audience = await prepareSystemApi(services, tenant);
  const clientId = await bootstrapClientIdOf(services, tenant, audience, warn);
  // A tenant with no bootstrap application on record was created from the dashboard, which needs
  // none; one with an application but no completed provisioning is an interrupted `tenants create`.
  if (clientId && !(await isBootstrapProvisioned(services, tenant))) {
    warn(`Tenant "${tenant.name}" has no provisioned bootstrap application; \`tessera tenants create ${tenant.name}\` completes its provisioning.`);
  }
}

/** The system API with the scopes this version defines; returns its identifier. */
async function prepareSystemApi(services: Services, tenant: Tenant): Promise<string> {
  await services.resourceServers.healSystemScopes(tenant.id, MANAGEMENT_API_SCOPES);
  const systemApi = await services.resourceServers.findSystem(tenant.id);
  if (!systemApi) throw new Error(`tenant ${tenant.name} has no system API`);
  return systemApi.identifier;
}

/**
 * The recorded bootstrap application id, or for a tenant provisioned before ids were recorded, the
 * application the old provisioning made, adopted (recorded) only when that is unambiguous: the one
 * application with the bootstrap name (or, with fixed credentials, the one with the configured id)
 * AND it already holds a grant for the system API, which only provisioning or a holder of
 * `create:client_grants` can have given it. Adoption also adds, once, the scopes this version
 * introduced, and marks the provisioning complete (its credentials were handed over long ago).
 * Anything else adopts nothing: never grant by name.
 */
async function bootstrapClientIdOf(services: Services, tenant: Tenant, audience: string, warn: ProvisioningWarn, fixedClientId?: string): Promise<string | undefined> {
  const tenants = services.storage.repos.tenants;
  const recorded = (await tenants.findBootstrap(tenant.id)).clientId;
  if (recorded) return recorded;

  let candidates: string[];
  if (fixedClientId) {
    candidates = (await services.storage.repos.clients.findById(tenant.id, fixedClientId)) ? [fixedClientId] : [];
  } else {
    // Two are enough to know the name is ambiguous; the warning names up to ten.
    candidates = await services.storage.repos.clients.idsNamed(tenant.id, BOOTSTRAP_CLIENT_NAME, 10);
  }
  if (candidates.length === 0) return undefined;
  const grant = candidates.length === 1 ? await services.storage.repos.clientGrants.findFor(tenant.id, candidates[0]!, audience, 'client') : undefined;
  // With fixed credentials the configured id is recorded and provisioned anyway: nothing to warn about.
  if (!grant && fixedClientId) return undefined;
  if (!grant) {
    warn(
      `Tenant "${tenant.name}": not adopting ${candidates.length === 1 ? 'the application' : `the ${candidates.length} applications`} named "${BOOTSTRAP_CLIENT_NAME}" ` +
        `(${candidates.join(', ')}) as its bootstrap application: ${candidates.length === 1 ? 'it holds no Management API grant' : 'the name is ambiguous'}. ` +
        'They keep whatever grants they have; delete those that are not yours.',
    );
    return undefined;
  }
  const held = new Set((grant.document.scope as string[] | undefined) ?? []);
  const introduced = TESSERA_EXTENSION_SCOPES.filter((scope) => !held.has(scope));
  if (introduced.length > 0) await services.clientGrants.update(tenant.id, grant.id, { scope: [...held, ...introduced] });
  const adopted = await tenants.recordBootstrapClientId(tenant.id, candidates[0]!, { onlyIfUnset: true });
  // Not if another instance recorded a fresh id meanwhile: that one's provisioning is still under way.
  if (adopted === candidates[0]) await tenants.markBootstrapProvisioned(tenant.id, new Date().toISOString());
  return adopted;
}

/** Read from the database, not the client cache: that may still hold a miss from before another instance created it. */
async function storedClient(services: Services, tenant: Tenant, clientId: string): Promise<Client | undefined> {
  const record = await services.storage.repos.clients.findById(tenant.id, clientId);
  return record ? toClient(record, tenant.name) : undefined;
}

async function createBootstrapClient(services: Services, tenant: Tenant, clientId: string, clientSecret?: string): Promise<Client> {
  try {
    return await services.clients.create(tenant.id, tenant.name, {
      name: BOOTSTRAP_CLIENT_NAME,
      app_type: 'non_interactive',
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'client_secret_post',
      client_id: clientId,
      ...(clientSecret ? { client_secret: clientSecret } : {}),
    });
  } catch (error) {
    // Several instances starting at once on an empty database race to create it; one wins.
    const winner = await storedClient(services, tenant, clientId);
    if (winner) return winner;
    throw error;
  }
}

/**
 * The bootstrap application's grant, with every Management API scope, created if missing (a
 * provisioning that stopped after creating the application). An existing grant is never changed here.
 */
async function ensureGrantExists(services: Services, tenantId: string, clientId: string, audience: string): Promise<void> {
  if (await services.storage.repos.clientGrants.findFor(tenantId, clientId, audience, 'client')) return;
  try {
    await services.clientGrants.create(tenantId, { client_id: clientId, audience, scope: [...MANAGEMENT_API_SCOPES] });
  } catch (error) {
    if (!(await services.storage.repos.clientGrants.findFor(tenantId, clientId, audience, 'client'))) throw error;
  }
}

export async function ensureTenant(services: Services, name: string): Promise<{ tenant: Tenant; created: boolean }> {
  const existing = await services.tenants.findByName(name);
  if (existing) return { tenant: existing, created: false };
  try {
    return { tenant: await services.tenants.create(name), created: true };
  } catch (error) {
    // A name the rules refuse is the configuration's mistake: say which variable holds it.
    if (error instanceof DomainError && (error.code === 'invalid_tenant_name' || error.code === 'reserved_tenant_name')) throw new ConfigError('TESSERA_DEFAULT_TENANT', `was refused: ${error.message}`);
    // Another instance created it between our read and our insert.
    const created = await services.tenants.findByName(name);
    if (created) return { tenant: created, created: false };
    throw error;
  }
}
