import type { Kysely, Migration } from 'kysely';

/**
 * `user_identities`: a user's `identities[]` as rows, so account linking (a later feature) is
 * data. Until now each user's one identity was derived from its row: the connection it was created
 * in, and its id `{provider}|{id at the provider}`. The backfill writes exactly that identity for
 * every existing user (not social, no profile data, attached when the user was created), so
 * `identities[]` reads the same from the table.
 *
 * The key is (tenant, connection, id at the provider): one account at a provider belongs to one
 * user. Identities are listed by user, hence the (tenant, user) index.
 */
export const userIdentities: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('user_identities')
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('connection_id', 'text', (c) => c.notNull())
      .addColumn('connection', 'text', (c) => c.notNull())
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('provider_user_id', 'text', (c) => c.notNull())
      .addColumn('is_social', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('profile_data', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('user_identities_pk', ['tenant_id', 'connection_id', 'provider_user_id'])
      .execute();
    await db.schema.createIndex('user_identities_user').on('user_identities').columns(['tenant_id', 'user_id']).execute();
    await backfillUserIdentities(db);
  },
};

/** Users read per round, and identities written per insert (9 parameters each: under SQLite's old 999 limit). */
const READ_BATCH = 1_000;
const WRITE_BATCH = 100;

/**
 * One identity per user, as the code before this migration derived it. Reads users in key order
 * (tenant, user id) in batches, so a large table is never held in memory at once. This is a frozen
 * copy of that derivation: migrations must not change when the domain code does.
 */
export async function backfillUserIdentities(db: Kysely<any>): Promise<number> {
  let after: { tenant_id: string; user_id: string } | undefined;
  let written = 0;
  for (;;) {
    let query = db.selectFrom('users').select(['tenant_id', 'user_id', 'connection_id', 'connection', 'created_at']);
    if (after) {
      const { tenant_id, user_id } = after;
      query = query.where((eb) => eb.or([eb('tenant_id', '>', tenant_id), eb.and([eb('tenant_id', '=', tenant_id), eb('user_id', '>', user_id)])]));
    }
    const users: Array<{ tenant_id: string; user_id: string; connection_id: string; connection: string; created_at: string }> = await query
      .orderBy('tenant_id')
      .orderBy('user_id')
      .limit(READ_BATCH)
      .execute();
    if (users.length === 0) return written;
    const rows = users.map((user) => {
      const bar = user.user_id.indexOf('|');
      return {
        tenant_id: user.tenant_id,
        user_id: user.user_id,
        connection_id: user.connection_id,
        connection: user.connection,
        provider: user.user_id.slice(0, bar),
        provider_user_id: user.user_id.slice(bar + 1),
        is_social: 0,
        profile_data: null,
        created_at: user.created_at,
      };
    });
    for (let start = 0; start < rows.length; start += WRITE_BATCH) {
      await db.insertInto('user_identities').values(rows.slice(start, start + WRITE_BATCH)).execute();
    }
    written += rows.length;
    after = users[users.length - 1];
  }
}
