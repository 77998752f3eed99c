/**
 * Rich Authorization Requests (RFC 9396, apis__configure-rich-authorization-requests): an API
 * registers its `authorization_details` types, a client grant allows them under
 * `require_client_grant`, an application pushes details to /oauth/par (plain /authorize refuses
 * them), the user sees them, escaped, on the consent page, and the tokens carry exactly what was
 * approved — in the token response, the access token's claim and after a refresh.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTlsServer, type TlsTestServer } from '../support/tls.js';

const CALLBACK = 'https://app.example.com/callback';

let tls: TlsTestServer;
let token: string;
let web: { client_id: string; client_secret: string };

const api = (method: string, path: string, body?: unknown) => tls.api('dev', token, method, `/api/v2${path}`, body);

beforeAll(async () => {
  tls = await startTlsServer(['dev']);
  token = await tls.tokenFor('dev');
  web = (await api('POST', '/clients', { name: 'Bank app', app_type: 'regular_web', callbacks: [CALLBACK], grant_types: ['authorization_code', 'refresh_token'] })).body;
});
afterAll(async () => tls?.close());

describe('Management API: registered types, consent policy, client grants', () => {
  it('registers authorization_details types on an API (create and PATCH), bounded, and answers them back', async () => {
    const created = await api('POST', '/resource-servers', { identifier: 'https://bank.example.com/', authorization_details: [{ type: 'payment_initiation' }], consent_policy: 'standard' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ authorization_details: [{ type: 'payment_initiation' }], consent_policy: 'standard' });
    const patched = await api('PATCH', `/resource-servers/${created.body.id}`, { authorization_details: [{ type: 'payment_initiation' }, { type: 'money_transfer' }] });
    expect(patched.status).toBe(200);
    expect((await api('GET', `/resource-servers/${created.body.id}`)).body.authorization_details).toEqual([{ type: 'payment_initiation' }, { type: 'money_transfer' }]);

    const refusals: Array<[object, RegExp]> = [
      [{ authorization_details: [{ type: 'a' }, { type: 'a' }] }, /duplicate type 'a' in authorization_details/],
      [{ authorization_details: [{ type: '' }] }, /authorization_details/],
      [{ authorization_details: [{ type: 'x'.repeat(256) }] }, /authorization_details/],
      [{ authorization_details: [{ type: 'has space' }] }, /authorization_details/],
      [{ authorization_details: [{ type: 'ok', schema: {} }] }, /authorization_details/],
      [{ authorization_details: Array.from({ length: 101 }, (_, i) => ({ type: `t${i}` })) }, /authorization_details/],
      [{ consent_policy: 'transactional-authorization-with-mfa' }, /^consent_policy is not supported by this server .*MFA push notifications/],
      [{ consent_policy: 'bogus' }, /consent_policy/],
    ];
    for (const [body, message] of refusals) {
      const res = await api('PATCH', `/resource-servers/${created.body.id}`, body);
      expect(res.status, JSON.stringify(body).slice(0, 200)).toBe(400);
      expect(res.body.message).toMatch(message);
    }
    // null unsets both.
    const cleared = await api('POST', '/resource-servers', { identifier: 'https://cleared.example.com/', authorization_details: null, consent_policy: null });
    expect(cleared.status).toBe(201);
  });

  it('takes authorization_details_types on user client grants only, and only types the API registers', async () => {
    await api('POST', '/resource-servers', { identifier: 'https://grants.example.com/', authorization_details: [{ type: 'payment_initiation' }] });
    const user = await api('POST', '/client-grants', { client_id: web.client_id, audience: 'https://grants.example.com/', scope: [], subject_type: 'user', authorization_details_types: ['payment_initiation'] });
    expect(user.status, JSON.stringify(user.body)).toBe(201);
    expect(user.body.authorization_details_types).toEqual(['payment_initiation']);
    const unknown = await api('PATCH', `/client-grants/${user.body.id}`, { authorization_details_types: ['credits_transfer'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/authorization_details_types not registered on the API https:\/\/grants\.example\.com\/: credits_transfer/);
    const client = await api('POST', '/client-grants', { client_id: web.client_id, audience: 'https://grants.example.com/', scope: [], subject_type: 'client', authorization_details_types: ['payment_initiation'] });
    expect(client.status).toBe(400);
    expect(client.body.message).toMatch(/authorization_details_types can only be set on a client grant with subject_type user/);
  });
});
