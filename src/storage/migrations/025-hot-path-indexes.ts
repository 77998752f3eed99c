import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Indexes the index review found missing (bench/explain.mjs on a seeded tenant: 2,000 to 100,000
 * users, 10,000 applications, 5M log entries; docs/ARCHITECTURE.md "Indexes"). Without them each of
 * these queries read every row of the tenant in its table:
 *
 * - users by email in creation order (`GET /users-by-email`, `q=email:"…"`): SQLite preferred the
 *   creation-order index, which spares the sort, and walked every user; one index now filters and
 *   orders, and replaces (tenant, email), its prefix.
 * - users by id in a search (`q=user_id:"…"`, compared ignoring case): an expression index on
 *   lower(user_id), ordered like the search, on both dialects.
 * - a user's log entries (`GET /users/{id}/logs`), newest first: walked the tenant's log by date.
 * - applications in list order (`GET /clients?page=…` now pages in SQL) and by name (the Deploy CLI).
 * - client grants by API (`GET /client-grants?audience=`, deleting an API).
 * - APIs in list order, and the tenant's system API.
 * - refresh tokens by application (deleting one) and by authorization code (revoking what a replayed
 *   code issued: without it an attacker replaying codes made each attempt read every token).
 * - consents by application (deleting one).
 * - sessions past their absolute expiry (the sweeper, across tenants).
 */
export const hotPathIndexes: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.createIndex('users_tenant_email_created').on('users').columns(['tenant_id', 'email', 'created_at', 'user_id']).execute();
    await db.schema.dropIndex('users_tenant_email').execute();
    await sql`create index users_tenant_user_id_lower on users (tenant_id, lower(user_id), created_at, user_id)`.execute(db);
    await db.schema.createIndex('logs_tenant_user_date').on('logs').columns(['tenant_id', 'user_id', 'date', 'seq']).execute();
    await db.schema.createIndex('clients_tenant_created').on('clients').columns(['tenant_id', 'created_at', 'client_id']).execute();
    await db.schema.createIndex('clients_tenant_name').on('clients').columns(['tenant_id', 'name', 'client_id']).execute();
    await db.schema.createIndex('client_grants_audience').on('client_grants').columns(['tenant_id', 'audience']).execute();
    await db.schema.createIndex('resource_servers_tenant_created').on('resource_servers').columns(['tenant_id', 'created_at', 'id']).execute();
    await db.schema.createIndex('resource_servers_system').on('resource_servers').columns(['tenant_id', 'is_system']).execute();
    await db.schema.createIndex('refresh_tokens_client').on('refresh_tokens').columns(['tenant_id', 'client_id']).execute();
    await db.schema.createIndex('refresh_tokens_code').on('refresh_tokens').columns(['tenant_id', 'code_hash']).execute();
    await db.schema.createIndex('user_grants_client').on('user_grants').columns(['tenant_id', 'client_id']).execute();
    await db.schema.createIndex('sessions_expiry').on('sessions').column('expires_at').execute();
  },
};
