/**
 * A tenant's custom domains (`/api/v2/custom-domains`, `tessera tenants add-domain`): Auth0's object,
 * with the rules that decide which host names may serve a tenant.
 *
 * - Only `self_managed_certs`: Tessera serves the certificate it is configured with (TLS_CERT_FILE) or
 *   sits behind the customer's TLS-terminating proxy; it obtains no certificates, so
 *   `auth0_managed_certs` is refused.
 * - A domain is created `pending_verification` with a random token; `verify` looks for the TXT record
 *   Auth0 shows (`_cf-custom-hostname.{domain}`) carrying it, and the domain becomes `ready`. Only a
 *   ready domain serves the tenant (TenantService.resolveHost). The operator's `tessera tenants
 *   add-domain` creates it ready at once: whoever runs the server controls what it serves.
 * - A host name belongs to one tenant at most, whatever its status; the admin host and names under
 *   the base domain (the tenants' own hosts) are never custom domains.
 * - `custom_client_ip_header` is accepted only on a server that trusts proxies (TRUST_PROXY), the only
 *   case where server/client-ip-header.ts applies it.
 * Every committed change drops the host → tenant cache on every instance (TenantService.invalidateHosts).
 */
import type { Storage } from '../../storage/storage.js';
import type { CustomDomainRecord, CustomDomainStatus } from '../../storage/repositories/tenants.js';
import { conflict, invalid, notFound } from '../errors.js';
import { nowIso } from '../clock.js';
import { randomAlphanumeric } from '../ids.js';
import { randomBytes } from 'node:crypto';
import type { Tenant, TenantService } from './tenant-service.js';
import type { TxtResolver } from './dns-txt.js';
import { MTLS_ALIAS_PREFIX } from './public-origin.js';

export type { CustomDomainStatus };

export const CUSTOM_DOMAIN_TYPES = ['auth0_managed_certs', 'self_managed_certs'] as const;
export const TLS_POLICIES = ['recommended'] as const;
/** Auth0's values; '' is the SDK's "none", as null. */
export const CLIENT_IP_HEADERS = ['true-client-ip', 'cf-connecting-ip', 'x-forwarded-for', 'x-azure-clientip', ''] as const;
/** Auth0: at most 10 metadata properties, string values of at most 255 characters (keys bounded alike). */
export const METADATA_LIMITS = { keys: 10, keyLength: 255, valueLength: 255 } as const;
/** Auth0's Multiple Custom Domains base entitlement; also bounds what one tenant can write. */
export const MAX_CUSTOM_DOMAINS_PER_TENANT = 20;

/** Where Auth0 asks for the TXT record of a self-managed domain, and so where Tessera looks. */
export const verificationRecordName = (domain: string): string => `_cf-custom-hostname.${domain}`;
const verificationRecordValue = (token: string): string => `tessera-domain-verification=${token}`;

export interface CustomDomain {
  custom_domain_id: string;
  domain: string;
  primary: boolean;
  status: CustomDomainStatus;
  type: string;
  verification: {
    methods: { name: 'txt'; record: string; domain: string }[];
    status: 'verified' | 'pending';
    error_msg?: string;
    last_verified_at?: string;
  };
  custom_client_ip_header: string | null;
  tls_policy: string;
  domain_metadata: Record<string, string>;
}

export interface CustomDomainCreate {
  domain: string;
  type: string;
  verification_method?: string;
  tls_policy?: string;
  custom_client_ip_header?: string | null;
  domain_metadata?: Record<string, string | null>;
}

export interface CustomDomainPatch {
  tls_policy?: string;
  custom_client_ip_header?: string | null;
  domain_metadata?: Record<string, string | null>;
}

/** A DNS host name: letters, digits and hyphens, two labels at least, the last one not numeric (no IP addresses). */
const HOST_NAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

const toCustomDomain = (record: CustomDomainRecord, errorMessage?: string): CustomDomain => ({
  custom_domain_id: record.id,
  domain: record.domain,
  // Auth0's legacy flag of a tenant's one custom domain; Tessera's domains are all equal.
  primary: false,
  status: record.status,
  type: record.type,
  verification: {
    methods: [{ name: 'txt', record: verificationRecordValue(record.verificationToken), domain: verificationRecordName(record.domain) }],
    status: record.status === 'ready' ? 'verified' : 'pending',
    ...(errorMessage ? { error_msg: errorMessage } : {}),
    ...(record.verifiedAt ? { last_verified_at: record.verifiedAt } : {}),
  },
  custom_client_ip_header: record.customClientIpHeader,
  tls_policy: record.tlsPolicy,
  domain_metadata: record.metadata,
});

export class CustomDomainService {
  constructor(
    private readonly storage: Storage,
    private readonly tenants: TenantService,
    private readonly resolveTxt: TxtResolver,
    /**
     * Whether the server believes client addresses from proxies (TRUST_PROXY): only then can a
     * domain's `custom_client_ip_header` take effect (server/client-ip-header.ts), so only then is it accepted.
     */
    private readonly proxiesTrusted: boolean,
  ) {}

  async list(tenantId: string): Promise<CustomDomain[]> {
    return (await this.storage.repos.tenants.listDomains(tenantId)).map((r) => toCustomDomain(r));
  }

  async get(tenantId: string, id: string): Promise<CustomDomain> {
    return toCustomDomain(await this.find(tenantId, id));
  }

  async create(tenant: Tenant, body: CustomDomainCreate): Promise<CustomDomain> {
    return toCustomDomain(await this.insert(tenant, body, 'pending_verification'));
  }

  /**
   * `tessera tenants add-domain`: a self-managed domain, ready at once (the operator controls the
   * server, so there is nothing to prove). The admin tenant has exactly one host.
   */
  async addVerified(tenantName: string, domain: string): Promise<CustomDomain> {
    const tenant = await this.tenants.findByName(tenantName);
    if (!tenant || tenant.kind === 'admin') throw notFound(`Tenant "${tenantName}" not found.`, 'inexistent_tenant');
    return toCustomDomain(await this.insert(tenant, { domain, type: 'self_managed_certs' }, 'ready'));
  }

  async update(tenantId: string, id: string, patch: CustomDomainPatch): Promise<CustomDomain> {
    this.checkClientIpHeader(patch.custom_client_ip_header);
    const record = await this.storage.transaction(async (repos) => {
      const current = await repos.tenants.findDomain(tenantId, id);
      if (!current) throw notFoundDomain();
      const next: CustomDomainRecord = {
        ...current,
        ...(patch.tls_policy !== undefined ? { tlsPolicy: patch.tls_policy } : {}),
        ...(patch.custom_client_ip_header !== undefined ? { customClientIpHeader: patch.custom_client_ip_header || null } : {}),
        ...(patch.domain_metadata !== undefined ? { metadata: mergeMetadata(current.metadata, patch.domain_metadata) } : {}),
      };
      await repos.tenants.updateDomain(next);
      return next;
    });
    await this.tenants.invalidateHosts();
    return toCustomDomain(record);
  }

  async delete(tenantId: string, id: string): Promise<void> {
    const deleted = await this.storage.transaction((repos) => repos.tenants.deleteDomain(tenantId, id));
    if (!deleted) throw notFoundDomain();
    await this.tenants.invalidateHosts();
  }

  /**
   * Looks for the TXT record; when it carries the token, the domain becomes ready (and stays so:
   * a ready domain is not checked again). Otherwise it stays pending and the answer says why.
   */
  async verify(tenantId: string, id: string): Promise<CustomDomain> {
    const current = await this.find(tenantId, id);
    if (current.status === 'ready') return toCustomDomain(current);
    const name = verificationRecordName(current.domain);
    const expected = verificationRecordValue(current.verificationToken);
    let records: string[];
    try {
      records = await this.resolveTxt(name);
    } catch (error) {
      return toCustomDomain(current, `The DNS look-up of the TXT record ${name} failed (${(error as NodeJS.ErrnoException).code ?? 'error'}); try again later.`);
    }
    if (!records.some((record) => record.trim() === expected)) {
      return toCustomDomain(current, `No TXT record ${name} with the value ${expected} was found.`);
    }
    const verified = await this.storage.transaction(async (repos) => {
      const latest = await repos.tenants.findDomain(tenantId, id);
      // Deleted meanwhile: nothing to verify any more.
      if (!latest) throw notFoundDomain();
      const next: CustomDomainRecord = { ...latest, status: 'ready', verifiedAt: latest.verifiedAt ?? nowIso() };
      await repos.tenants.updateDomain(next);
      return next;
    });
    await this.tenants.invalidateHosts();
    return toCustomDomain(verified);
  }

  private async find(tenantId: string, id: string): Promise<CustomDomainRecord> {
    const record = await this.storage.repos.tenants.findDomain(tenantId, id);
    if (!record) throw notFoundDomain();
    return record;
  }

  private async insert(tenant: Tenant, body: CustomDomainCreate, status: CustomDomainStatus): Promise<CustomDomainRecord> {
    this.checkClientIpHeader(body.custom_client_ip_header);
    if (body.type !== 'self_managed_certs') {
      throw invalid(
        'type "auth0_managed_certs" is not supported by this server: it obtains no certificates. Use "self_managed_certs" and serve the domain through your own TLS certificate or proxy.',
        'invalid_body',
      );
    }
    const domain = this.checkDomainName(body.domain);
    const record: CustomDomainRecord = {
      tenantId: tenant.id,
      id: `cd_${randomAlphanumeric(16)}`,
      domain,
      status,
      type: body.type,
      verificationToken: randomBytes(24).toString('base64url'),
      customClientIpHeader: body.custom_client_ip_header || null,
      tlsPolicy: body.tls_policy ?? 'recommended',
      metadata: mergeMetadata({}, body.domain_metadata ?? {}),
      createdAt: nowIso(),
      verifiedAt: status === 'ready' ? nowIso() : null,
    };
    await this.storage.transaction(async (repos) => {
      // Checked in the transaction that inserts: both dialects run it as if alone, so two requests
      // for one name cannot both pass.
      if (await repos.tenants.findDomainByName(domain)) throw conflict(`The domain ${domain} is already registered.`, 'domain_taken');
      // `mtls.{x}` is the mTLS alias of `{x}` (server/tenant-resolution.ts): another tenant may not own
      // the alias of a tenant's custom domain, nor a domain whose alias another tenant already owns.
      const aliased = domain.startsWith(MTLS_ALIAS_PREFIX) ? await repos.tenants.findDomainByName(domain.slice(MTLS_ALIAS_PREFIX.length)) : undefined;
      if (aliased && aliased.tenantId !== tenant.id) throw conflict(`The domain ${domain} is the mTLS alias of another tenant's custom domain.`, 'domain_taken');
      const alias = await repos.tenants.findDomainByName(`${MTLS_ALIAS_PREFIX}${domain}`);
      if (alias && alias.tenantId !== tenant.id) throw conflict(`The mTLS alias of ${domain} (${MTLS_ALIAS_PREFIX}${domain}) is another tenant's custom domain.`, 'domain_taken');
      if ((await repos.tenants.listDomains(tenant.id)).length >= MAX_CUSTOM_DOMAINS_PER_TENANT) {
        throw invalid(`A tenant can have at most ${MAX_CUSTOM_DOMAINS_PER_TENANT} custom domains.`, 'too_many_custom_domains');
      }
      await repos.tenants.insertDomain(record);
    });
    await this.tenants.invalidateHosts();
    return record;
  }

  private checkClientIpHeader(header: string | null | undefined): void {
    if (header && !this.proxiesTrusted) {
      throw invalid(
        'custom_client_ip_header needs TRUST_PROXY on this server: the header is believed only from the proxies it names. Leave it null, or set TRUST_PROXY to your proxy\'s addresses.',
      );
    }
  }

  /** The host name, lower-cased, or a 400 saying why it cannot be one of a tenant's custom domains. */
  private checkDomainName(raw: string): string {
    const domain = raw.toLowerCase();
    if (!HOST_NAME.test(domain)) throw invalid(`domain must be a DNS host name such as login.example.com (got "${raw}").`, 'invalid_domain');
    if (domain === this.tenants.adminHost) throw invalid('The admin host cannot be a custom domain.', 'invalid_domain');
    const base = this.tenants.baseDomain;
    if (domain === base || domain.endsWith(`.${base}`)) throw invalid(`A custom domain cannot be under the base domain ${base}.`, 'invalid_domain');
    return domain;
  }
}

const notFoundDomain = () => notFound('The custom domain does not exist.', 'inexistent_custom_domain');

/** Auth0's metadata PATCH: keys merge, a null value removes its key; the result obeys the limits. */
function mergeMetadata(current: Record<string, string>, patch: Record<string, string | null>): Record<string, string> {
  const next: Record<string, string> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (key.length === 0 || key.length > METADATA_LIMITS.keyLength) throw invalid(`domain_metadata keys must have 1 to ${METADATA_LIMITS.keyLength} characters.`);
    if (value === null) delete next[key];
    else if (typeof value !== 'string' || value.length > METADATA_LIMITS.valueLength) throw invalid(`domain_metadata.${key} must be a string of at most ${METADATA_LIMITS.valueLength} characters.`);
    else next[key] = value;
  }
  if (Object.keys(next).length > METADATA_LIMITS.keys) throw invalid(`domain_metadata can have at most ${METADATA_LIMITS.keys} properties.`);
  return next;
}
