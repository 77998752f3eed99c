import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { fromFlag, fromJson, toFlag, toJson } from './json.js';
import { SecretBox } from '../../crypto/secret-box.js';
import { openSecret, sealSecret, type SecretBoxOrNone } from './secret-columns.js';

/** A stored application. `document` holds every Auth0 client field that is not a column. */
export interface ClientRecord {
  tenantId: string;
  clientId: string;
  clientSecret: string | null;
  name: string;
  appType: string | null;
  isSystem: boolean;
  document: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

type Row = Database['clients'];

/** The secret is bound to its tenant and client id: a ciphertext moved to another row does not decrypt. */
const aadOf = (tenantId: string, clientId: string): string => `clients|${tenantId}|${clientId}`;

const sealed = (box: SecretBoxOrNone, client: ClientRecord): string | null =>
  client.clientSecret === null ? null : sealSecret(box, client.clientSecret, aadOf(client.tenantId, client.clientId));

/** The column mirrors the document: an application is first-party unless its document says false. */
const firstPartyFlag = (client: ClientRecord): number => toFlag(client.document.is_first_party !== false);

const toRecord = (row: Row, box: SecretBoxOrNone): ClientRecord => ({
  tenantId: row.tenant_id,
  clientId: row.client_id,
  clientSecret: row.client_secret === null ? null : openSecret(box, row.client_secret, aadOf(row.tenant_id, row.client_id)),
  name: row.name,
  appType: row.app_type,
  isSystem: fromFlag(row.is_system),
  document: fromJson(row.document),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export class ClientsRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly box: SecretBoxOrNone,
  ) {}

  async insert(client: ClientRecord): Promise<void> {
    await this.db
      .insertInto('clients')
      .values({
        tenant_id: client.tenantId,
        client_id: client.clientId,
        client_secret: sealed(this.box, client),
        name: client.name,
        app_type: client.appType,
        is_system: toFlag(client.isSystem),
        is_first_party: firstPartyFlag(client),
        document: toJson(client.document),
        created_at: client.createdAt,
        updated_at: client.updatedAt,
      })
      .execute();
  }

  async findById(tenantId: string, clientId: string): Promise<ClientRecord | undefined> {
    const row = await this.db.selectFrom('clients').selectAll().where('tenant_id', '=', tenantId).where('client_id', '=', clientId).executeTakeFirst();
    return row ? toRecord(row, this.box) : undefined;
  }

  /** Ids of at most `limit` applications of a tenant with exactly this name (no secret is read). */
  async idsNamed(tenantId: string, name: string, limit: number): Promise<string[]> {
    const rows = await this.db.selectFrom('clients').select('client_id').where('tenant_id', '=', tenantId).where('name', '=', name).orderBy('client_id').limit(limit).execute();
    return rows.map((row) => row.client_id);
  }

  /** Every application of a tenant, oldest first (a stable order for pagination). */
  async listAll(tenantId: string): Promise<ClientRecord[]> {
    const rows = await this.db.selectFrom('clients').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').orderBy('client_id').execute();
    return rows.map((row) => toRecord(row, this.box));
  }

  /** One page of a tenant's applications in the order of `listAll`, of the given app types only when named. */
  async page(tenantId: string, appTypes: string[] | undefined, page: { offset: number; limit: number }): Promise<ClientRecord[]> {
    const rows = await this.ofTypes(tenantId, appTypes).selectAll().orderBy('created_at').orderBy('client_id').offset(page.offset).limit(page.limit).execute();
    return rows.map((row) => toRecord(row, this.box));
  }

  async count(tenantId: string, appTypes: string[] | undefined): Promise<number> {
    const row = await this.ofTypes(tenantId, appTypes).select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  private ofTypes(tenantId: string, appTypes: string[] | undefined) {
    const query = this.db.selectFrom('clients').where('tenant_id', '=', tenantId);
    return appTypes ? query.where('app_type', 'in', appTypes.length ? appTypes : ['']) : query;
  }

  /** Each application's id and `client_aliases` (WS-Fed realms), read without decrypting any secret. */
  async listRealms(tenantId: string): Promise<Array<{ clientId: string; aliases: string[] }>> {
    const rows = await this.db.selectFrom('clients').select(['client_id', 'document']).where('tenant_id', '=', tenantId).execute();
    return rows.map((row) => {
      const aliases = fromJson<{ client_aliases?: unknown }>(row.document).client_aliases;
      return { clientId: row.client_id, aliases: Array.isArray(aliases) ? aliases.filter((alias): alias is string => typeof alias === 'string') : [] };
    });
  }

  /** The tenant's third-party applications, counted on the index clients_tenant_first_party (no row is read). */
  async countThirdParty(tenantId: string): Promise<number> {
    const row = await this.db
      .selectFrom('clients')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('tenant_id', '=', tenantId)
      .where('is_first_party', '=', 0)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async replace(client: ClientRecord): Promise<void> {
    await this.db
      .updateTable('clients')
      .set({
        client_secret: sealed(this.box, client),
        name: client.name,
        app_type: client.appType,
        is_first_party: firstPartyFlag(client),
        document: toJson(client.document),
        updated_at: client.updatedAt,
      })
      .where('tenant_id', '=', client.tenantId)
      .where('client_id', '=', client.clientId)
      .execute();
  }

  async delete(tenantId: string, clientId: string): Promise<boolean> {
    const result = await this.db.deleteFrom('clients').where('tenant_id', '=', tenantId).where('client_id', '=', clientId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /**
   * Encrypts client secrets still stored in clear (written before encryption at rest). The update
   * only applies while the row still holds that clear value, so concurrent runs are harmless.
   */
  async sealPlaintext(box: SecretBox): Promise<number> {
    const rows = await this.db
      .selectFrom('clients')
      .select(['tenant_id', 'client_id', 'client_secret'])
      .where('client_secret', 'is not', null)
      .where('client_secret', 'not like', 'enc:v1:%')
      .execute();
    for (const row of rows) {
      await this.db
        .updateTable('clients')
        .set({ client_secret: box.seal(row.client_secret!, aadOf(row.tenant_id, row.client_id)) })
        .where('tenant_id', '=', row.tenant_id)
        .where('client_id', '=', row.client_id)
        .where('client_secret', '=', row.client_secret)
        .execute();
    }
    return rows.length;
  }

  /** Tries every encrypted client secret under `box`; names the rows that do not authenticate. */
  async verifySealed(box: SecretBox): Promise<{ verified: number; failed: string[] }> {
    const rows = await this.db.selectFrom('clients').select(['tenant_id', 'client_id', 'client_secret']).where('client_secret', 'like', 'enc:v1:%').execute();
    const failed: string[] = [];
    for (const row of rows) {
      try {
        box.open(row.client_secret!, aadOf(row.tenant_id, row.client_id));
      } catch {
        failed.push(`client secret of ${row.client_id} in tenant ${row.tenant_id}`);
      }
    }
    return { verified: rows.length - failed.length, failed };
  }
}
