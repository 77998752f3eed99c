/**
 * Dashboard invitations: pending offers to join a tenant with given roles, redeemed by a one-time
 * ticket whose SHA-256 alone is stored.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { fromJson, toJson } from './json.js';

export interface InvitationRecord {
  id: string;
  tenantId: string;
  email: string;
  roles: string[];
  invitedBy: string;
  ticketHash: string;
  expiresAt: string;
  acceptedAt: string | null;
  revokedAt: string | null;
  createdAt: string;
}

type Row = Database['dashboard_invitations'];

const toRecord = (row: Row): InvitationRecord => ({
  id: row.id,
  tenantId: row.tenant_id,
  email: row.email,
  roles: fromJson<string[]>(row.roles),
  invitedBy: row.invited_by,
  ticketHash: row.ticket_hash,
  expiresAt: row.expires_at,
  acceptedAt: row.accepted_at,
  revokedAt: row.revoked_at,
  createdAt: row.created_at,
});

/** Pending invitations a tenant lists at most (sending is limited per account, control-api/invitations.ts). */
export const MAX_INVITATIONS_LISTED = 500;

export class DashboardInvitationsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(record: InvitationRecord): Promise<void> {
    await this.db
      .insertInto('dashboard_invitations')
      .values({
        id: record.id,
        tenant_id: record.tenantId,
        email: record.email,
        roles: toJson(record.roles),
        invited_by: record.invitedBy,
        ticket_hash: record.ticketHash,
        expires_at: record.expiresAt,
        accepted_at: null,
        revoked_at: null,
        created_at: record.createdAt,
      })
      .execute();
  }

  async findByTicketHash(ticketHash: string): Promise<InvitationRecord | undefined> {
    const row = await this.db.selectFrom('dashboard_invitations').selectAll().where('ticket_hash', '=', ticketHash).executeTakeFirst();
    return row ? toRecord(row) : undefined;
  }

  /** How many invitations of the tenant were created after `since`, and the oldest of them (the hourly quota). */
  async countCreatedSince(tenantId: string, since: string): Promise<{ count: number; oldest: string | null }> {
    const row = await this.db
      .selectFrom('dashboard_invitations')
      .select((eb) => [eb.fn.countAll<number | string>().as('count'), eb.fn.min<string | null>('created_at').as('oldest')])
      .where('tenant_id', '=', tenantId)
      .where('created_at', '>', since)
      .executeTakeFirstOrThrow();
    return { count: Number(row.count), oldest: row.oldest ?? null };
  }

  /** Pending (not accepted, not revoked, not expired) invitations of the tenant, newest first. */
  async listPending(tenantId: string, now: string): Promise<InvitationRecord[]> {
    const rows = await this.db
      .selectFrom('dashboard_invitations')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .orderBy('created_at', 'desc')
      .limit(MAX_INVITATIONS_LISTED)
      .execute();
    return rows.map(toRecord);
  }

  /** Revokes the tenant's pending invitations of one address (a new one replaces them). */
  async revokePendingFor(tenantId: string, email: string, at: string): Promise<void> {
    await this.db
      .updateTable('dashboard_invitations')
      .set({ revoked_at: at })
      .where('tenant_id', '=', tenantId)
      .where('email', '=', email)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .execute();
  }

  async revoke(tenantId: string, id: string, at: string): Promise<boolean> {
    const result = await this.db
      .updateTable('dashboard_invitations')
      .set({ revoked_at: at })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Marks the invitation accepted if it is still pending; true only for the one caller that did. */
  async accept(id: string, at: string): Promise<boolean> {
    const result = await this.db
      .updateTable('dashboard_invitations')
      .set({ accepted_at: at })
      .where('id', '=', id)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', at)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Undoes `accept` (the account it was for could not be created): the ticket works again. */
  async unaccept(id: string, acceptedAt: string): Promise<void> {
    await this.db.updateTable('dashboard_invitations').set({ accepted_at: null }).where('id', '=', id).where('accepted_at', '=', acceptedAt).execute();
  }

  async deleteForTenant(tenantId: string): Promise<void> {
    await this.db.deleteFrom('dashboard_invitations').where('tenant_id', '=', tenantId).execute();
  }
}
