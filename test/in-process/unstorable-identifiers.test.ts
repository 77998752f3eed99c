/**
 * Identifiers PostgreSQL cannot store (NUL is refused in text with 22021; a lone surrogate cannot be
 * encoded) are a 400 in Auth0's format on every POST endpoint that looks them up — before client
 * authentication (client_id, in the body or Basic) and after it (audience) — never a 500. Runs on
 * both databases: SQLite stores NUL happily, PostgreSQL is where the 500 was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcess, type InProcessServer } from '../support/in-process.js';

const CIBA = 'urn:openid:params:grant-type:ciba';
const DEVICE = 'urn:ietf:params:oauth:grant-type:device_code';

let server: InProcessServer;
let token: string;
let base: string;
let app: { client_id: string; client_secret: string };
let tv: { client_id: string };

beforeAll(async () => {
  server = await startInProcess();
  token = await server.tokenFor('dev');
  base = server.originOf('dev');
  const created = await server.api('dev', token, 'POST', '/api/v2/clients', {
    name: 'Everything',
    app_type: 'regular_web',
    callbacks: ['https://app.example.com/callback'],
    grant_types: ['client_credentials', CIBA, 'authorization_code'],
    async_approval_notification_channels: ['email'],
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  app = created.body;
  const native = await server.api('dev', token, 'POST', '/api/v2/clients', { name: 'TV', app_type: 'native', grant_types: [DEVICE] });
  expect(native.status, JSON.stringify(native.body)).toBe(201);
  tv = native.body;
});
afterAll(async () => server?.close());

/** Each endpoint with the parameters that get it as far as its lookups. */
const ENDPOINTS: Array<[path: string, form: Record<string, string>]> = [
  ['/oauth/token', { grant_type: 'client_credentials' }],
  ['/oauth/device/code', { scope: 'openid' }],
  ['/oauth/par', { response_type: 'code', redirect_uri: 'https://app.example.com/callback', scope: 'openid' }],
  ['/bc-authorize', { scope: 'openid', binding_message: 'TX', requested_expiry: '600', login_hint: '{"format":"iss_sub","iss":"x","sub":"y"}' }],
];

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  server.fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });

async function expect400(res: Response, what: string): Promise<void> {
  const text = await res.text();
  expect(res.status, `${what}: ${text}`).toBe(400);
  const body = JSON.parse(text);
  expect(body.error, what).toBe('invalid_request');
  expect(typeof body.error_description, what).toBe('string');
}

describe('control characters and lone surrogates in identifiers', () => {
  it('client_id with NUL (form, JSON, Basic) is a 400 before client authentication on every POST endpoint', async () => {
    for (const [path, form] of ENDPOINTS) {
      const rest = new URLSearchParams(form).toString();
      await expect400(await post(path, `client_id=a%00b&client_secret=x&${rest}`), `${path} form`);
      await expect400(await post(path, JSON.stringify({ client_id: 'a\u0000b', client_secret: 'x', ...form }), { 'content-type': 'application/json' }), `${path} JSON`);
      await expect400(await post(path, JSON.stringify({ client_id: 'a\ud800b', client_secret: 'x', ...form }), { 'content-type': 'application/json' }), `${path} lone surrogate`);
      await expect400(await post(path, rest, { authorization: `Basic ${Buffer.from('a%00b:x').toString('base64')}` }), `${path} Basic`);
    }
  });

  it('audience with NUL or a control character is a 400 after client authentication on every POST endpoint', async () => {
    for (const [path, form] of ENDPOINTS) {
      const credentials: Record<string, string> = path === '/oauth/device/code' ? { client_id: tv.client_id } : { client_id: app.client_id, client_secret: app.client_secret };
      const rest = new URLSearchParams({ ...credentials, ...form }).toString();
      await expect400(await post(path, `${rest}&audience=a%00b`), `${path} NUL`);
      await expect400(await post(path, `${rest}&audience=a%0Ab`), `${path} newline`);
    }
  });

  it('a NUL that reaches PostgreSQL through another field is a 4xx in the API\'s format, not a 500 (the 22021 backstop)', async () => {
    for (const path of ['/api/v2/clients/a%00b', '/api/v2/users/auth0%7Ca%00b', '/api/v2/resource-servers/a%00b']) {
      const res = await server.api('dev', token, 'GET', path);
      expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBeGreaterThanOrEqual(400);
      expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBeLessThan(500);
      expect(typeof res.body.message).toBe('string');
    }
  });

  it('/authorize refuses client_id with NUL with a 400 (an error page, no redirect)', async () => {
    const res = await server.fetch(`${base}/authorize?client_id=a%00b&response_type=code&redirect_uri=https://app.example.com/callback`);
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });
});
