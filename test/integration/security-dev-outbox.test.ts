/**
 * Finding 7: the development outbox holds live password reset links. Reading it needs the Tessera
 * scope `read:dev_outbox` (held by the bootstrap application only), not `read:email_provider`; the
 * server warns at start without SMTP_URL; with NODE_ENV=production nothing is stored and a send
 * without a provider fails visibly (an error answer, or a failure log event for background sends).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { call, managementToken, startServer, type TestServer } from '../support/server.js';
import { eventually } from '../support/eventually.js';
import { openDatabase } from '../../src/storage/database.js';
import { parseDatabaseUrl } from '../../src/config/config.js';

const DB = 'Username-Password-Authentication';
const PASSWORD = 'Correct-Horse-Battery-9';

const systemAudience = (s: TestServer): string => (s.bootstrap as unknown as { audience: string }).audience;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A machine-to-machine application granted exactly `scope` on the Management API, and its token. */
async function tokenWithOnly(s: TestServer, scope: string[]): Promise<string> {
  const admin = await managementToken(s);
  const client = await call(s, '/api/v2/clients', { headers: bearer(admin), body: { name: `m2m ${randomBytes(3).toString('hex')}`, app_type: 'non_interactive', grant_types: ['client_credentials'] } });
  expect(client.status, client.text).toBe(201);
  const grant = await call(s, '/api/v2/client-grants', { headers: bearer(admin), body: { client_id: client.body.client_id, audience: systemAudience(s), scope } });
  expect(grant.status, grant.text).toBe(201);
  const token = await call(s, '/oauth/token', {
    form: { grant_type: 'client_credentials', client_id: client.body.client_id, client_secret: client.body.client_secret, audience: `http://localhost:${s.port}/api/v2/` },
  });
  expect(token.status, token.text).toBe(200);
  return token.body.access_token;
}

/** A user of the database connection and a public application to ask for its password reset. */
async function userAndApp(s: TestServer): Promise<{ email: string; clientId: string }> {
  const admin = await managementToken(s);
  const email = `user-${randomBytes(4).toString('hex')}@example.com`;
  const user = await call(s, '/api/v2/users', { headers: bearer(admin), body: { connection: DB, email, password: PASSWORD } });
  expect(user.status, user.text).toBe(201);
  const app = await call(s, '/api/v2/clients', { headers: bearer(admin), body: { name: `spa ${email}`, app_type: 'spa', callbacks: ['https://app.example.com/cb'] } });
  expect(app.status, app.text).toBe(201);
  return { email, clientId: app.body.client_id };
}

async function outboxRows(s: TestServer): Promise<number> {
  const { db } = await openDatabase(parseDatabaseUrl(s.database.url));
  try {
    return Number((await sql<{ n: number | string }>`select count(*) as n from dev_outbox`.execute(db)).rows[0]!.n);
  } finally {
    await db.destroy();
  }
}

describe('finding 7: development outbox (default, no SMTP_URL)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('finding 7: warns at start that SMTP_URL is not set', () => {
    expect(server.output()).toContain('SMTP_URL is not set');
  });

  it('finding 7: a client with read:email_provider only gets 403 on the outbox; the bootstrap application reads it', async () => {
    const { email, clientId } = await userAndApp(server);
    const reset = await call(server, '/dbconnections/change_password', { body: { client_id: clientId, connection: DB, email } });
    expect(reset.status).toBe(200);

    const emailProvider = await tokenWithOnly(server, ['read:email_provider']);
    const refused = await call(server, '/api/v2/tessera/outbox', { headers: bearer(emailProvider) });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ statusCode: 403, errorCode: 'insufficient_scope' });
    expect(refused.text).not.toContain('reset-password');

    const messages = await eventually(
      async () => (await call(server, `/api/v2/tessera/outbox?to=${encodeURIComponent(email)}`, { headers: bearer(await managementToken(server)) })).body as any[],
      (list) => list.length > 0,
    );
    expect(messages[0].text).toContain('/u/reset-password?ticket=');

    const devOutbox = await tokenWithOnly(server, ['read:dev_outbox']);
    expect((await call(server, '/api/v2/tessera/outbox', { headers: bearer(devOutbox) })).status).toBe(200);
  });
});

describe('finding 7: NODE_ENV=production without SMTP_URL', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ env: { NODE_ENV: 'production' } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('finding 7: production mode stores nothing in the outbox; sends fail visibly and are logged', async () => {
    expect(server.output()).toContain('NODE_ENV=production');
    const { email, clientId } = await userAndApp(server);
    const admin = await managementToken(server);

    // Background send (the answer never tells whether the address exists): a failure log event.
    const reset = await call(server, '/dbconnections/change_password', { body: { client_id: clientId, connection: DB, email } });
    expect(reset.status).toBe(200);
    const failures = await eventually(
      async () => (await call(server, `/api/v2/logs?q=${encodeURIComponent('type:fcpr')}`, { headers: bearer(admin) })).body as any[],
      (logs) => logs.length > 0,
      5_000,
    );
    expect(failures[0].description).toContain('No email provider is configured');

    // A send the caller waits for: an error answer, never a stored message.
    const users = (await call(server, `/api/v2/users-by-email?email=${encodeURIComponent(email)}`, { headers: bearer(admin) })).body as any[];
    const job = await call(server, '/api/v2/jobs/verification-email', { headers: bearer(admin), body: { user_id: users[0].user_id } });
    expect(job.status).toBe(503);
    expect(job.body).toMatchObject({ errorCode: 'email_provider_not_configured' });

    expect(await outboxRows(server)).toBe(0);
    expect((await call(server, '/api/v2/tessera/outbox', { headers: bearer(admin) })).body).toEqual([]);
  });
});
