import { randomBytes, randomInt } from 'node:crypto';
import type { Kysely, Migration } from 'kysely';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const randomId = (): string => `cd_${Array.from({ length: 16 }, () => ALNUM[randomInt(ALNUM.length)]).join('')}`;

/**
 * Custom domains become a Management API resource (`/api/v2/custom-domains`): each row gets Auth0's
 * `custom_domain_id`, a status (`pending_verification` until its DNS TXT record is checked, then
 * `ready`; only a ready domain serves its tenant), the certificate type (`self_managed_certs`, the
 * only one Tessera has), the TXT token, `custom_client_ip_header`, `tls_policy` and
 * `domain_metadata` (JSON text), and when it was verified. Domains registered before this, with
 * `tessera tenants add-domain`, were serving already: they become ready, self-managed.
 * (Ids and tokens are drawn here rather than imported, so the migration never changes with the code.)
 */
export const customDomains: Migration = {
  async up(db: Kysely<any>) {
    const columns: [string, 'text', ((c: any) => any)?][] = [
      ['id', 'text'],
      ['status', 'text', (c) => c.notNull().defaultTo('ready')],
      ['type', 'text', (c) => c.notNull().defaultTo('self_managed_certs')],
      ['verification_token', 'text'],
      ['custom_client_ip_header', 'text'],
      ['tls_policy', 'text', (c) => c.notNull().defaultTo('recommended')],
      ['domain_metadata', 'text', (c) => c.notNull().defaultTo('{}')],
      ['verified_at', 'text'],
    ];
    for (const [name, type, build] of columns) {
      await db.schema.alterTable('tenant_domains').addColumn(name, type, build ?? ((c) => c)).execute();
    }
    const rows = await db.selectFrom('tenant_domains').select(['domain', 'created_at']).execute();
    for (const row of rows as { domain: string; created_at: string }[]) {
      await db
        .updateTable('tenant_domains')
        .set({ id: randomId(), verification_token: randomBytes(24).toString('base64url'), verified_at: row.created_at })
        .where('domain', '=', row.domain)
        .execute();
    }
    await db.schema.createIndex('tenant_domains_id').on('tenant_domains').column('id').unique().execute();
  },
};
