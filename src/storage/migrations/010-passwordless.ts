import type { Kysely, Migration } from 'kysely';

/**
 * Passwordless one-time codes, and SMS in the development outbox.
 *
 * One live code per (tenant, connection, email or phone number): a new `/passwordless/start`
 * replaces the row, so an older code stops working. Only a salted SHA-256 of the code is stored;
 * `id` names one issued code so that redeeming or counting a failure never touches a newer code
 * that replaced it in between. `failed_attempts` kills the code after a few wrong guesses.
 *
 * `dev_outbox.channel` tells emails (`email`) from text messages (`sms`, recipient = phone number).
 */
export const passwordless: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('passwordless_codes')
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('connection_id', 'text', (c) => c.notNull())
      .addColumn('identifier', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('client_id', 'text', (c) => c.notNull())
      .addColumn('code_hash', 'text', (c) => c.notNull())
      .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('consumed_at', 'text')
      .addPrimaryKeyConstraint('passwordless_codes_pk', ['tenant_id', 'connection_id', 'identifier'])
      .execute();
    await db.schema.createIndex('passwordless_codes_expiry').on('passwordless_codes').column('expires_at').execute();

    await db.schema.alterTable('dev_outbox').addColumn('channel', 'text', (c) => c.notNull().defaultTo('email')).execute();
  },
};
