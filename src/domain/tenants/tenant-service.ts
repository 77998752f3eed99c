/**
 * Tenants: creation (keys, system API), deletion (tombstoned: the name is never reused),
 * resolution of a request's Host to a tenant (custom domains: custom-domains.ts), and settings.
 */
import type { Storage } from '../../storage/storage.js';
import type { EnvironmentTag, TenantKind, TenantRecord } from '../../storage/repositories/tenants.js';
import type { InvalidationBus } from '../../storage/cache/invalidation-bus.js';
import { EntityCache, TENANT_KIND } from '../../storage/cache/entity-cache.js';
import type { SigningKeyService } from '../keys/signing-key-service.js';
import { buildResourceServer } from '../resource-servers/resource-server-service.js';
import { checkDefaultDirectory, createDefaultConnection } from '../connections/connection-service.js';
import { MANAGEMENT_API_NAME, MANAGEMENT_API_SCOPES, MANAGEMENT_API_PATH, managementApiScopeEntries } from '../management-api-scopes.js';
import type { PublicOrigin } from './public-origin.js';
import { conflict, invalid, notFound } from '../errors.js';
import { newTenantId } from '../ids.js';
import { nowIso } from '../clock.js';
import { reservedNameProblem, tenantNameProblem } from './tenant-names.js';
import { applyTenantSettingsPatch, defaultTenantSettings, type TenantSettings } from './tenant-settings.js';
import { applyBrandingPatch, type Branding } from './branding.js';
import { UNSUPPORTED_TENANT_SETTINGS, refuseUnsupportedSettings } from '../unsupported-settings.js';

export interface Tenant {
  id: string;
  name: string;
  /** 'admin' only for the control plane's admin tenant (served on the admin host alone). */
  kind: TenantKind;
  environmentTag: EnvironmentTag;
  /** Canonical domain, `{name}.{base domain}` (the admin host for the admin tenant). */
  domain: string;
  settings: TenantSettings;
  branding: Branding;
  createdAt: string;
}

/**
 * What a host name serves: the tenant, and for a custom domain the header its client IP comes from
 * and its `domain_metadata` (what `{custom_domain.metadata.KEY}` URL placeholders resolve to).
 */
interface HostEntry {
  tenantId: string;
  clientIpHeader?: string;
  customDomainMetadata?: Readonly<Record<string, string>>;
}

/** Host → tenant id is global (not per tenant), so it lives under one pseudo-tenant key. */
const HOSTS = '*';
/** The invalidation kind of the host cache; only this service publishes it (and TENANT_KIND). */
const HOST_KIND = 'tenant-host';

export type { EnvironmentTag, TenantKind };
export const ENVIRONMENT_TAGS: readonly EnvironmentTag[] = ['development', 'staging', 'production'];
/** The stored name of the admin tenant: underscores are refused in customer names, so no tenant can take it. */
export const ADMIN_TENANT_NAME = '_admin';

export class TenantService {
  private readonly tenants: EntityCache<Tenant>;
  private readonly hosts: EntityCache<HostEntry>;

  constructor(
    private readonly storage: Storage,
    private readonly bus: InvalidationBus,
    private readonly keys: SigningKeyService,
    readonly baseDomain: string,
    readonly defaultTenantName: string,
    readonly publicOrigin: PublicOrigin,
    /** The admin tenant's one host (TESSERA_ADMIN_HOST). */
    readonly adminHost: string = `manage.${baseDomain}`,
  ) {
    this.tenants = new EntityCache<Tenant>(TENANT_KIND, bus, { max: 10_000 });
    // Host names are at most 255 characters (server/request-bounds.ts): about 640 bytes an entry.
    this.hosts = new EntityCache<HostEntry>(HOST_KIND, bus, { max: 50_000, maxBytes: 50_000 * 640, valueBytes: 100, ttlMs: 60_000 });
  }

  domainOf(name: string): string {
    return `${name}.${this.baseDomain}`;
  }

  private toTenant(record: TenantRecord<TenantSettings>): Tenant {
    const domain = record.kind === 'admin' ? this.adminHost : this.domainOf(record.name);
    // The environment tag has one home, the tenants column (the dashboard's and /api/v2/tenants/settings'
    // tag are the same value); the settings document carries it for the Management API's answers.
    const settings = { ...record.settings, environment_tag: record.environmentTag };
    return { id: record.id, name: record.name, kind: record.kind, environmentTag: record.environmentTag, domain, settings, branding: record.branding as Branding, createdAt: record.createdAt };
  }

  /** A customer tenant, with the documented name rules and reserved names (checked on create only). */
  async create(name: string, options: { environmentTag?: EnvironmentTag } = {}): Promise<Tenant> {
    const problem = tenantNameProblem(name);
    if (problem) throw invalid(`Tenant name ${problem}.`, 'invalid_tenant_name');
    const reserved = reservedNameProblem(name);
    if (reserved) throw invalid(`Tenant name ${reserved}.`, 'reserved_tenant_name');
    if (name === this.adminHostLabel()) throw invalid(`Tenant name "${name}" is the admin host's label and cannot be used.`, 'reserved_tenant_name');
    return this.insertTenant(name, 'customer', options.environmentTag ?? 'development');
  }

  /**
   * The control plane's admin tenant (domain/control-plane/admin-tenant.ts calls this once): the same
   * provisioning as a customer tenant (keys, system API, default connection) under the reserved name,
   * with the admin host as its domain.
   */
  async createAdmin(): Promise<Tenant> {
    return this.insertTenant(ADMIN_TENANT_NAME, 'admin', 'production');
  }

  /** The admin tenant, when it exists. */
  async findAdmin(): Promise<Tenant | undefined> {
    const tenant = await this.findByName(ADMIN_TENANT_NAME);
    return tenant?.kind === 'admin' ? tenant : undefined;
  }

  /** The label the admin host takes under the base domain (`manage`), if it is directly under it. */
  adminHostLabel(): string | undefined {
    const suffix = `.${this.baseDomain}`;
    if (!this.adminHost.endsWith(suffix)) return undefined;
    const label = this.adminHost.slice(0, -suffix.length);
    return label.includes('.') ? undefined : label;
  }

  private async insertTenant(name: string, kind: TenantKind, environmentTag: EnvironmentTag): Promise<Tenant> {
    const tenant = await this.storage.transaction(async (repos) => {
      const existing = await repos.tenants.findByName(name);
      if (existing) {
        throw conflict(
          existing.deletedAt ? `The tenant name "${name}" belonged to a deleted tenant and cannot be reused.` : `A tenant named "${name}" already exists.`,
          'tenant_name_taken',
        );
      }
      const record: TenantRecord<TenantSettings> = { id: newTenantId(), name, settings: defaultTenantSettings(), branding: {}, createdAt: nowIso(), deletedAt: null, kind, environmentTag };
      await repos.tenants.insert(record);
      const domain = kind === 'admin' ? this.adminHost : this.domainOf(name);
      await this.keys.createKeyFamily(repos, record.id, domain, 'RS256');
      const systemApi = buildResourceServer({
        name: MANAGEMENT_API_NAME,
        identifier: kind === 'admin' ? `${this.publicOrigin.originFor(this.adminHost)}/api/v2/` : this.publicOrigin.managementApiIdentifier(name),
        is_system: true,
        token_lifetime: 86_400,
        scopes: managementApiScopeEntries(MANAGEMENT_API_SCOPES),
      });
      const { id, identifier, is_system, ...document } = systemApi;
      await repos.resourceServers.insert({ tenantId: record.id, id, identifier, isSystem: is_system, document, createdAt: record.createdAt, updatedAt: record.createdAt });
      await createDefaultConnection(repos, record.id, record.createdAt);
      return this.toTenant(record);
    });
    await this.invalidateHosts();
    return tenant;
  }

  async delete(name: string): Promise<void> {
    const tenant = await this.findByName(name);
    if (!tenant || tenant.kind === 'admin') throw notFound(`Tenant "${name}" not found.`, 'inexistent_tenant');
    // The default tenant is recreated at every start and served on the bare base domain: deleting it
    // would burn its name and stop the next start.
    if (name === this.defaultTenantName) throw conflict(`The default tenant "${name}" (TESSERA_DEFAULT_TENANT) cannot be deleted.`, 'default_tenant');
    await this.storage.transaction((repos) => repos.tenants.markDeleted(tenant.id, nowIso()));
    await this.invalidateTenant(tenant.id);
    await this.invalidateHosts();
  }

  async setEnvironmentTag(tenantId: string, tag: EnvironmentTag): Promise<void> {
    if (!ENVIRONMENT_TAGS.includes(tag)) throw invalid(`environment_tag must be one of ${ENVIRONMENT_TAGS.join(', ')}.`, 'invalid_body');
    await this.storage.transaction((repos) => repos.tenants.updateEnvironmentTag(tenantId, tag));
    await this.invalidateTenant(tenantId);
  }

  async findByName(name: string): Promise<Tenant | undefined> {
    const record = await this.storage.repos.tenants.findByName<TenantSettings>(name);
    return record && !record.deletedAt ? this.toTenant(record) : undefined;
  }

  /** Customer tenants only: the admin tenant is never listed, healed or swept as one of them. */
  async list(): Promise<Tenant[]> {
    return (await this.storage.repos.tenants.listActive<TenantSettings>()).map((r) => this.toTenant(r));
  }

  async getById(tenantId: string): Promise<Tenant | null> {
    return this.tenants.get(tenantId, 'self', async () => {
      const record = await this.storage.repos.tenants.findActiveById<TenantSettings>(tenantId);
      return record ? this.toTenant(record) : undefined;
    });
  }

  /**
   * The tenant a request is for, from its host name (port already removed): the admin host is the
   * admin tenant, the bare base domain is the default tenant, `{name}.{base}` is that customer
   * tenant, anything else must be a registered custom domain. Unknown hosts resolve to nothing,
   * never to a fallback; the admin tenant has no other host.
   */
  async resolveHost(hostname: string): Promise<Tenant | null> {
    const host = normalizeHost(hostname);
    const entry = await this.hosts.get(HOSTS, host, async () => {
      let tenantId: string | undefined;
      let clientIpHeader: string | null = null;
      let customDomainMetadata: Record<string, string> | undefined;
      const name = this.tenantNameForHost(host);
      if (host === this.adminHost) {
        const record = await this.storage.repos.tenants.findByName(ADMIN_TENANT_NAME);
        tenantId = record?.kind === 'admin' && !record.deletedAt ? record.id : undefined;
      } else if (name !== undefined) {
        const record = await this.storage.repos.tenants.findByName(name);
        tenantId = record?.kind === 'customer' ? record.id : undefined;
      } else {
        const domain = await this.storage.repos.tenants.findServingDomain(host);
        tenantId = domain?.tenantId;
        clientIpHeader = domain?.customClientIpHeader ?? null;
        customDomainMetadata = domain ? Object.freeze({ ...domain.metadata }) : undefined;
      }
      return tenantId ? { tenantId, ...(clientIpHeader ? { clientIpHeader } : {}), ...(customDomainMetadata ? { customDomainMetadata } : {}) } : undefined;
    });
    return entry ? this.getById(entry.tenantId) : null;
  }

  /** resolveHost from cache only: undefined when the answer is not cached yet. */
  peekHost(hostname: string): Tenant | null | undefined {
    const entry = this.hosts.peek(HOSTS, normalizeHost(hostname));
    if (entry === null) return null;
    if (entry === undefined) return undefined;
    return this.tenants.peek(entry.tenantId, 'self');
  }

  /**
   * Whether `hostname`, a host a request was resolved to a tenant by, is one of its custom domains
   * rather than a canonical host (`{name}.{base}`, the bare base domain, the admin host). What Auth0
   * serves on a custom domain only asks this: the JWKS with the customer-provided signing keys.
   */
  isCustomDomainHost(hostname: string): boolean {
    const host = normalizeHost(hostname);
    return host !== this.adminHost && this.tenantNameForHost(host) === undefined;
  }

  /**
   * What a custom domain adds to the requests on it, from the cache entry resolveHost has just
   * answered for `hostname` (one look-up, no read per request): the header its client IP address
   * comes from (`custom_client_ip_header`) and its `domain_metadata`. Empty for a canonical host.
   */
  customDomainOf(hostname: string): Pick<HostEntry, 'clientIpHeader' | 'customDomainMetadata'> {
    return this.hosts.peek(HOSTS, normalizeHost(hostname)) ?? {};
  }

  private tenantNameForHost(host: string): string | undefined {
    if (host === this.baseDomain) return this.defaultTenantName;
    const suffix = `.${this.baseDomain}`;
    if (!host.endsWith(suffix)) return undefined;
    const label = host.slice(0, -suffix.length);
    return label.includes('.') ? undefined : label;
  }

  /**
   * True when `url` is `{http|https}://{a host of this tenant}{path}` with nothing else: how issuers
   * and the Management API audience are recognised whichever of the tenant's hosts minted them.
   */
  async isTenantUrl(tenantId: string, url: string, path: string): Promise<boolean> {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return false;
    }
    if (parsed.pathname !== path || parsed.search || parsed.hash || parsed.username || parsed.password || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) return false;
    const tenant = await this.resolveHost(parsed.hostname);
    return tenant?.id === tenantId;
  }

  /**
   * The one rule for "this URL names the tenant's Management API": `/api/v2/` on any host of the
   * tenant, http or https, with or without a port (SDKs compute it from whatever domain they were
   * given). Token requests, client grants, API creation (no custom API may take an alias) and the
   * audience check of /api/v2 all ask this.
   */
  async isManagementApiAlias(tenantId: string, url: string): Promise<boolean> {
    return this.isTenantUrl(tenantId, url, MANAGEMENT_API_PATH);
  }

  /** PATCH semantics as Auth0's: `colors` and `font` merge, `null` removes a field. */
  async updateBranding(tenantId: string, patch: Record<string, unknown>): Promise<Branding> {
    const branding = await this.storage.transaction(async (repos) => {
      const record = await repos.tenants.findActiveById<TenantSettings>(tenantId);
      if (!record) throw notFound('Tenant not found.', 'inexistent_tenant');
      const next = applyBrandingPatch(record.branding as Branding, patch);
      await repos.tenants.updateBranding(tenantId, next as Record<string, unknown>);
      return next;
    });
    await this.invalidateTenant(tenantId);
    return branding;
  }

  async updateSettings(tenantId: string, patch: Record<string, unknown>): Promise<TenantSettings> {
    refuseUnsupportedSettings(UNSUPPORTED_TENANT_SETTINGS, patch);
    const settings = await this.storage.transaction(async (repos) => {
      const record = await repos.tenants.findActiveById<TenantSettings>(tenantId);
      if (!record) throw notFound('Tenant not found.', 'inexistent_tenant');
      const { environment_tag: tag, ...rest } = applyTenantSettingsPatch(record.settings, patch);
      if (typeof patch.default_directory === 'string') await checkDefaultDirectory(repos, tenantId, patch.default_directory);
      await repos.tenants.updateSettings(tenantId, rest);
      // Stored in its column only (see toTenant).
      const environmentTag = patch.environment_tag !== undefined && tag ? tag : record.environmentTag;
      if (environmentTag !== record.environmentTag) await repos.tenants.updateEnvironmentTag(tenantId, environmentTag);
      return { ...rest, environment_tag: environmentTag };
    });
    await this.invalidateTenant(tenantId);
    return settings;
  }

  /** After a committed change to a tenant: every cache drops the tenant's entries (TENANT_KIND). */
  private invalidateTenant(tenantId: string): Promise<void> {
    return this.bus.publish({ tenantId, kind: TENANT_KIND });
  }

  /**
   * After a committed change to the host names (a tenant created or deleted, a custom domain created,
   * verified, changed or deleted: custom-domains.ts): every cached host → tenant answer goes, misses included.
   */
  invalidateHosts(): Promise<void> {
    return this.bus.publish({ tenantId: HOSTS, kind: HOST_KIND });
  }
}

const normalizeHost = (hostname: string): string => hostname.toLowerCase().replace(/\.$/, '');
