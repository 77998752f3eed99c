/** The development outbox: emails stored instead of sent when no SMTP server is configured. */
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../schema.js';

export interface OutboxRecord {
  tenantId: string;
  id: string;
  /** `email`, or `sms` (then `to` is a phone number and only `text` is set). */
  channel: 'email' | 'sms';
  to: string;
  /** The email's From when it is not the server's own sender (`Name <address>`), else empty. */
  from: string;
  subject: string;
  text: string;
  html: string;
  createdAt: string;
}

type Row = Selectable<Database['dev_outbox']>;

const toRecord = (row: Row): OutboxRecord => ({
  tenantId: row.tenant_id,
  id: row.id,
  channel: row.channel === 'sms' ? 'sms' : 'email',
  to: row.recipient,
  from: row.sender,
  subject: row.subject,
  text: row.text,
  html: row.html,
  createdAt: row.created_at,
});

export class DevOutboxRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(message: OutboxRecord): Promise<void> {
    await this.db
      .insertInto('dev_outbox')
      .values({
        tenant_id: message.tenantId,
        id: message.id,
        channel: message.channel,
        recipient: message.to,
        sender: message.from,
        subject: message.subject,
        text: message.text,
        html: message.html,
        created_at: message.createdAt,
      })
      .execute();
  }

  /** Newest first; `to` matches the recipient exactly (addresses are stored lower-cased). */
  async list(tenantId: string, filter: { to?: string; channel?: 'email' | 'sms' }, page: { offset: number; limit: number }): Promise<{ items: OutboxRecord[]; total: number }> {
    let query = this.db.selectFrom('dev_outbox').where('tenant_id', '=', tenantId);
    if (filter.to !== undefined) query = query.where('recipient', '=', filter.to);
    if (filter.channel !== undefined) query = query.where('channel', '=', filter.channel);
    const [rows, count] = await Promise.all([
      query.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(page.limit).offset(page.offset).execute(),
      query.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirst(),
    ]);
    return { items: rows.map(toRecord), total: Number(count?.n ?? 0) };
  }
}
