/**
 * Pins every answer of client authentication at the endpoints that share it (token, revoke,
 * pushed authorization requests, passwordless start): status, `error`, `error_description` and WWW-Authenticate, for each way a
 * request can present (or fail to present) its credentials. Issue 12 moved client authentication
 * into a registry of methods; these answers are the ones of the hand-written module before it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, managementToken, startServer, type TestServer } from '../support/server.js';

let server: TestServer;
let web: { client_id: string; client_secret: string };
let post: { client_id: string; client_secret: string };
let spa: { client_id: string; client_secret?: string };

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
const INVALID_CLIENT = { error: 'invalid_client', error_description: 'Client authentication failed.' };

beforeAll(async () => {
  server = await startServer();
  const token = await managementToken(server);
  const create = async (body: object) => (await call(server, '/api/v2/clients', { headers: { authorization: `Bearer ${token}` }, body })).body;
  web = await create({ name: 'Web', app_type: 'regular_web', grant_types: ['client_credentials', 'refresh_token'], token_endpoint_auth_method: 'client_secret_basic' });
  post = await create({ name: 'Post', app_type: 'non_interactive', grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_post' });
  spa = await create({ name: 'SPA', app_type: 'spa', callbacks: ['https://app.example.com/cb'] });
  const par = await call(server, '/api/v2/tenants/settings', { method: 'PATCH', headers: { authorization: `Bearer ${token}` }, body: { pushed_authorization_requests_supported: true } });
  expect(par.status).toBe(200);
});
afterAll(async () => server?.stop());

/** Each endpoint that authenticates clients, with a body that is otherwise fine up to its next check. */
const ENDPOINTS = [
  { path: '/oauth/token', body: { grant_type: 'refresh_token', refresh_token: 'x' } },
  { path: '/oauth/revoke', body: { token: 'x' } },
  // No redirect_uri: an authenticated push is refused by the first authorization check.
  { path: '/oauth/par', body: { response_type: 'code' } },
] as const;

describe.each(ENDPOINTS)('client authentication at $path', ({ path, body }) => {
  const send = (form: Record<string, string>, authorization?: string) => call(server, path, { form: { ...body, ...form }, ...(authorization ? { headers: { authorization } } : {}) });

  it('refuses two methods at once (Basic header and client_secret in the body)', async () => {
    const res = await send({ client_secret: web.client_secret }, basic(web.client_id, web.client_secret));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'Client authentication must use only one method (Basic header or client_secret in the body).' });
    expect(res.headers.get('www-authenticate')).toBeNull();
  });

  it('refuses a Basic header without a colon, or with an empty id, as invalid_client with a challenge', async () => {
    for (const header of [`Basic ${Buffer.from('no-colon').toString('base64')}`, basic('', 'secret')]) {
      const res = await send({}, header);
      expect(res.status).toBe(401);
      expect(res.body).toEqual(INVALID_CLIENT);
      expect(res.headers.get('www-authenticate')).toBe('Basic realm="oauth"');
    }
  });

  it('reads an Authorization header that is not `Basic <credentials>` as no header at all', async () => {
    for (const header of ['Basic', 'Bearer abc']) {
      const res = await send({}, header);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid_request', error_description: 'Missing required parameter: client_id' });
    }
  });

  it('refuses a body client_id that differs from the Basic header', async () => {
    const res = await send({ client_id: post.client_id }, basic(web.client_id, web.client_secret));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'client_id in the body does not match the Authorization header.' });
  });

  it('asks for client_id when neither a header nor a client_id is sent', async () => {
    for (const form of [{}, { client_id: '' }, { client_secret: 'x' }] as Array<Record<string, string>>) {
      const res = await send(form);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid_request', error_description: 'Missing required parameter: client_id' });
    }
  });

  it('answers unknown clients and wrong secrets alike; a challenge only for Basic', async () => {
    const cases: Array<[Record<string, string>, string | undefined, boolean]> = [
      [{ client_id: 'nope', client_secret: 'x' }, undefined, false],
      [{ client_id: 'nope' }, undefined, false],
      [{}, basic('nope', 'x'), true],
      [{ client_id: web.client_id, client_secret: 'wrong' }, undefined, false],
      [{}, basic(web.client_id, 'wrong'), true],
      // A confidential application that sends no secret.
      [{ client_id: web.client_id }, undefined, false],
      // A public application has no secret: presenting one is a misconfiguration, not a pass.
      [{ client_id: spa.client_id, client_secret: 'anything' }, undefined, false],
      [{}, basic(spa.client_id, 'anything'), true],
    ];
    for (const [form, authorization, challenged] of cases) {
      const res = await send(form, authorization);
      expect(res.status).toBe(401);
      expect(res.body).toEqual(INVALID_CLIENT);
      expect(res.headers.get('www-authenticate')).toBe(challenged ? 'Basic realm="oauth"' : null);
    }
  });

  it('lets a client use either secret method, whichever it is registered with (as before), and a public client its client_id', async () => {
    const passes = [
      send({}, basic(web.client_id, web.client_secret)),
      send({ client_id: web.client_id, client_secret: web.client_secret }),
      send({}, basic(post.client_id, post.client_secret)),
      send({ client_id: post.client_id }, basic(encodeURIComponent(post.client_id), encodeURIComponent(post.client_secret))),
      send({ client_id: post.client_id, client_secret: post.client_secret }),
      ...(path === '/oauth/par' ? [] : [send({ client_id: spa.client_id })]),
    ];
    for (const res of await Promise.all(passes)) {
      // Authenticated: the answer is the next check's (an unknown refresh token, revoke's 200, a push without redirect_uri).
      if (path === '/oauth/revoke') expect(res.status).toBe(200);
      else if (path === '/oauth/par') expect(res.body).toEqual({ error: 'invalid_request', error_description: 'Missing required parameter: redirect_uri' });
      else expect(res.body.error === 'invalid_client' ? res.body : 'authenticated').toBe('authenticated');
    }
    // A push needs an authenticating method (Auth0): a public client's client_id alone is refused.
    if (path === '/oauth/par') {
      const pub = await send({ client_id: spa.client_id });
      expect(pub.status).toBe(401);
      expect(pub.body).toEqual({ error: 'invalid_client', error_description: 'Client authentication is required for Pushed Authorization Requests.' });
    }
  });
});

describe('client authentication at /passwordless/start', () => {
  const start = (body: Record<string, string>, authorization?: string) =>
    call(server, '/passwordless/start', { body: { connection: 'email', email: 'a@example.com', send: 'code', ...body }, ...(authorization ? { headers: { authorization } } : {}) });

  it('checks client assertions like the token endpoint, refuses two methods at once, a missing client_id and unknown clients', async () => {
    const assertion = await start({ client_id: web.client_id, client_assertion: 'x', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' });
    expect(assertion.status).toBe(401);
    expect(assertion.body).toEqual({ error: 'invalid_client', error_description: 'Invalid client assertion: not a compact JWS.' });
    const both = await start({ client_secret: web.client_secret }, basic(web.client_id, web.client_secret));
    expect(both.status).toBe(400);
    expect(both.body).toEqual({ error: 'invalid_request', error_description: 'Client authentication must use only one method (Basic header or client_secret in the body).' });
    const missing = await start({});
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ error: 'bad.client_id', error_description: 'Missing required property: client_id' });
    const secretWithoutId = await start({ client_secret: 'x' });
    expect(secretWithoutId.body).toEqual({ error: 'invalid_request', error_description: 'Missing required parameter: client_id' });
    const unknown = await start({ client_id: 'nope' });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(INVALID_CLIENT);
    const wrong = await start({}, basic(web.client_id, 'wrong'));
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual(INVALID_CLIENT);
    expect(wrong.headers.get('www-authenticate')).toBe('Basic realm="oauth"');
  });

  it('goes on to the connection once the caller is known (secret, public, or an unauthenticated confidential app)', async () => {
    for (const res of [
      await start({}, basic(web.client_id, web.client_secret)),
      await start({ client_id: web.client_id, client_secret: web.client_secret }),
      await start({ client_id: spa.client_id }),
      await start({ client_id: web.client_id }),
    ]) {
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('bad.connection');
    }
  });
});
