/**
 * Passwordless one-time codes: one live code per (tenant, connection, email or phone number).
 * Redemption and failure counting are single conditional UPDATEs on the issued code's `id`, so
 * two concurrent redemptions cannot both succeed and a failure never counts against a newer code.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

export interface PasswordlessCodeRecord {
  tenantId: string;
  connectionId: string;
  /** Lower-cased email or E.164 phone number. */
  identifier: string;
  id: string;
  clientId: string;
  codeHash: string;
  failedAttempts: number;
  createdAt: string;
  expiresAt: string;
  consumedAt: string | null;
}

type Row = Database['passwordless_codes'];

const toRecord = (row: Row): PasswordlessCodeRecord => ({
  tenantId: row.tenant_id,
  connectionId: row.connection_id,
  identifier: row.identifier,
  id: row.id,
  clientId: row.client_id,
  codeHash: row.code_hash,
  failedAttempts: Number(row.failed_attempts),
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  consumedAt: row.consumed_at,
});

export class PasswordlessCodesRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Stores a new code, replacing the previous one for the same identifier (which stops working). */
  async replace(code: PasswordlessCodeRecord): Promise<void> {
    const values = {
      tenant_id: code.tenantId,
      connection_id: code.connectionId,
      identifier: code.identifier,
      id: code.id,
      client_id: code.clientId,
      code_hash: code.codeHash,
      failed_attempts: code.failedAttempts,
      created_at: code.createdAt,
      expires_at: code.expiresAt,
      consumed_at: code.consumedAt,
    };
    await this.db
      .insertInto('passwordless_codes')
      .values(values)
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'connection_id', 'identifier']).doUpdateSet({
          id: values.id,
          client_id: values.client_id,
          code_hash: values.code_hash,
          failed_attempts: values.failed_attempts,
          created_at: values.created_at,
          expires_at: values.expires_at,
          consumed_at: values.consumed_at,
        }),
      )
      .execute();
  }

  async find(tenantId: string, connectionId: string, identifier: string): Promise<PasswordlessCodeRecord | undefined> {
    const row = await this.db
      .selectFrom('passwordless_codes')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('connection_id', '=', connectionId)
      .where('identifier', '=', identifier)
      .executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  /** Counts a wrong guess against code `id` (if it is still the live one); returns whether it did. */
  async recordFailure(tenantId: string, connectionId: string, identifier: string, id: string): Promise<boolean> {
    const result = await this.db
      .updateTable('passwordless_codes')
      .set((eb) => ({ failed_attempts: eb('failed_attempts', '+', 1) }))
      .where('tenant_id', '=', tenantId)
      .where('connection_id', '=', connectionId)
      .where('identifier', '=', identifier)
      .where('id', '=', id)
      .where('consumed_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * Marks code `id` used if it is unused, unexpired and has fewer than `maxFailures` wrong guesses;
   * true only for the one caller that did.
   */
  async consume(tenantId: string, connectionId: string, identifier: string, id: string, now: string, maxFailures: number): Promise<boolean> {
    const result = await this.db
      .updateTable('passwordless_codes')
      .set({ consumed_at: now })
      .where('tenant_id', '=', tenantId)
      .where('connection_id', '=', connectionId)
      .where('identifier', '=', identifier)
      .where('id', '=', id)
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', now)
      .where('failed_attempts', '<', maxFailures)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Housekeeping across tenants (PasswordlessCodes.pruneExpired): codes expired before `before`. */
  async deleteExpired(before: string): Promise<void> {
    await this.db.deleteFrom('passwordless_codes').where('expires_at', '<', before).execute();
  }
}
