/**
 * `request.audit` on the real server (server/audit.ts): events of the Authentication API and the
 * Management API carry the request's tenant, client IP (here from X-Forwarded-For, TRUST_PROXY
 * being on), User-Agent ('' without one) and the application they are about, and are dated by the
 * services' clock. The merge rules themselves are unit-tested in test/unit/audit.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcess, type InProcessServer } from '../support/in-process.js';

let server: InProcessServer;
let token: string;

beforeAll(async () => {
  server = await startInProcess();
  token = await server.tokenFor('dev');
});

afterAll(async () => {
  await server?.close();
});

/** POST /oauth/token (client credentials) on `tenant`'s host, from `ip`, with the given User-Agent (undefined: none). */
async function clientCredentials(tenant: string, secret: string, ip: string, userAgent: string | undefined) {
  const creds = server.bootstrapOf(tenant);
  return server.app.inject({
    method: 'POST',
    url: '/oauth/token',
    headers: { host: server.hostOf(tenant), 'x-forwarded-proto': 'https', 'x-forwarded-for': ip, 'content-type': 'application/x-www-form-urlencoded', 'user-agent': userAgent },
    payload: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: creds.client_id,
      client_secret: secret,
      audience: server.services.tenants.publicOrigin.managementApiIdentifier(tenant),
    }).toString(),
  });
}

/** The tenant's log events from `ip`, oldest first. */
async function eventsFrom(tenant: string, ip: string, tenantToken = token): Promise<Record<string, unknown>[]> {
  await server.services.logs.flush();
  const res = await server.api(tenant, tenantToken, 'GET', `/api/v2/logs?q=${encodeURIComponent(`ip:"${ip}"`)}&sort=date:1`);
  expect(res.status).toBe(200);
  return res.body;
}

describe('request.audit', () => {
  it("fills the tenant, IP address, user agent and application of Authentication API events; the clock dates them", async () => {
    const creds = server.bootstrapOf('dev');
    const at = Date.UTC(2031, 4, 6, 7, 8, 9);
    server.clock.set(at);
    try {
      expect((await clientCredentials('dev', creds.client_secret, '203.0.113.7', 'audit-test/1.0')).statusCode).toBe(200);
      expect((await clientCredentials('dev', 'wrong-secret', '203.0.113.7', undefined)).statusCode).toBe(401);
    } finally {
      // Back to the wall clock before reading: the Management API token was minted on it.
      server.clock.set(Date.now());
    }
    const events = await eventsFrom('dev', '203.0.113.7');
    expect(events.map((e) => [e.type, e.ip, e.user_agent, e.client_id])).toEqual([
      ['seccft', '203.0.113.7', 'audit-test/1.0', creds.client_id],
      ['feccft', '203.0.113.7', '', creds.client_id],
    ]);
    expect(events[0]!.client_name).toEqual(expect.any(String));
    for (const event of events) expect(Date.parse(event.date as string) - at).toBeGreaterThanOrEqual(0);
    for (const event of events) expect(Date.parse(event.date as string) - at).toBeLessThan(60_000);
  });

  it("logs for the request's own tenant only", async () => {
    const other = await server.createTenant('audited');
    expect((await clientCredentials('audited', other.client_secret, '203.0.113.8', 'audit-test/2.0')).statusCode).toBe(200);
    const otherToken = await server.tokenFor('audited');
    expect((await eventsFrom('audited', '203.0.113.8', otherToken)).map((e) => [e.type, e.client_id, e.user_agent])).toEqual([['seccft', other.client_id, 'audit-test/2.0']]);
    expect(await eventsFrom('dev', '203.0.113.8')).toEqual([]);
  });

  it("gives a Management API write's sapi event the token's application, the IP address and the user agent", async () => {
    const res = await server.app.inject({
      method: 'POST',
      url: '/api/v2/roles',
      headers: { host: server.hostOf('dev'), 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.9', 'user-agent': 'audit-test/3.0', authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'auditors' }),
    });
    expect(res.statusCode).toBe(200);
    const [event] = await eventsFrom('dev', '203.0.113.9');
    expect(event).toMatchObject({ type: 'sapi', client_id: server.bootstrap.client_id, ip: '203.0.113.9', user_agent: 'audit-test/3.0', description: 'POST /api/v2/roles' });
  });
});
