import { sql, type Kysely, type Migration } from 'kysely';

/**
 * At most one pending invitation per tenant and address. `invite` revokes the pending one before
 * inserting the new one, but two invitations of one address sent at the same moment could both
 * stay pending on PostgreSQL (each transaction revoked nothing the other had not committed yet).
 * A partial unique index makes the second insert fail, and `invite` retries it once, when the
 * first is visible and gets revoked. Older duplicates are revoked first (the newest one stays),
 * so the index can be built on any existing data.
 *
 * `dashboard_invitations_tenant_created` serves the hourly sending quota (invitations a tenant
 * created in the last hour) without reading the tenant's older invitations.
 */
export const pendingInvitationUnique: Migration = {
  async up(db: Kysely<any>) {
    await sql`
      UPDATE dashboard_invitations SET revoked_at = created_at
      WHERE accepted_at IS NULL AND revoked_at IS NULL AND EXISTS (
        SELECT 1 FROM dashboard_invitations newer
        WHERE newer.tenant_id = dashboard_invitations.tenant_id AND newer.email = dashboard_invitations.email
          AND newer.accepted_at IS NULL AND newer.revoked_at IS NULL
          AND (newer.created_at > dashboard_invitations.created_at OR (newer.created_at = dashboard_invitations.created_at AND newer.id > dashboard_invitations.id))
      )`.execute(db);
    await db.schema
      .createIndex('dashboard_invitations_one_pending')
      .unique()
      .on('dashboard_invitations')
      .columns(['tenant_id', 'email'])
      .where(sql.ref('accepted_at'), 'is', null)
      .where(sql.ref('revoked_at'), 'is', null)
      .execute();
    await db.schema.createIndex('dashboard_invitations_tenant_created').on('dashboard_invitations').columns(['tenant_id', 'created_at']).execute();
  },
};
