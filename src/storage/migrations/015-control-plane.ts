import type { Kysely, Migration } from 'kysely';

/**
 * The control plane above tenants (docs/plans/dashboard.md §1): the reserved admin tenant, whose
 * users are dashboard accounts, and what those accounts may do in the other tenants.
 *
 * - `tenants.kind`: 'customer' for every tenant so far, 'admin' for the one admin tenant (served
 *   only on the admin host, never by name). `tenants.environment_tag`: Auth0's development /
 *   staging / production tag.
 * - `dashboard_accounts`: one row per admin-tenant user that is a dashboard account; `is_owner`
 *   marks platform owners (may create tenants, become Admin of every new tenant).
 * - `dashboard_memberships`: a person's roles in one tenant. `grant_id` is a fresh random id at
 *   every change: dashboard tokens carry it, so a role change or a remove + re-add makes every
 *   earlier token fail (a counter would restart after a remove and could match again).
 * - `dashboard_invitations`: pending invitations; only the SHA-256 of the ticket is stored.
 * - `dashboard_sessions`: the dashboard's own sessions (BFF cookie). `id` is the public id that
 *   tokens carry as `dsid`; the cookie value is stored only as its hash.
 */
export const controlPlane: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('tenants').addColumn('kind', 'text', (c) => c.notNull().defaultTo('customer')).execute();
    await db.schema.alterTable('tenants').addColumn('environment_tag', 'text', (c) => c.notNull().defaultTo('development')).execute();

    await db.schema
      .createTable('dashboard_accounts')
      .addColumn('user_id', 'text', (c) => c.primaryKey())
      .addColumn('is_owner', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('preferences', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('dashboard_memberships')
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('roles', 'text', (c) => c.notNull())
      .addColumn('grant_id', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('dashboard_memberships_pk', ['tenant_id', 'user_id'])
      .execute();
    await db.schema.createIndex('dashboard_memberships_user').on('dashboard_memberships').columns(['user_id']).execute();

    await db.schema
      .createTable('dashboard_invitations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('roles', 'text', (c) => c.notNull())
      .addColumn('invited_by', 'text', (c) => c.notNull())
      .addColumn('ticket_hash', 'text', (c) => c.notNull().unique())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('accepted_at', 'text')
      .addColumn('revoked_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('dashboard_invitations_tenant_email').on('dashboard_invitations').columns(['tenant_id', 'email']).execute();

    await db.schema
      .createTable('dashboard_sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('id_hash', 'text', (c) => c.notNull().unique())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('sso_sid', 'text')
      .addColumn('user_agent', 'text', (c) => c.notNull())
      .addColumn('ip', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_active_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('idle_expires_at', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text')
      .execute();
    await db.schema.createIndex('dashboard_sessions_user').on('dashboard_sessions').columns(['user_id']).execute();
    // The sweeper deletes sessions past either deadline (as 012 indexes the other swept tables).
    await db.schema.createIndex('dashboard_sessions_expiry').on('dashboard_sessions').column('expires_at').execute();
    await db.schema.createIndex('dashboard_sessions_idle_expiry').on('dashboard_sessions').column('idle_expires_at').execute();
  },
};
