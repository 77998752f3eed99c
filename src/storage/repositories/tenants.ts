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

  async addDomain(tenantId: string, domain: string, at: string): Promise<void> {
    await this.db.insertInto('tenant_domains').values({ tenant_id: tenantId, domain, created_at: at }).execute();
  }

  async removeDomain(tenantId: string, domain: string): Promise<boolean> {
    const result = await this.db.deleteFrom('tenant_domains').where('tenant_id', '=', tenantId).where('domain', '=', domain).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async findTenantIdByDomain(domain: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('tenant_domains').select('tenant_id').where('domain', '=', domain).executeTakeFirst();
    return row?.tenant_id;
  }

  async listDomains(tenantId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('tenant_domains').select('domain').where('tenant_id', '=', tenantId).orderBy('domain').execute();
    return rows.map((r) => r.domain);
  }
}
