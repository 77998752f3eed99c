/**
 * Management API routes of Auth0 features Tessera does not have (src/management-api/unavailable-features.ts):
 * reads answer Auth0's empty list or its 403 `feature_not_enabled`, a write is never a silent
 * success, and every route still asks for a token with Auth0's scope for it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcess, type InProcessServer } from '../support/in-process.js';
import { UNAVAILABLE_FEATURES } from '../../src/management-api/unavailable-features.js';
import { MANAGEMENT_API_SCOPES } from '../../src/domain/management-api-scopes.js';

let server: InProcessServer;
let token: string;

beforeAll(async () => {
  server = await startInProcess();
  token = await server.tokenFor('dev');
});
afterAll(async () => server?.close());

const get = (path: string, bearer = token) => server.api('dev', bearer, 'GET', path);

describe('features Tessera does not have', () => {
  it('answers the empty list where none exist, in Auth0 response shapes', async () => {
    expect((await get('/api/v2/actions/actions?page=1&per_page=20')).body).toEqual({ actions: [], total: 0, page: 1, per_page: 20 });
    // Hostile paging is answered with the defaults, not echoed.
    expect((await get('/api/v2/actions/actions?page=-1&per_page=1e400')).body).toEqual({ actions: [], total: 0, page: 0, per_page: 50 });
    expect((await get('/api/v2/actions/triggers')).body).toEqual({ triggers: [] });
    expect((await get('/api/v2/log-streams')).body).toEqual([]);
    expect((await get('/api/v2/organizations')).body).toEqual([]);
    expect((await get('/api/v2/organizations?include_totals=true&per_page=10')).body).toEqual({ organizations: [], start: 0, limit: 10, total: 0 });
    expect((await get('/api/v2/organizations?take=50')).body).toEqual({ organizations: [] });
  });

  it("answers Auth0's 403 feature_not_enabled where the feature is absent, naming it", async () => {
    for (const path of ['/api/v2/rules', '/api/v2/hooks', '/api/v2/guardian/factors', '/api/v2/attack-protection/bot-detection', '/api/v2/actions/modules', '/api/v2/organizations/org_1']) {
      const res = await get(path);
      expect(res.status, path).toBe(403);
      expect(res.body).toMatchObject({ statusCode: 403, error: 'Forbidden', errorCode: 'feature_not_enabled' });
      expect(res.body.message).toMatch(/^This feature is not enabled for this tenant: .+\.$/);
    }
    expect((await get('/api/v2/guardian/factors')).body.message).toContain('Multi-factor authentication');
    // A tenant on the built-in email delivery has no email provider, as in Auth0.
    expect(await get('/api/v2/emails/provider')).toEqual({
      status: 404,
      body: { statusCode: 404, error: 'Not Found', message: 'There is no configured email provider', errorCode: 'inexistent_email_provider' },
    });
  });

  it('refuses every write with 403 naming the feature, logged as a failed API operation', async () => {
    const writes: Array<[string, string, unknown]> = [
      ['POST', '/api/v2/actions/actions', { name: 'add-claims', supported_triggers: [{ id: 'post-login', version: 'v3' }], code: 'exports.onExecutePostLogin = async () => {}' }],
      ['PATCH', '/api/v2/actions/triggers/post-login/bindings', { bindings: [] }],
      ['POST', '/api/v2/log-streams', { type: 'http', sink: { httpEndpoint: 'https://logs.example.com' } }],
      ['POST', '/api/v2/organizations', { name: 'acme' }],
      ['PUT', '/api/v2/guardian/factors/otp', { enabled: true }],
      ['PATCH', '/api/v2/emails/provider', { name: 'smtp' }],
      ['DELETE', '/api/v2/rules/rul_1', undefined],
    ];
    for (const [method, path, body] of writes) {
      const res = await server.api('dev', token, method, path, body);
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.errorCode).toBe('feature_not_enabled');
    }
    const created = await server.api('dev', token, 'POST', '/api/v2/log-streams', { type: 'http' });
    expect(created.body.message).toBe('This feature is not enabled for this tenant: Log streams (read the tenant logs with GET /api/v2/logs instead).');
    await server.drain();
    const logs = await get('/api/v2/logs?q=type:fapi&per_page=100');
    expect(logs.body.map((log: any) => log.description)).toContain('POST /api/v2/log-streams');
  });

  it("asks for Auth0's scope of the feature, like any route", async () => {
    const narrow = await server.tokenFor('dev', { scope: 'read:clients' });
    const res = await get('/api/v2/actions/actions', narrow);
    expect(res.status).toBe(403);
    expect(res.body.errorCode).toBe('insufficient_scope');
    expect((await server.api('dev', '', 'GET', '/api/v2/log-streams')).status).toBe(401);
    // The token's scope for the feature opens the read, and only the read.
    const readOnly = await server.tokenFor('dev', { scope: 'read:log_streams' });
    expect((await get('/api/v2/log-streams', readOnly)).status).toBe(200);
    expect((await server.api('dev', readOnly, 'POST', '/api/v2/log-streams', {})).body.errorCode).toBe('insufficient_scope');
  });

  it('serves every listed feature: each prefix refuses a write naming its feature', async () => {
    // Scopes the Management API does not define could never be granted: the route would answer insufficient_scope only.
    for (const feature of UNAVAILABLE_FEATURES) for (const scope of Object.values(feature.scopes)) expect(MANAGEMENT_API_SCOPES, feature.name).toContain(scope);
    for (const feature of UNAVAILABLE_FEATURES) {
      for (const prefix of feature.prefixes) {
        const path = `/api/v2${prefix.replace(':id', 'con_1')}/x`;
        const res = await server.api('dev', token, 'POST', path, {});
        expect(res.status, path).toBe(403);
        expect(res.body.message, path).toBe(`This feature is not enabled for this tenant: ${feature.name} (${feature.reason}).`);
      }
    }
  });
});
