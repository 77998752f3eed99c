/**
 * Native app links (docs: "Enable Universal Links Support in Apple Xcode", "Enable Android App Links
 * Support"): a native application's `mobile.ios` / `mobile.android` are validated strictly and
 * published, per tenant and host, in `/.well-known/apple-app-site-association` (also at the root,
 * where the docs' test link looks) and `/.well-known/assetlinks.json`; an application change shows at
 * once (the per-tenant cache is dropped by the client invalidation).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInProcess, type InProcessServer } from '../support/in-process.js';

const FINGERPRINT = '14:6D:E9:83:C5:73:06:50:D8:EE:B9:95:2F:34:FC:64:16:A0:83:42:E6:1D:BE:A8:8A:04:96:B2:3F:CF:44:E5';
const FINGERPRINT_2 = 'AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99';
const MOBILE = {
  ios: { team_id: '86WQXF56BC', app_bundle_identifier: 'com.auth0.Passwordless-Email' },
  android: { app_package_name: 'com.mycompany.app1', sha256_cert_fingerprints: [FINGERPRINT] },
};

let server: InProcessServer;
let token: string;
const api = (method: string, path: string, body?: unknown) => server.api('dev', token, method, `/api/v2${path}`, body);

async function file(path: string, host = server.hostOf('dev')): Promise<{ status: number; type: string | null; body: any }> {
  const res = await server.fetch(`http://${host}${path}`);
  return { status: res.status, type: res.headers.get('content-type'), body: await res.json() };
}

beforeAll(async () => {
  server = await startInProcess();
  token = await server.tokenFor('dev');
});
afterAll(async () => {
  await server?.close();
});

describe('native app links', () => {
  it('publishes a native application’s iOS and Android apps in the shapes the docs show', async () => {
    const empty = await file('/.well-known/apple-app-site-association');
    expect(empty.status).toBe(200);
    expect(empty.type).toMatch(/^application\/json(; charset=utf-8)?$/);
    expect(empty.body).toEqual({ applinks: { apps: [], details: [] }, webcredentials: { apps: [] } });
    expect((await file('/.well-known/assetlinks.json')).body).toEqual([]);

    const created = await api('POST', '/clients', { name: 'Phone app', app_type: 'native', callbacks: ['com.mycompany.app1://cb'], mobile: MOBILE });
    expect(created.status).toBe(201);
    expect(created.body.mobile).toEqual(MOBILE);

    const apple = await file('/.well-known/apple-app-site-association');
    expect(apple.type).toMatch(/^application\/json/);
    expect(apple.body).toEqual({
      applinks: { apps: [], details: [{ appID: '86WQXF56BC.com.auth0.Passwordless-Email', paths: ['/ios/com.auth0.Passwordless-Email/*'] }] },
      webcredentials: { apps: ['86WQXF56BC.com.auth0.Passwordless-Email'] },
    });
    expect((await file('/apple-app-site-association')).body).toEqual(apple.body);
    const android = await file('/.well-known/assetlinks.json');
    expect(android.type).toMatch(/^application\/json/);
    expect(android.body).toEqual([
      { relation: ['delegate_permission/common.handle_all_urls'], target: { namespace: 'android_app', package_name: 'com.mycompany.app1', sha256_cert_fingerprints: [FINGERPRINT] } },
    ]);

    // A change shows at once: the per-tenant files are dropped with the application's cache entry.
    // (A PATCH merges `mobile` one level deep: each platform given replaces the stored one.)
    const patched = await api('PATCH', `/clients/${created.body.client_id}`, { mobile: { android: { app_package_name: 'com.mycompany.app1', sha256_cert_fingerprints: [FINGERPRINT, FINGERPRINT_2] } } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body.mobile.ios).toEqual(MOBILE.ios);
    expect((await file('/.well-known/assetlinks.json')).body[0].target.sha256_cert_fingerprints).toEqual([FINGERPRINT, FINGERPRINT_2]);
    expect((await api('PATCH', `/clients/${created.body.client_id}`, { mobile: { ios: { team_id: '', app_bundle_identifier: '' } } })).status).toBe(200);
    expect((await file('/.well-known/apple-app-site-association')).body.applinks.details).toEqual([]);
    expect((await file('/.well-known/assetlinks.json')).body).toHaveLength(1);

    expect((await api('DELETE', `/clients/${created.body.client_id}`)).status).toBe(204);
    expect((await file('/.well-known/assetlinks.json')).body).toEqual([]);
  });

  it('serves each tenant its own apps, on every host of the tenant', async () => {
    const created = await api('POST', '/clients', { name: 'Hosted app', app_type: 'native', mobile: { ios: { team_id: 'ABCDE12345', app_bundle_identifier: 'com.example.hosted' } } });
    expect(created.status).toBe(201);
    await server.createTenant('other');
    expect((await file('/.well-known/apple-app-site-association', server.hostOf('other'))).body.applinks.details).toEqual([]);
    await server.services.customDomains.addVerified('dev', 'login.links.example');
    expect((await file('/.well-known/apple-app-site-association', 'login.links.example')).body.webcredentials.apps).toEqual(['ABCDE12345.com.example.hosted']);
    expect((await api('DELETE', `/clients/${created.body.client_id}`)).status).toBe(204);
  });

  it('refuses malformed, half-filled or misplaced settings with a 400 naming the field', async () => {
    const cases: Array<[object, RegExp, string?]> = [
      [{ ios: { team_id: 'abcde12345', app_bundle_identifier: 'com.example.app' } }, /mobile\.ios\.team_id' must be an Apple Team ID/],
      [{ ios: { team_id: 'ABCDE1234', app_bundle_identifier: 'com.example.app' } }, /mobile\.ios\.team_id/],
      [{ ios: { team_id: 'ABCDE12345', app_bundle_identifier: 'app' } }, /mobile\.ios\.app_bundle_identifier' must be a reverse-DNS/],
      [{ ios: { team_id: 'ABCDE12345', app_bundle_identifier: 'com.example/../x' } }, /mobile\.ios\.app_bundle_identifier/],
      [{ ios: { team_id: 'ABCDE12345', app_bundle_identifier: `com.${'a'.repeat(160)}` } }, /mobile\.ios\.app_bundle_identifier/],
      [{ ios: { team_id: 'ABCDE12345' } }, /'mobile\.ios' needs both team_id and app_bundle_identifier/],
      [{ android: { app_package_name: 'com.example.app' } }, /'mobile\.android' needs both app_package_name and/],
      [{ android: { sha256_cert_fingerprints: [FINGERPRINT] } }, /'mobile\.android' needs both/],
      [{ android: { app_package_name: '1com.example', sha256_cert_fingerprints: [FINGERPRINT] } }, /mobile\.android\.app_package_name' must be an Android package name/],
      [{ android: { app_package_name: 'app', sha256_cert_fingerprints: [FINGERPRINT] } }, /mobile\.android\.app_package_name/],
      [{ android: { app_package_name: 'com.example-app.x', sha256_cert_fingerprints: [FINGERPRINT] } }, /mobile\.android\.app_package_name/],
      [{ android: { app_package_name: 'com.example.app', sha256_cert_fingerprints: ['AB:CD:EF'] } }, /mobile\.android\.sha256_cert_fingerprints' must hold SHA-256 fingerprints/],
      [{ android: { app_package_name: 'com.example.app', sha256_cert_fingerprints: [FINGERPRINT.toLowerCase()] } }, /mobile\.android\.sha256_cert_fingerprints/],
      [{ android: { app_package_name: 'com.example.app', sha256_cert_fingerprints: [FINGERPRINT.replaceAll(':', '')] } }, /mobile\.android\.sha256_cert_fingerprints/],
      [{ android: { app_package_name: 'com.example.app', sha256_cert_fingerprints: [FINGERPRINT, FINGERPRINT] } }, /lists a fingerprint twice/],
      [{ android: { app_package_name: 'com.example.app', sha256_cert_fingerprints: Array.from({ length: 21 }, () => FINGERPRINT) } }, /mobile\/android\/sha256_cert_fingerprints|sha256_cert_fingerprints/],
      [{ ios: { team_id: 'ABCDE12345', app_bundle_identifier: 'com.example.app', extra: 'x' } }, /mobile\/ios|extra|additional/i],
    ];
    for (const [mobile, message] of cases) {
      const res = await api('POST', '/clients', { name: 'Bad links', app_type: 'native', mobile });
      expect(res.status, JSON.stringify(mobile)).toBe(400);
      expect(res.body.message, JSON.stringify(mobile)).toMatch(message);
    }
    // Only native applications get into the files, so only they may hold the settings.
    const spa = await api('POST', '/clients', { name: 'SPA links', app_type: 'spa', mobile: { ios: MOBILE.ios } });
    expect(spa.status).toBe(400);
    expect(spa.body.message).toMatch(/'mobile' .* native applications only/);
    const native = await api('POST', '/clients', { name: 'Turns SPA', app_type: 'native', mobile: { ios: MOBILE.ios } });
    expect(native.status).toBe(201);
    const retype = await api('PATCH', `/clients/${native.body.client_id}`, { app_type: 'spa' });
    expect(retype.status).toBe(400);
    expect(retype.body.message).toMatch(/native applications only/);
    // Empty values (what SDKs and the Deploy CLI send) are accepted on any type.
    expect((await api('POST', '/clients', { name: 'Empty links', app_type: 'regular_web', mobile: { ios: { team_id: '', app_bundle_identifier: '' }, android: { app_package_name: '', sha256_cert_fingerprints: [] } } })).status).toBe(201);
    expect((await file('/.well-known/apple-app-site-association')).body.applinks.details).toEqual([{ appID: '86WQXF56BC.com.auth0.Passwordless-Email', paths: ['/ios/com.auth0.Passwordless-Email/*'] }]);
  });
});
