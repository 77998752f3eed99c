/**
 * Issue 11's hostile-input findings over real TLS against the real server: the email check that
 * cannot be made to backtrack (3), identifiers bounded before any lookup (5), JSON nesting (16),
 * user search nesting (14), wrong JSON types and invalid addresses (17), and the 413 every client
 * can read (18).
 *
 * @storage-neutral (bounds enforced before any lookup): runs on SQLite only (test/support/suite-plan.ts).
 */
import { request as httpsRequest } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
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
    expect(((await signup.json()) as any).code).toBe('invalid_body');
    const created = await tls.api('dev', token, 'POST', '/api/v2/users', { connection: DB, email: long, password: 'Xk9#mTq2!vLp' });
    expect(created.status).toBe(400);
    expect(created.body.errorCode).toBe('invalid_body');
    // The same check everywhere: markup is no address, on sign-up as on passwordless start.
    const markup = await post('/dbconnections/signup', { client_id: spa.client_id, connection: DB, email: '<b>x</b>@example.com', password: 'Xk9#mTq2!vLp' });
    expect(markup.status).toBe(400);
  });
});

describe('finding 17: wrong types and invalid addresses are 400s', () => {
  it('finding 17: /passwordless/start refuses <script>…</script>@example.com with bad.email', async () => {
    const res = await post('/passwordless/start', { client_id: spa.client_id, connection: 'email', email: '<script>alert(1)</script>@example.com', send: 'code' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error).toBe('bad.email');
    const ok = await post('/passwordless/start', { client_id: spa.client_id, connection: 'email', email: 'jane@example.com', send: 'code' });
    expect(ok.status).toBe(200);
  });

  it('finding 17: POST /oauth/revoke with a numeric token (JSON) is a 400 invalid_request', async () => {
    const res = await post('/oauth/revoke', { client_id: m2m.client_id, client_secret: m2m.client_secret, token: 12345 });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'invalid_request', error_description: 'Parameter token must be a string.' });
    const ok = await post('/oauth/revoke', { client_id: m2m.client_id, client_secret: m2m.client_secret, token: 'unknown-token' });
    expect(ok.status).toBe(200);
  });

  it('finding 17: token endpoint parameters that are not strings are a 400 invalid_request', async () => {
    for (const body of [
      { grant_type: 'client_credentials', client_id: m2m.client_id, client_secret: 12345, audience: `${base}/api/v2/` },
      { grant_type: 'refresh_token', client_id: spa.client_id, refresh_token: true },
      { grant_type: 'client_credentials', client_id: m2m.client_id, client_secret: m2m.client_secret, audience: { url: base } },
    ]) {
      const res = await post('/oauth/token', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as any).error).toBe('invalid_request');
    }
  });
});

/**
 * A request with a Host header of our choosing (fetch computes Host from the URL). The dev CA is not
 * needed here: what is checked is the server's answer, not its identity.
 */
function withHost(host: string, path: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({ host: '127.0.0.1', port: tls.server.port, path, servername: 'dev.localhost', headers: { host }, rejectUnauthorized: false }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('finding 5: identifiers are bounded before any lookup', () => {
  it('finding 5: a client_id over 64 characters is a 400 invalid_request on the token endpoint (body and Basic) and /authorize', async () => {
    const long = 'c'.repeat(65);
    const form = (body: Record<string, string>, headers: Record<string, string> = {}) =>
      tls.caFetch(`${base}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(body) });
    for (const res of [
      await form({ grant_type: 'client_credentials', client_id: long, client_secret: 'x' }),
      await post('/oauth/token', { grant_type: 'client_credentials', client_id: 'x'.repeat(100_000), client_secret: 'x' }),
      await form({ grant_type: 'client_credentials' }, { authorization: `Basic ${Buffer.from(`${long}:secret`).toString('base64')}` }),
      await tls.caFetch(`${base}/authorize?client_id=${long}&response_type=code&redirect_uri=https://spa.example.com/callback`),
    ]) {
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: 'invalid_request', error_description: 'Invalid client_id: longer than 64 characters.' });
    }
    // A real id still works.
    const ok = await form({ grant_type: 'client_credentials', client_id: m2m.client_id, client_secret: m2m.client_secret, audience: `${base}/api/v2/` });
    expect(ok.status).not.toBe(400);
  });

  it('finding 5: a connection or realm name over 128 characters is a 400 before any lookup', async () => {
    const long = 'n'.repeat(129);
    for (const [path, body] of [
      ['/dbconnections/change_password', { client_id: m2m.client_id, email: 'jane@example.com', connection: long }],
      ['/passwordless/start', { client_id: m2m.client_id, connection: long, email: 'jane@example.com', send: 'code' }],
      ['/oauth/token', { grant_type: 'http://auth0.com/oauth/grant-type/password-realm', client_id: m2m.client_id, username: 'jane@example.com', password: 'x', realm: long }],
    ] as const) {
      const res = await post(path, body);
      expect(res.status, path).toBe(400);
      expect(((await res.json()) as { error_description: string }).error_description, path).toMatch(/longer than 128 characters/);
    }
  });

  it('finding 5: an audience over 600 characters is a 400 on the token endpoint', async () => {
    const res = await post('/oauth/token', { grant_type: 'client_credentials', client_id: m2m.client_id, client_secret: m2m.client_secret, audience: `https://api.example.com/${'a'.repeat(600)}` });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'invalid_request', error_description: 'Invalid audience: longer than 600 characters.' });
  });

  it('finding 5: a Host over 255 characters is a 400 before tenant resolution, in each API\'s format', async () => {
    const host = `${'h'.repeat(250)}.localhost:${tls.server.port}`;
    const auth = await withHost(host, '/.well-known/openid-configuration');
    expect(auth.status).toBe(400);
    expect(auth.body).toEqual({ error: 'invalid_request', error_description: 'Invalid Host header: longer than 255 characters.' });
    const management = await withHost(host, '/api/v2/clients');
    expect(management.status).toBe(400);
    expect(management.body).toMatchObject({ statusCode: 400, errorCode: 'invalid_host', message: 'Invalid Host header: longer than 255 characters.' });
    expect((await withHost(`dev.localhost:${tls.server.port}`, '/.well-known/openid-configuration')).status).toBe(200);
  });
});

describe('finding 16: deeply nested JSON', () => {
  const nested = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

  it('finding 16: app_metadata 10,000 levels deep is a 400 on the Management API, in its format', async () => {
    const body = `{"connection":"${DB}","email":"deep@example.com","password":"Xk9#mTq2!vLp","app_metadata":${nested(10_000)}}`;
    const res = await tls.caFetch(`${base}/api/v2/users`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ statusCode: 400, error: 'Bad Request', message: 'Invalid request body: JSON nested deeper than 32 levels.', errorCode: 'invalid_body' });
  });

  it('finding 16: a body nested deeper than 32 levels is a 400 on the Authentication API; brackets inside strings do not count', async () => {
    const res = await post('/oauth/token', `{"grant_type":"client_credentials","x":${nested(33)}}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'invalid_request', error_description: 'Invalid request body: JSON nested deeper than 32 levels.' });
    // 32 levels of metadata and any number of brackets inside a string are fine.
    const fine = await tls.api('dev', token, 'POST', '/api/v2/users', { connection: DB, email: 'nested@example.com', password: 'Xk9#mTq2!vLp', user_metadata: { note: '[[[[{{{{'.repeat(100), deep: JSON.parse(nested(30)) } });
    expect(fine.status, JSON.stringify(fine.body)).toBe(201);
  });
});

describe('finding 14: user search nesting', () => {
  it('finding 14: GET /api/v2/users?q= with 600 nested NOTs is a 400 with a clear message', async () => {
    const res = await tls.api('dev', token, 'GET', `/api/v2/users?q=${encodeURIComponent(`${'-'.repeat(600)}email:a`)}&search_engine=v3`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, errorCode: 'invalid_query_string' });
    expect(res.body.message).toContain('nested deeper than 8 levels');
  });
});

/**
 * Writes a whole request over a raw TLS socket before reading anything, as simple clients do, and
 * resolves with what the server answered (or the socket error that lost the answer).
 */
function rawRequest(head: string, body: Buffer[]): Promise<{ text: string; error?: string }> {
  return new Promise((resolve) => {
    const socket = tlsConnect({ host: '127.0.0.1', port: tls.server.port, servername: 'dev.localhost', rejectUnauthorized: false });
    let text = '';
    let error: string | undefined;
    socket.on('data', (chunk) => (text += chunk.toString('latin1')));
    socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
    socket.on('close', () => resolve({ text, ...(error ? { error } : {}) }));
    socket.once('secureConnect', async () => {
      socket.write(head);
      for (const chunk of body) if (!socket.write(chunk)) await new Promise((next) => socket.once('drain', next));
    });
  });
}

describe('finding 18: every client can read the 413', () => {
  const chunk = Buffer.alloc(64 * 1024, 'a');
  const fourMegabytes = Array.from({ length: 64 }, () => chunk);

  it('finding 18: a raw TLS client writing a 4 MB body (limit 1 MB, Content-Length) reads the 413 status line', async () => {
    const head = `POST /oauth/token HTTP/1.1\r\nhost: dev.localhost:${tls.server.port}\r\ncontent-type: application/json\r\ncontent-length: ${64 * chunk.length}\r\n\r\n`;
    const answer = await rawRequest(head, fourMegabytes);
    expect(answer.error).toBeUndefined();
    expect(answer.text.startsWith('HTTP/1.1 413 ')).toBe(true);
    expect(answer.text).toContain('"error":"invalid_request"');
  });

  it('finding 18: the same with a chunked body, on the Management API', async () => {
    const head = `POST /api/v2/users HTTP/1.1\r\nhost: dev.localhost:${tls.server.port}\r\nauthorization: Bearer ${token}\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n`;
    const framed = fourMegabytes.map((c) => Buffer.concat([Buffer.from(`${c.length.toString(16)}\r\n`), c, Buffer.from('\r\n')]));
    const answer = await rawRequest(head, [...framed, Buffer.from('0\r\n\r\n')]);
    expect(answer.error).toBeUndefined();
    expect(answer.text.startsWith('HTTP/1.1 413 ')).toBe(true);
    expect(answer.text).toContain('"statusCode":413');
  });
});

describe('a wrong method on a POST-only endpoint is a 405 naming POST, not a 404', () => {
  it('answers 405 with Allow: POST and an Authentication API error, for every POST-only endpoint', async () => {
    for (const path of ['/oauth/par', '/oauth/token', '/oauth/revoke', '/oauth/device/code', '/oidc/register', '/bc-authorize']) {
      for (const method of ['GET', 'PUT', 'PATCH', 'DELETE']) {
        const res = await tls.caFetch(`${base}${path}?x=1`, { method });
        expect(res.status, `${method} ${path}`).toBe(405);
        expect(res.headers.get('allow'), `${method} ${path}`).toBe('POST');
        expect(await res.json()).toEqual({ error: 'method_not_allowed', error_description: `${method} is not allowed on ${path}; use POST.` });
      }
    }
    // The endpoints themselves, and paths that do not exist, are unchanged.
    expect((await tls.caFetch(`${base}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=bogus' })).status).toBe(400);
    expect((await tls.caFetch(`${base}/oauth/nothing`)).status).toBe(404);
    // CORS preflights keep their own answer.
    const preflight = await tls.caFetch(`${base}/oauth/token`, { method: 'OPTIONS', headers: { origin: 'https://spa.example.com', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
  });
});
