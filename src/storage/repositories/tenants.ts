/**
 * The tenant registry. This is the one repository that is not scoped by a tenant id,
 * because it is how a request's tenant is found in the first place.
 */
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../schema.js';
import { fromJson, toJson } from './json.js';

export interface TenantRecord<Settings = Record<string, unknown>> {
  id: string;
  name: string;
  settings: Settings;
  /** Universal Login branding (`/api/v2/branding`), as stored. */
  branding: Record<string, unknown>;
  createdAt: string;
  deletedAt: string | null;
  /** 'customer', or 'admin' for the control plane's admin tenant. */
  kind: TenantKind;
  /** Auth0's environment tag. */
  environmentTag: EnvironmentTag;
}

export type TenantKind = 'customer' | 'admin';
export type EnvironmentTag = 'development' | 'staging' | 'production';

type Row = Selectable<Database['tenants']>;

const toRecord = <S>(row: Row): TenantRecord<S> => ({
  id: row.id,
  name: row.name,
  settings: fromJson<S>(row.settings),
  branding: fromJson(row.branding),
  createdAt: row.created_at,
  deletedAt: row.deleted_at,
  kind: row.kind === 'admin' ? 'admin' : 'customer',
  environmentTag: row.environment_tag as EnvironmentTag,
});

export class TenantsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(tenant: TenantRecord<unknown>): Promise<void> {
    await this.db
      .insertInto('tenants')
      .values({ id: tenant.id, name: tenant.name, settings: toJson(tenant.settings), branding: toJson(tenant.branding), created_at: tenant.createdAt, deleted_at: null, bootstrap_client_id: null, bootstrap_provisioned_at: null, kind: tenant.kind, environment_tag: tenant.environmentTag })
      .execute();
  }

  /** Also finds deleted tenants: a deleted tenant's name stays taken forever. */
  async findByName<S>(name: string): Promise<TenantRecord<S> | undefined> {
    const row = await this.db.selectFrom('tenants').selectAll().where('name', '=', name).executeTakeFirst();
    return row ? toRecord<S>(row) : undefined;
  }

  async findActiveById<S>(id: string): Promise<TenantRecord<S> | undefined> {
    const row = await this.db.selectFrom('tenants').selectAll().where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
    return row ? toRecord<S>(row) : undefined;
  }

  /** Active tenants of one kind, by name. */
  async listActive<S>(kind: TenantKind = 'customer'): Promise<TenantRecord<S>[]> {
    const rows = await this.db.selectFrom('tenants').selectAll().where('deleted_at', 'is', null).where('kind', '=', kind).orderBy('name').execute();
    return rows.map((row) => toRecord<S>(row));
  }

  async updateEnvironmentTag(id: string, tag: EnvironmentTag): Promise<void> {
    await this.db.updateTable('tenants').set({ environment_tag: tag }).where('id', '=', id).execute();
  }

  async updateBranding(id: string, branding: Record<string, unknown>): Promise<void> {
    await this.db.updateTable('tenants').set({ branding: toJson(branding) }).where('id', '=', id).execute();
  }

  async updateSettings(id: string, settings: unknown): Promise<void> {
    await this.db.updateTable('tenants').set({ settings: toJson(settings) }).where('id', '=', id).execute();
  }

  /**
   * The tenant's bootstrap application (null when none is on record) and when its provisioning
   * completed (null until then). Kept out of TenantRecord: only provisioning (domain/bootstrap.ts)
   * reads or writes them.
   */
  async findBootstrap(id: string): Promise<{ clientId: string | null; provisionedAt: string | null }> {
    const row = await this.db.selectFrom('tenants').select(['bootstrap_client_id', 'bootstrap_provisioned_at']).where('id', '=', id).executeTakeFirst();
    return { clientId: row?.bootstrap_client_id ?? null, provisionedAt: row?.bootstrap_provisioned_at ?? null };
  }

  /**
   * Records the bootstrap application's id. With `onlyIfUnset`, an id already on record (another
   * instance provisioning at the same moment) is kept. A different id is a new application, whose
   * provisioning is not complete yet. Returns the id on record afterwards.
   */
  async recordBootstrapClientId(id: string, clientId: string, options: { onlyIfUnset: boolean }): Promise<string> {
    let update = this.db.updateTable('tenants').set({ bootstrap_client_id: clientId, bootstrap_provisioned_at: null }).where('id', '=', id);
    update = options.onlyIfUnset
      ? update.where('bootstrap_client_id', 'is', null)
      : update.where((eb) => eb.or([eb('bootstrap_client_id', 'is', null), eb('bootstrap_client_id', '!=', clientId)]));
    await update.execute();
    const recorded = (await this.findBootstrap(id)).clientId;
    if (!recorded) throw new Error(`tenant ${id} does not exist`);
    return recorded;
  }

  /** Records that the bootstrap provisioning completed; the first time recorded is kept. */
  async markBootstrapProvisioned(id: string, at: string): Promise<void> {
    await this.db.updateTable('tenants').set({ bootstrap_provisioned_at: at }).where('id', '=', id).where('bootstrap_provisioned_at', 'is', null).execute();
  }

  async markDeleted(id: string, at: string): Promise<void> {
    await this.db.updateTable('tenants').set({ deleted_at: at }).where('id', '=', id).execute();
    await this.db.deleteFrom('tenant_domains').where('tenant_id', '=', id).execute();
  }

  /** Inserts a custom domain (the caller checked, in the same transaction, that the name is free). */
  async insertDomain(domain: CustomDomainRecord): Promise<void> {
    await this.db.insertInto('tenant_domains').values(toDomainRow(domain)).execute();
  }

  async updateDomain(domain: CustomDomainRecord): Promise<void> {
    const { tenant_id, id, domain: name, created_at, ...changes } = toDomainRow(domain);
    await this.db.updateTable('tenant_domains').set(changes).where('tenant_id', '=', tenant_id).where('id', '=', id).execute();
  }

  async deleteDomain(tenantId: string, id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('tenant_domains').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async findDomain(tenantId: string, id: string): Promise<CustomDomainRecord | undefined> {
    const row = await this.db.selectFrom('tenant_domains').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return row ? toDomainRecord(row) : undefined;
  }

  /** Across tenants: a domain name belongs to one tenant at most, whatever its status. */
  async findDomainByName(domain: string): Promise<CustomDomainRecord | undefined> {
    const row = await this.db.selectFrom('tenant_domains').selectAll().where('domain', '=', domain).executeTakeFirst();
    return row ? toDomainRecord(row) : undefined;
  }

  /** The tenant a host serves, with the domain's client IP header: only a ready (verified) custom domain serves its tenant. */
  async findServingDomain(domain: string): Promise<{ tenantId: string; customClientIpHeader: string | null; metadata: Record<string, string> } | undefined> {
    const row = await this.db
      .selectFrom('tenant_domains')
      .select(['tenant_id', 'custom_client_ip_header', 'domain_metadata'])
      .where('domain', '=', domain)
      .where('status', '=', 'ready')
      .executeTakeFirst();
    return row ? { tenantId: row.tenant_id, customClientIpHeader: row.custom_client_ip_header, metadata: fromJson<Record<string, string>>(row.domain_metadata) } : undefined;
  }

  async listDomains(tenantId: string): Promise<CustomDomainRecord[]> {
    const rows = await this.db.selectFrom('tenant_domains').selectAll().where('tenant_id', '=', tenantId).orderBy('domain').execute();
    return rows.map(toDomainRecord);
  }
}

export type CustomDomainStatus = 'pending_verification' | 'ready';

/** A row of `tenant_domains` (migration 020): a tenant's custom domain. */
export interface CustomDomainRecord {
  tenantId: string;
  id: string;
  domain: string;
  status: CustomDomainStatus;
  type: string;
  verificationToken: string;
  customClientIpHeader: string | null;
  tlsPolicy: string;
  metadata: Record<string, string>;
  createdAt: string;
  verifiedAt: string | null;
}

type DomainRow = Selectable<Database['tenant_domains']>;

const toDomainRecord = (row: DomainRow): CustomDomainRecord => ({
  tenantId: row.tenant_id,
  id: row.id,
  domain: row.domain,
  status: row.status === 'ready' ? 'ready' : 'pending_verification',
  type: row.type,
  verificationToken: row.verification_token,
  customClientIpHeader: row.custom_client_ip_header,
  tlsPolicy: row.tls_policy,
  metadata: fromJson<Record<string, string>>(row.domain_metadata),
  createdAt: row.created_at,
  verifiedAt: row.verified_at,
});

const toDomainRow = (record: CustomDomainRecord): DomainRow => ({
  tenant_id: record.tenantId,
  id: record.id,
  domain: record.domain,
  status: record.status,
  type: record.type,
  verification_token: record.verificationToken,
  custom_client_ip_header: record.customClientIpHeader,
  tls_policy: record.tlsPolicy,
  domain_metadata: toJson(record.metadata),
  created_at: record.createdAt,
  verified_at: record.verifiedAt,
});
