import type { Kysely, Migration } from 'kysely';

/**
 * The development outbox: emails the server would have sent (password reset links...) when no SMTP
 * server is configured, kept per tenant so tests and developers can read them through the
 * Management API (`GET /api/v2/tessera/outbox`). `to` is a reserved word in SQL, hence `recipient`.
 */
export const devOutbox: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('dev_outbox')
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('recipient', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('html', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('dev_outbox_pk', ['tenant_id', 'id'])
      .execute();
    await db.schema.createIndex('dev_outbox_recipient').on('dev_outbox').columns(['tenant_id', 'recipient', 'created_at']).execute();
  },
};
