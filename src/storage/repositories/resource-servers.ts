import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { fromFlag, fromJson, toFlag, toJson } from './json.js';
import { SecretBox } from '../../crypto/secret-box.js';
import { openSecret, sealSecret, type SecretBoxOrNone } from './secret-columns.js';

/** A stored API. `document` holds every Auth0 resource-server field that is not a column. */
export interface ResourceServerRecord {
  tenantId: string;
  id: string;
  identifier: string;
  isSystem: boolean;
  document: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

type Row = Database['resource_servers'];

/**
 * An HS256 API's `signing_secret` lives in the JSON document; it is sealed there (never stored in
 * clear) and bound to its tenant and API id, like client secrets.
 */
const SECRET_FIELD = 'signing_secret';
const aadOf = (tenantId: string, id: string): string => `resource_servers|${tenantId}|${id}|${SECRET_FIELD}`;

/** The document as stored: its signing secret sealed. */
function sealedDocument(box: SecretBoxOrNone, api: ResourceServerRecord): string {
  const secret = api.document[SECRET_FIELD];
  if (typeof secret !== 'string') return toJson(api.document);
  return toJson({ ...api.document, [SECRET_FIELD]: sealSecret(box, secret, aadOf(api.tenantId, api.id)) });
}

function openedDocument(box: SecretBoxOrNone, row: Row): Record<string, unknown> {
  const document = fromJson<Record<string, unknown>>(row.document);
  const secret = document[SECRET_FIELD];
  if (typeof secret === 'string') document[SECRET_FIELD] = openSecret(box, secret, aadOf(row.tenant_id, row.id));
  return document;
}

const storedSecret = (document: string): string | undefined => {
  const secret = fromJson<Record<string, unknown>>(document)[SECRET_FIELD];
  return typeof secret === 'string' ? secret : undefined;
};

export class ResourceServersRepository {
  readonly #toRecord = (row: Row): ResourceServerRecord => ({
    tenantId: row.tenant_id,
    id: row.id,
    identifier: row.identifier,
    isSystem: fromFlag(row.is_system),
    document: openedDocument(this.box, row),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });

  constructor(
    private readonly db: Kysely<Database>,
    private readonly box: SecretBoxOrNone,
  ) {}

  async insert(api: ResourceServerRecord): Promise<void> {
    await this.db
      .insertInto('resource_servers')
      .values({
        tenant_id: api.tenantId,
        id: api.id,
        identifier: api.identifier,
        is_system: toFlag(api.isSystem),
        document: sealedDocument(this.box, api),
        created_at: api.createdAt,
        updated_at: api.updatedAt,
      })
      .execute();
  }

  async findById(tenantId: string, id: string): Promise<ResourceServerRecord | undefined> {
    const row = await this.db.selectFrom('resource_servers').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return row ? this.#toRecord(row) : undefined;
  }

  async findByIdentifier(tenantId: string, identifier: string): Promise<ResourceServerRecord | undefined> {
    const row = await this.db
      .selectFrom('resource_servers')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('identifier', '=', identifier)
      .executeTakeFirst();
    return row ? this.#toRecord(row) : undefined;
  }

  /**
   * Moves the system API to a new identifier, and with it everything that names an API by its
   * identifier (client grants, RBAC permissions, consents). Run inside a transaction.
   */
  async renameSystemIdentifier(tenantId: string, from: string, to: string): Promise<void> {
    await this.db.updateTable('resource_servers').set({ identifier: to }).where('tenant_id', '=', tenantId).where('is_system', '=', 1).where('identifier', '=', from).execute();
    await this.db.updateTable('client_grants').set({ audience: to }).where('tenant_id', '=', tenantId).where('audience', '=', from).execute();
    await this.db.updateTable('user_grants').set({ audience: to }).where('tenant_id', '=', tenantId).where('audience', '=', from).execute();
    for (const table of ['role_permissions', 'user_permissions'] as const) {
      await this.db.updateTable(table).set({ resource_server_identifier: to }).where('tenant_id', '=', tenantId).where('resource_server_identifier', '=', from).execute();
    }
  }

  /** Every tenant's system API identifier, in one query (checked against the public origin at start). */
  async listSystemIdentifiers(): Promise<Map<string, string>> {
    const rows = await this.db.selectFrom('resource_servers').select(['tenant_id', 'identifier']).where('is_system', '=', 1).execute();
    return new Map(rows.map((row) => [row.tenant_id, row.identifier]));
  }

  /** Custom APIs of every tenant whose identifier has the Management API's path (candidates for shadowing it). */
  async listCustomWithManagementApiPath(): Promise<{ tenantId: string; id: string; identifier: string }[]> {
    const rows = await this.db
      .selectFrom('resource_servers')
      .select(['tenant_id', 'id', 'identifier'])
      .where('is_system', '=', 0)
      .where('identifier', 'like', '%/api/v2/%')
      .execute();
    return rows.map((row) => ({ tenantId: row.tenant_id, id: row.id, identifier: row.identifier }));
  }

  async findSystem(tenantId: string): Promise<ResourceServerRecord | undefined> {
    const row = await this.db.selectFrom('resource_servers').selectAll().where('tenant_id', '=', tenantId).where('is_system', '=', 1).executeTakeFirst();
    return row ? this.#toRecord(row) : undefined;
  }

  async list(tenantId: string, page: { offset: number; limit: number }, identifiers?: string[]): Promise<ResourceServerRecord[]> {
    let query = this.db.selectFrom('resource_servers').selectAll().where('tenant_id', '=', tenantId);
    if (identifiers?.length) query = query.where('identifier', 'in', identifiers);
    const rows = await query.orderBy('created_at').orderBy('id').offset(page.offset).limit(page.limit).execute();
    return rows.map(this.#toRecord);
  }

  async count(tenantId: string, identifiers?: string[]): Promise<number> {
    let query = this.db.selectFrom('resource_servers').select((eb) => eb.fn.countAll<number | string>().as('n')).where('tenant_id', '=', tenantId);
    if (identifiers?.length) query = query.where('identifier', 'in', identifiers);
    const row = await query.executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /**
   * The `authorization_details` types registered on the tenant's APIs (RFC 9396 §10 discovery), at
   * most `maxApis` APIs' worth. Only rows whose document names a non-empty list are read, on the
   * (tenant_id, …) key; their documents are parsed for that one field (no secret is opened).
   */
  async listRegisteredDetailsTypes(tenantId: string, maxApis: number): Promise<string[][]> {
    const rows = await this.db
      .selectFrom('resource_servers')
      .select('document')
      .where('tenant_id', '=', tenantId)
      .where('document', 'like', '%"authorization_details":[{%')
      .orderBy('created_at')
      .limit(maxApis)
      .execute();
    return rows.map((row) => (fromJson<{ authorization_details?: Array<{ type: string }> | null }>(row.document).authorization_details ?? []).map((entry) => entry.type));
  }

  async replace(api: ResourceServerRecord): Promise<void> {
    await this.db
      .updateTable('resource_servers')
      .set({ document: sealedDocument(this.box, api), updated_at: api.updatedAt })
      .where('tenant_id', '=', api.tenantId)
      .where('id', '=', api.id)
      .execute();
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('resource_servers').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /**
   * Encrypts signing secrets still stored in clear (written before they were sealed). The update
   * only applies while the row still holds that document, so concurrent runs are harmless.
   */
  async sealPlaintext(box: SecretBox): Promise<number> {
    const rows = await this.db.selectFrom('resource_servers').select(['tenant_id', 'id', 'document']).where('document', 'like', `%"${SECRET_FIELD}"%`).execute();
    let sealed = 0;
    for (const row of rows) {
      const document = fromJson<Record<string, unknown>>(row.document);
      const secret = document[SECRET_FIELD];
      if (typeof secret !== 'string' || SecretBox.isSealed(secret)) continue;
      document[SECRET_FIELD] = box.seal(secret, aadOf(row.tenant_id, row.id));
      await this.db
        .updateTable('resource_servers')
        .set({ document: toJson(document) })
        .where('tenant_id', '=', row.tenant_id)
        .where('id', '=', row.id)
        .where('document', '=', row.document)
        .execute();
      sealed++;
    }
    return sealed;
  }

  /** Tries every encrypted signing secret under `box`; names the rows that do not authenticate. */
  async verifySealed(box: SecretBox): Promise<{ verified: number; failed: string[] }> {
    const rows = await this.db.selectFrom('resource_servers').select(['tenant_id', 'id', 'document']).where('document', 'like', '%enc:v1:%').execute();
    let verified = 0;
    const failed: string[] = [];
    for (const row of rows) {
      const secret = storedSecret(row.document);
      if (secret === undefined || !SecretBox.isSealed(secret)) continue;
      try {
        box.open(secret, aadOf(row.tenant_id, row.id));
        verified++;
      } catch {
        failed.push(`signing secret of API ${row.id} in tenant ${row.tenant_id}`);
      }
    }
    return { verified, failed };
  }
}
