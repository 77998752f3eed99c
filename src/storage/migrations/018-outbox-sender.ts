import type { Kysely, Migration } from 'kysely';

/**
 * `dev_outbox.sender`: the From of a kept email when it is not the server's own sender (a
 * passwordless connection's `options.email.from`), as `Name <address>`; empty otherwise, and for
 * every message kept before this column existed.
 */
export const outboxSender: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('dev_outbox').addColumn('sender', 'text', (c) => c.notNull().defaultTo('')).execute();
  },
};
